from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from . import services
from .models import PreferenceResume


@shared_task
def envoyer_resumes():
    """Envoie à chaque abonné le résumé des nouveautés depuis son dernier envoi (une semaine au plus).
    Idempotente : relancée, elle n'envoie rien de plus (dernier_envoi avance)."""
    maintenant = timezone.now()
    envoyes = 0
    for preference in PreferenceResume.objects.filter(actif=True, utilisateur__is_active=True).select_related(
        "utilisateur"
    ):
        depuis = preference.dernier_envoi or maintenant - timedelta(days=7)
        ressources, actualites = services.nouveautes(preference.utilisateur, depuis)
        if ressources or actualites:
            contexte = {
                "utilisateur": preference.utilisateur,
                "ressources": ressources,
                "actualites": actualites,
                "adresse": settings.ADRESSE_SITE.rstrip("/") + reverse("espace_partage:accueil"),
            }
            send_mail(
                "Espace partagé : les nouveautés",
                render_to_string("espace_partage/email_resume.txt", contexte),
                None,
                [preference.utilisateur.email],
            )
            envoyes += 1
        preference.dernier_envoi = maintenant
        preference.save(update_fields=["dernier_envoi"])
    return envoyes
