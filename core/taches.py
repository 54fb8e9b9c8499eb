"""Le seul chemin de l'application vers Celery : `lancer(tache, *args)`.

La tâche est confiée au broker après la validation de la transaction en cours (elle lit ce qui vient d'être
écrit), avec des délais courts (`CELERY_BROKER_TRANSPORT_OPTIONS`) et sans nouvel essai : une vue n'attend jamais
un broker absent et n'échoue jamais à cause de lui. Si le broker ne répond pas, l'appel est gardé en base
(`TacheEnAttente`, une ligne de journal `core.taches`) et confié au broker à son retour : par la tâche périodique
`core.tasks.rejouer_taches_en_attente` (Celery beat, chaque minute) et dès qu'un `lancer` suivant réussit.

Sans broker (`CELERY_TASK_ALWAYS_EAGER`, démo et tests), la tâche s'exécute dans le processus, comme `.delay()`.
"""

import logging

from celery import current_app
from django.db import transaction
from django.db.models import F
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

from .models import TacheEnAttente

logger = logging.getLogger("core.taches")

# Connexion ou publication refusée (kombu enveloppe les erreurs de connexion ; un Redis plein ou en lecture seule
# répond par une erreur Redis).
ERREURS_DE_BROKER = (OperationalError, RedisError, OSError)
LOT = 50


def lancer(tache, *args, **kwargs):
    transaction.on_commit(lambda: publier(tache, args, kwargs))


def publier(tache, args=(), kwargs=None):
    """Confie la tâche au broker tout de suite (hors transaction, ou quand la tâche ne lit rien qui reste à
    valider) ; `lancer` l'appelle à la validation. Rend vrai si la tâche est partie (ou a été exécutée), faux si
    elle attend en base."""
    kwargs = kwargs or {}
    if current_app.conf.task_always_eager:
        tache.apply_async(args, kwargs)
        return True
    try:
        _envoyer(tache.name, args, kwargs)
    except ERREURS_DE_BROKER as erreur:
        TacheEnAttente.objects.create(
            tache=tache.name, arguments=list(args), arguments_nommes=kwargs, derniere_erreur=str(erreur)[:500]
        )
        logger.warning("Broker injoignable (%s) : tâche %s%s gardée en attente.", erreur, tache.name, tuple(args))
        return False
    if TacheEnAttente.objects.exists():
        rejouer(limite=LOT)
    return True


def _envoyer(nom, args, kwargs):
    # Un seul essai de connexion (kombu réessaie sinon après 2 s d'attente, puis à chaque publication) et de
    # publication ; aucun résultat attendu (sans cela, Celery s'abonne aussi au canal du résultat).
    with current_app.connection_for_write() as connexion:
        connexion.ensure_connection(max_retries=0)
        current_app.send_task(
            nom, args=list(args), kwargs=kwargs, connection=connexion, retry=False, ignore_result=True
        )


def rejouer(limite=None):
    """Confie au broker les tâches en attente, les plus anciennes d'abord ; s'arrête au premier échec (broker
    encore absent). Deux rejeux simultanés se partagent les lignes (`skip_locked`). Rend le nombre de tâches
    parties."""
    parties = 0
    while limite is None or parties < limite:
        taille = LOT if limite is None else min(LOT, limite - parties)
        with transaction.atomic():
            lot = list(TacheEnAttente.objects.select_for_update(skip_locked=True).order_by("pk")[:taille])
            if not lot:
                break
            faites = []
            for attente in lot:
                try:
                    _envoyer(attente.tache, attente.arguments, attente.arguments_nommes)
                except ERREURS_DE_BROKER as erreur:
                    TacheEnAttente.objects.filter(pk=attente.pk).update(
                        essais=F("essais") + 1, derniere_erreur=str(erreur)[:500]
                    )
                    TacheEnAttente.objects.filter(pk__in=faites).delete()
                    logger.warning("Broker toujours injoignable (%s) : %d tâche(s) rejouée(s).", erreur, parties)
                    return parties
                faites.append(attente.pk)
                parties += 1
            TacheEnAttente.objects.filter(pk__in=faites).delete()
    if parties:
        logger.warning("Broker revenu : %d tâche(s) en attente confiée(s) au broker.", parties)
    return parties
