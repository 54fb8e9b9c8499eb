"""Notifier le référent nommé d'une fiche : `fiches` ne connaît pas `suivi` (règle de dépendance), le
suivi écoute donc l'enregistrement des fiches."""

from django.db.models.signals import post_init, post_save
from django.dispatch import receiver
from django.urls import NoReverseMatch, reverse

from fiches.models import Commentaire, Fiche

from .enums import TypeNotification
from .notifications import notifier


def url_fiche(fiche):
    try:
        return reverse("fiches:fiche", args=[fiche.pk])
    except NoReverseMatch:  # la page de la fiche appartient à l'application `fiches`
        return reverse("suivi:releves_fiche", args=[fiche.pk])


@receiver(post_init, sender=Fiche, dispatch_uid="suivi_referent_initial")
def retenir_referent(sender, instance, **kwargs):
    # Lu dans __dict__ : un champ différé (.only()) ne déclenche pas de requête.
    instance._suivi_referent_initial = instance.__dict__.get("referent_id")


@receiver(post_save, sender=Fiche, dispatch_uid="suivi_referent_fiche")
def notifier_referent(sender, instance, created=False, raw=False, **kwargs):
    """Seulement quand le référent change : un enregistrement ordinaire de la fiche ne coûte aucune requête."""
    if raw or not instance.referent_id:
        return
    if not created and instance.referent_id == getattr(instance, "_suivi_referent_initial", None):
        return
    instance._suivi_referent_initial = instance.referent_id
    notifier(
        [instance.referent_id],
        TypeNotification.REFERENT_FICHE,
        f"referent-fiche-{instance.pk}-{instance.referent_id}",
        f"Vous êtes référent(e) de la fiche action n° {instance.numero_complet} — {instance.titre}",
        url_fiche(instance),
    )


@receiver(post_save, sender=Commentaire, dispatch_uid="suivi_commentaire_fiche")
def notifier_commentaire(sender, instance, created=False, raw=False, **kwargs):
    """Un commentaire sur une fiche prévient son référent nommé, et l'auteur du commentaire auquel il répond ;
    jamais son propre auteur."""
    if raw or not created:
        return
    fiche = instance.fiche
    destinataires = {fiche.referent_id}
    if instance.reponse_a_id:
        destinataires.add(instance.reponse_a.auteur_id)
    destinataires -= {None, instance.auteur_id}
    auteur = instance.auteur or "Quelqu'un"
    notifier(
        destinataires,
        TypeNotification.COMMENTAIRE_FICHE,
        f"commentaire-{instance.pk}",
        f"{auteur} a commenté la fiche action n° {fiche.numero_complet} — {fiche.titre}",
        url_fiche(fiche) + "#commentaires",
    )
