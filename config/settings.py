"""Réglages de Contrat Enfance, tous lus dans l'environnement.

Sans variable d'environnement, l'application tourne en mode démo : base SQLite locale, tâches Celery
exécutées dans le processus, e-mails affichés dans la console, fichiers dans ./media.
`DJANGO_ENV=production` active les réglages de sécurité (HTTPS, cookies sécurisés, HSTS) et exige
SECRET_KEY et ALLOWED_HOSTS.
"""

import hashlib
import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=None):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "oui", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


ENVIRONMENT = env("DJANGO_ENV", "dev")
PRODUCTION = ENVIRONMENT == "production"

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY doit être défini en production.")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"

DEBUG = env_bool("DEBUG", default=not PRODUCTION and ENVIRONMENT != "test")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS doit être défini en production.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.forms",
    "dsfr",
    "widget_tweaks",
    "django_htmx",
    "template_partials",
    "guardian",
    "axes",
    "simple_history",
    "core",
    "contractualisation",
    "fiches",
    "suivi",
    "espace_partage",
    "pratiques",
    "rapports",
    "demo",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.RenouvellementSession",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.interface",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    },
]

FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
DSFR_MARK_OPTIONAL_FIELDS = True

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(env("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Une base injoignable répond vite « en panne » (/sante/ : 503) au lieu de bloquer un worker gunicorn.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", int(env("DB_DELAI_CONNEXION", "5")))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20})
    DATABASES["default"]["TEST"] = {"NAME": env("SQLITE_TEST_NAME")} if env("SQLITE_TEST_NAME") else {}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.Utilisateur"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "accueil"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Session : huit heures d'inactivité au plus ; l'échéance est repoussée au plus toutes les cinq minutes
