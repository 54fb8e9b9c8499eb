"""L'état de chaque partie de l'application, pour /sante/ (répartiteur de charge, supervision).

Seule la base est indispensable : sans elle, /sante/ répond 503 (l'instance est retirée du répartiteur). Cache,
broker ou stockage en panne : 200 et « dégradé » (les pages sont servies, sans cache, les tâches attendent en base,
les dépôts et téléchargements de fichiers échouent) : retirer l'instance n'y changerait rien, les autres partagent
les mêmes Redis et stockage. Le détail des erreurs va dans le journal `core.sante`, pas dans la réponse publique.
"""

import logging
import os
import time

from celery import current_app
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import DatabaseError, connections

logger = logging.getLogger("core.sante")

OK, EN_PANNE = "ok", "en panne"
ALIAS_BASE = "default"


def _mesurer(nom, controle):
    debut = time.perf_counter()
    try:
        detail = controle()
        etat = OK
    except Exception as erreur:  # une sonde ne doit jamais lever : toute erreur dit « en panne »
        logger.warning("Sonde de santé : %s en panne (%s: %s).", nom, type(erreur).__name__, erreur)
        etat, detail = EN_PANNE, "injoignable"
    partie = {"etat": etat, "duree_ms": round((time.perf_counter() - debut) * 1000, 1)}
    if detail:
        partie["detail"] = detail
    return partie


def _base():
    with connections[ALIAS_BASE].cursor() as curseur:
        curseur.execute("SELECT 1")
        curseur.fetchone()


def _cache():
    joignable = getattr(cache, "joignable", None)
    if joignable is not None:
        if not joignable():
            raise ConnectionError("Redis ne répond pas au PING")
        return None
    return "mémoire locale du processus"


def _broker():
    if current_app.conf.task_always_eager:
        return "tâches exécutées dans le processus"
    with current_app.connection_for_write() as connexion:
        connexion.ensure_connection(max_retries=0)
    from .models import TacheEnAttente

    try:
        en_attente = TacheEnAttente.objects.count()
    except DatabaseError:
        return None  # la base est déjà signalée
    return f"{en_attente} tâche(s) gardée(s) en base, rejouée(s) sous une minute" if en_attente else None


def _stockage():
    if isinstance(default_storage, FileSystemStorage):
        # Le dossier est créé au premier dépôt : s'il n'existe pas encore, c'est son parent qui doit être inscriptible.
        dossier = os.path.abspath(default_storage.location)
        while not os.path.exists(dossier) and os.path.dirname(dossier) != dossier:
            dossier = os.path.dirname(dossier)
        if not (os.path.isdir(dossier) and os.access(dossier, os.W_OK)):
            raise OSError(f"{default_storage.location} : {dossier} n'est pas un dossier inscriptible")
        return None
    default_storage.exists(".sonde-de-sante")  # S3 : une requête HEAD (absente : faux, sans erreur)
    return None


SONDES = {"base de données": _base, "cache": _cache, "broker": _broker, "stockage": _stockage}
INDISPENSABLES = {"base de données"}


def etat_des_parties():
    """Rend l'état global (« ok », « dégradé », ou « en panne » si une partie indispensable l'est), les parties
    en panne et le détail de chacune."""
    parties = {nom: _mesurer(nom, sonde) for nom, sonde in SONDES.items()}
    en_panne = [nom for nom, partie in parties.items() if partie["etat"] != OK]
    if any(nom in INDISPENSABLES for nom in en_panne):
        etat = EN_PANNE
    else:
        etat = "dégradé" if en_panne else OK
    return {"etat": etat, "en_panne": en_panne, "parties": parties}
