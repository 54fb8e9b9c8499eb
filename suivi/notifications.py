"""Notifications : une ligne par destinataire et par événement (jamais deux), dans l'application et par
e-mail selon la préférence de chacun (à chaque événement, résumé quotidien ou jamais)."""

from core.taches import lancer

from .enums import FrequenceNotification
from .models import Notification


def notifier(destinataires, type, cle, titre, url="", email_deja_envoye=False):
    """Crée la notification de l'événement `cle` pour chaque destinataire qui ne l'a pas déjà reçue, puis
    programme l'envoi des e-mails immédiats. Rend les notifications créées.

    `email_deja_envoye` : l'événement a déjà son propre e-mail (invitation avec .ics, rappel de réunion) ;
    la notification reste dans l'application sans second e-mail."""
    from django.utils import timezone

    ids = {u.pk if hasattr(u, "pk") else u for u in destinataires if u is not None}
    if not ids:
        return []
    deja = set(Notification.objects.filter(cle=cle, destinataire_id__in=ids).values_list("destinataire_id", flat=True))
    nouvelles = Notification.objects.bulk_create(
        [
            Notification(
                destinataire_id=i,
                type=type,
                cle=cle,
                titre=titre[:300],
                url=url,
                envoyee_le=timezone.now() if email_deja_envoye else None,
            )
            for i in sorted(ids - deja)
        ],
        ignore_conflicts=True,  # deux événements simultanés : la contrainte d'unicité tranche
    )
    if nouvelles and not email_deja_envoye:
        from .tasks import envoyer_notifications

        lancer(envoyer_notifications, cle)
    return nouvelles


def frequence_de(user):
    preference = getattr(user, "preference_notification", None)
    return preference.frequence if preference else FrequenceNotification.IMMEDIATE
