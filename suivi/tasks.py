"""Tâches Celery du suivi. Elles prennent des identifiants et sont idempotentes : relancées, elles n'envoient
rien deux fois (dates d'envoi notées sur chaque ligne). Programmées par Celery beat (config/settings.py)."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage, send_mail
from django.db import transaction
from django.utils import timezone

from .enums import FrequenceNotification, StatutDecision, StatutReunion, TypeNotification
from .ics import invitation_ics
from .models import CollecteIndicateur, Decision, Notification, Participant, Reunion
from .notifications import notifier

JOURS_AVANT_RAPPEL = 3


def _texte_reunion(reunion):
    debut = timezone.localtime(reunion.date)
    lignes = [
        f"{reunion.get_type_display()} — {reunion.contrat}",
        f"Le {debut:%d/%m/%Y} à {debut:%H:%M}",
    ]
    if reunion.lieu:
        lignes.append(f"Lieu : {reunion.lieu}")
    if reunion.lien_visio:
        lignes.append(f"Visioconférence : {reunion.lien_visio}")
    lignes.append("")
    lignes.append("Ordre du jour :")
    for p in reunion.points.select_related("fiche__objectif_contrat__objectif"):
        lignes.append(f"- Fiche action n° {p.fiche.numero_complet} — {p.fiche.titre}")
    return "\n".join(lignes)


@shared_task
def envoyer_invitations(reunion_id):
    """Un e-mail par participant avec l'invitation .ics ; les participants déjà invités sont sautés."""
    reunion = Reunion.objects.select_related("contrat__collectivite").get(pk=reunion_id)
    if reunion.statut != StatutReunion.PLANIFIEE:
        return 0
    texte = _texte_reunion(reunion)
    ics = invitation_ics(reunion)
    envoyes = 0
    for participant in reunion.participants.filter(invitation_envoyee_le__isnull=True).select_related("utilisateur"):
        if not participant.adresse:
            continue
        message = EmailMessage(
            subject=f"Invitation : {reunion}",
            body=f"Bonjour,\n\nVous êtes invité(e) à la réunion suivante.\n\n{texte}\n",
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[participant.adresse],
        )
        message.attach("invitation.ics", ics, "text/calendar; method=REQUEST")
        message.send()
        Participant.objects.filter(pk=participant.pk).update(invitation_envoyee_le=timezone.now())
        envoyes += 1
    return envoyes


@shared_task
def envoyer_rappels_reunions():
    """Rappel, quelques jours avant, des réunions planifiées (e-mail et notification)."""
    maintenant = timezone.now()
    reunions = Reunion.objects.filter(
        statut=StatutReunion.PLANIFIEE,
        date__gte=maintenant,
        date__lte=maintenant + timedelta(days=JOURS_AVANT_RAPPEL),
    ).select_related("contrat__collectivite")
    envoyes = 0
    for reunion in reunions:
        texte = _texte_reunion(reunion)
        participants = list(reunion.participants.filter(rappel_envoye_le__isnull=True).select_related("utilisateur"))
        for participant in participants:
            if participant.adresse:
                send_mail(f"Rappel : {reunion}", f"Bonjour,\n\nRappel :\n\n{texte}\n", None, [participant.adresse])
                envoyes += 1
            Participant.objects.filter(pk=participant.pk).update(rappel_envoye_le=timezone.now())
        from django.urls import reverse

        notifier(
            [p.utilisateur for p in participants if p.utilisateur_id],
            TypeNotification.RAPPEL_REUNION,
            f"rappel-reunion-{reunion.pk}",
            f"Rappel : {reunion} ({reunion.contrat.collectivite})",
            reverse("suivi:ordre_du_jour", args=[reunion.pk]),
            email_deja_envoye=True,
        )
    return envoyes


@shared_task
def signaler_decisions_en_retard():
    from django.urls import reverse

    aujourd_hui = timezone.localdate()
    for decision in Decision.objects.filter(
        statut=StatutDecision.A_FAIRE, echeance__lt=aujourd_hui, responsable__isnull=False
    ).select_related("point"):
        notifier(
            [decision.responsable_id],
            TypeNotification.DECISION_EN_RETARD,
            f"decision-en-retard-{decision.pk}-{decision.echeance:%Y%m%d}",
            f"Décision en retard (échéance {decision.echeance:%d/%m/%Y}) : {decision.libelle}",
            reverse("suivi:ordre_du_jour", args=[decision.point.reunion_id]) + f"#point-{decision.point_id}",
        )


@shared_task
def rappeler_collectes():
    """Prévient les collecteurs désignés d'un indicateur qualitatif quand le prochain recueil approche."""
    from django.urls import reverse

    limite = timezone.localdate() + timedelta(days=7)
    for collecte in CollecteIndicateur.objects.filter(prochaine_echeance__lte=limite).select_related(
        "indicateur__fiche"
    ):
        fiche = collecte.indicateur.fiche
        notifier(
            collecte.collecteurs.all(),
            TypeNotification.RELEVE_A_COLLECTER,
            f"collecte-{collecte.pk}-{collecte.prochaine_echeance:%Y%m%d}",
            f"Relevé à recueillir avant le {collecte.prochaine_echeance:%d/%m/%Y} : {collecte.indicateur}",
            reverse("suivi:releves_fiche", args=[fiche.pk]),
        )


def _envoyer(notifications, sujet):
    destinataire = notifications[0].destinataire
    site = settings.ADRESSE_SITE.rstrip("/")
    lignes = [f"- {n.titre}" + (f"\n  {site}{n.url}" if n.url else "") for n in notifications]
    corps = (
        "Bonjour,\n\n" + "\n".join(lignes) + f"\n\nVos notifications et vos préférences : {site}/suivi/notifications/"
    )
    send_mail(sujet, corps, None, [destinataire.email])
    Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(envoyee_le=timezone.now())


@shared_task
def envoyer_notifications(cle):
    """E-mails immédiats d'un événement, pour ceux qui les ont choisis (choix par défaut)."""
    with transaction.atomic():
        a_envoyer = list(
            Notification.objects.select_for_update(of=("self",))
            .filter(cle=cle, envoyee_le__isnull=True)
            .exclude(destinataire__preference_notification__frequence__in=["quotidienne", "aucune"])
            .select_related("destinataire")
        )
        for notification in a_envoyer:
            _envoyer([notification], notification.titre)
    return len(a_envoyer)


@shared_task
def envoyer_resumes_quotidiens():
    """Un seul e-mail par jour et par personne ayant choisi le résumé quotidien."""
    par_personne = {}
    for n in Notification.objects.filter(
        envoyee_le__isnull=True, destinataire__preference_notification__frequence=FrequenceNotification.QUOTIDIENNE
    ).select_related("destinataire"):
        par_personne.setdefault(n.destinataire_id, []).append(n)
    for notifications in par_personne.values():
        _envoyer(notifications, f"Contrat Enfance : {len(notifications)} notification(s) du jour")
    return len(par_personne)