# (core/middleware.py), pas à chaque requête.
SESSION_COOKIE_AGE = int(env("SESSION_COOKIE_AGE", str(8 * 60 * 60)))
SESSION_RENOUVELLEMENT = 5 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Force brute : verrouillage après 5 échecs par couple identifiant + adresse, levé après 15 minutes.
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=float(env("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "registration/verrouillage.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Avant le verrouillage d'un compte, les essais de connexion d'une même adresse sont limités (django-ratelimit).
LIMITE_CONNEXIONS_IP = env("LIMITE_CONNEXIONS_IP", "20/m")
# Nombre de mandataires inverses de confiance devant gunicorn (nginx : 1) ; l'adresse du client est alors lue dans
# X-Forwarded-For (voir core/adresse.py). 0 : REMOTE_ADDR.
PROXIES_DE_CONFIANCE = int(env("PROXIES_DE_CONFIANCE", "0"))
RATELIMIT_IP_META_KEY = "core.adresse.adresse_client"
AXES_CLIENT_IP_CALLABLE = "core.adresse.adresse_client"

GUARDIAN_RAISE_403 = True
ANONYMOUS_USER_NAME = None

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False  # les montants sont groupés par le filtre « euros », pas les années
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media-interdit/"  # les fichiers ne sont jamais servis directement : voir les vues de téléchargement

S3_BUCKET = env("S3_BUCKET")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
if S3_BUCKET:
    # Stockage partagé compatible S3 (Scaleway, OVH, MinIO…) : plusieurs serveurs web voient les mêmes fichiers.
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env("S3_ENDPOINT_URL"),
            "region_name": env("S3_REGION"),
            "access_key": env("S3_ACCESS_KEY_ID"),
            "secret_key": env("S3_SECRET_ACCESS_KEY"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Contrat Enfance <ne-pas-repondre@contrat-enfance.local>")

REDIS_URL = env("REDIS_URL")
# Délais courts vers Redis (cache et broker) : un Redis injoignable coûte peu à chaque requête (voir
# ARCHITECTURE.md, « Quand une partie tombe »).
REDIS_DELAI = float(env("REDIS_DELAI", "0.5"))
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
# Sans broker, les tâches s'exécutent tout de suite dans le processus (démo, tests).
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_DELAI
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": REDIS_DELAI, "socket_timeout": 4 * REDIS_DELAI}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = REDIS_DELAI
CELERY_REDIS_SOCKET_TIMEOUT = 4 * REDIS_DELAI
CELERY_BEAT_SCHEDULE = {
    # Les tâches gardées en base pendant une panne du broker (core/taches.py) repartent à son retour.
    "core-taches-en-attente": {"task": "core.tasks.rejouer_taches_en_attente", "schedule": timedelta(minutes=1)},
    "espace-partage-resume": {
        "task": "espace_partage.tasks.envoyer_resumes",
        "schedule": crontab(hour=7, minute=30, day_of_week="monday"),
    },
    # Suivi : rappels des réunions (quelques jours avant), décisions en retard, recueils qualitatifs, résumés du jour.
    "suivi-rappels-reunions": {"task": "suivi.tasks.envoyer_rappels_reunions", "schedule": timedelta(hours=1)},
    "suivi-decisions-en-retard": {"task": "suivi.tasks.signaler_decisions_en_retard", "schedule": timedelta(days=1)},
    "suivi-rappels-collectes": {"task": "suivi.tasks.rappeler_collectes", "schedule": timedelta(days=1)},
    "suivi-resumes-quotidiens": {"task": "suivi.tasks.envoyer_resumes_quotidiens", "schedule": timedelta(days=1)},
}
# Adresse publique du site, pour les liens absolus des e-mails (envoyés par Celery, sans requête).
ADRESSE_SITE = env("ADRESSE_SITE", "http://127.0.0.1:8000")


def prefixe_de_cache(base):
    """Deux instances qui partagent un Redis (recette et production, deux départements…) n'ont pas la même
    base : le préfixe en est tiré, lisible et rendu unique par une empreinte de l'hôte, du port et du nom."""
    identite = f"{base.get('HOST') or ''}:{base.get('PORT') or ''}:{base.get('NAME') or ''}"
    lisible = re.sub(r"[^A-Za-z0-9_.-]", "_", Path(str(base.get("NAME") or "base")).stem)[:40]
    return f"{lisible}-{hashlib.sha256(identite.encode()).hexdigest()[:8]}"


CACHE_PREFIXE = env("CACHE_PREFIXE") or prefixe_de_cache(DATABASES["default"])
CACHES = {
    "default": (
        {
            # Un Redis injoignable est un cache vide, jamais une erreur (core/cache.py).
            "BACKEND": "core.cache.CacheTolerant",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_PREFIXE,
            "OPTIONS": {"socket_connect_timeout": REDIS_DELAI, "socket_timeout": REDIS_DELAI},
            "PAUSE_APRES_ECHEC": float(env("CACHE_PAUSE_APRES_ECHEC", "2")),
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "KEY_PREFIX": CACHE_PREFIXE}
    )
}
# Avec Redis (production), la session est lue dans le cache et écrite aussi en base (rien de perdu au
# redémarrage de Redis) : une requête SQL de moins par page. Cache injoignable : lue en base.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db" if REDIS_URL else "django.contrib.sessions.backends.db"
# Cache injoignable : les limites de débit (connexion, formulaire public des pratiques) ne s'appliquent pas
# (le verrouillage des comptes par django-axes, en base, reste actif) ; core.cache l'écrit dans le journal.
RATELIMIT_FAIL_OPEN = True

CONTRAT_ENFANCE = {
    "TAILLE_MAX_FICHIER": int(env("TAILLE_MAX_FICHIER_MO", "20")) * 1024 * 1024,
}

# Espace partagé : antivirus ClamAV (démon clamd) et service des fichiers par nginx (X-Accel-Redirect).
CLAMD_HOST = env("CLAMD_HOST", "")
CLAMD_PORT = int(env("CLAMD_PORT", "3310"))
CLAMD_TIMEOUT = float(env("CLAMD_TIMEOUT", "30"))
FICHIERS_X_ACCEL_PREFIXE = env("FICHIERS_X_ACCEL_PREFIXE", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}

# Content-Security-Policy de chaque page (django-csp) : aucun script en ligne ni eval (htmx configuré sans eval
# dans templates/base.html), scripts et styles servis par l'application seulement. La réponse qui porte déjà son
# propre en-tête (téléchargements : « default-src 'none'; sandbox ») le garde : le middleware ne l'écrase pas.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured("SECRET_KEY trop courte pour la production (50 caractères au moins).")

# Pratiques inspirantes : envois du formulaire public par adresse IP (django-ratelimit), taille d'une pièce jointe.
PRATIQUES_LIMITE_ENVOIS = env("PRATIQUES_LIMITE_ENVOIS", "40/h")
PRATIQUES_TAILLE_MAX_PIECE = int(env("PRATIQUES_TAILLE_MAX_PIECE_MO", "5")) * 1024 * 1024

# Fichiers déposés (helper « fichiers ») : l'antivirus reprend toutes les 15 minutes ce qui attend encore une
# analyse (tâche perdue, clamd en panne, fichier déposé avant la configuration de CLAMD_HOST).
CELERY_BEAT_SCHEDULE["fichiers-reprendre-analyses"] = {
    "task": "core.tasks.reprendre_analyses",
    "schedule": timedelta(minutes=15),
}

# Saisie (helper « saisie ») : le lien secret de reprise d'une déclaration de pratique expire après ce nombre de
# jours ; le déclarant en redemande un par e-mail (pratiques:nouveau_lien).
PRATIQUES_DUREE_LIEN_REPRISE_JOURS = int(env("PRATIQUES_DUREE_LIEN_REPRISE_JOURS", "30"))

# --- Concurrence optimiste (core/concurrence.py) ----------------------------------------------------------------
# SQLite n'a pas de SELECT … FOR UPDATE : chaque transaction y prend le verrou d'écriture dès son début, pour que
# deux enregistrements du même formulaire passent l'un après l'autre, le second relisant la version du premier.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
