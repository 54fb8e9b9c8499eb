"""Contrôles de `manage.py check --deploy` propres à l'application."""

import os

from django.conf import settings
from django.core.checks import Warning, register


@register(deploy=True)
def adresse_du_site(app_configs, **kwargs):
    """Les e-mails envoyés par les tâches n'ont pas de requête d'où tirer l'adresse du site : sans ADRESSE_SITE,
    leurs liens pointeraient vers le poste de développement."""
    avertissements = []
    if "URL_SITE" in os.environ:
        avertissements.append(
            Warning(
                "La variable URL_SITE n'est plus lue.",
                hint="Renommez-la ADRESSE_SITE (adresse publique du site, pour les liens des e-mails).",
                id="core.W002",
            )
        )
    if "127.0.0.1" in settings.ADRESSE_SITE or "localhost" in settings.ADRESSE_SITE:
        avertissements.append(
            Warning(
                f"ADRESSE_SITE vaut {settings.ADRESSE_SITE} : les liens des e-mails ne mènent pas au site public.",
                hint="Définissez ADRESSE_SITE, par exemple https://contrat-enfance.exemple.gouv.fr.",
                id="core.W001",
            )
        )
    return avertissements
