"""Réglages des tests : mêmes réglages que l'application, plus stricts sur les gabarits."""

import inspect

from django.template import TemplateSyntaxError

from .settings import *  # noqa: F403
from .settings import TEMPLATES


class VariableDeGabaritInconnue(str):
    """Une variable absente d'un de nos gabarits fait échouer le test au lieu d'afficher une chaîne vide.
    Les gabarits des bibliothèques (django-dsfr…) comptent sur la chaîne vide : ils sont laissés tels quels."""

    def __mod__(self, nom):
        frame = inspect.currentframe().f_back
        while frame is not None:
            contexte = frame.f_locals.get("context")
            template = getattr(contexte, "template", None)
            if template is not None:
                origine = str(getattr(template.origin, "name", ""))
                if "site-packages" in origine:
                    return ""
                break
            frame = frame.f_back
        raise TemplateSyntaxError(f"Variable de gabarit inconnue : {nom!r}")


TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = VariableDeGabaritInconnue("%s")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Chaque processus de test a son propre cache, et les tâches Celery s'exécutent dans le processus, même quand
# REDIS_URL est défini (suite PostgreSQL + Redis de la CI) : vider le cache d'un test n'efface pas celui d'un
# autre test en parallèle. Le vrai chemin Redis + worker Celery est couvert par tests/rapports/test_national.py.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TASK_ALWAYS_EAGER = True
# La session est réécrite à chaque requête dans les tests (comme SESSION_SAVE_EVERY_REQUEST) : les nombres de
# requêtes épinglés comptent donc l'écriture de session, au pire. Le renouvellement espacé de la production est
# vérifié par tests/core/test_authentification.py.
SESSION_RENOUVELLEMENT = 0
SESSION_ENGINE = "django.contrib.sessions.backends.db"
