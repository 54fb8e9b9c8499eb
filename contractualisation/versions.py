"""Version des référentiels des contrats (cycles, engagements, objectifs, sources, collectivités), pour les clés de
cache des pages qui les affichent : un administrateur national qui renomme un objectif le voit aussitôt partout.

La version change à chaque enregistrement ou suppression d'une de ces lignes (signaux branchés dans `apps.py`), et
encore une fois à la validation de la transaction : une page rendue entre les deux, qui lit encore les anciennes
données, ne peut pas les mettre en cache sous la nouvelle version."""

import time

from django.core.cache import cache
from django.db import transaction

CLE = "contractualisation:version_referentiels"


def version_referentiels():
    return cache.get_or_set(CLE, lambda: str(time.time_ns()), None)


def nouvelle_version():
    cache.set(CLE, str(time.time_ns()), None)


def referentiels_modifies(**kwargs):
    nouvelle_version()
    transaction.on_commit(nouvelle_version)
