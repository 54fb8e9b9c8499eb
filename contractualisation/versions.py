"""Version des référentiels des contrats (cycles, engagements, objectifs, sources, collectivités), pour les clés de
cache des pages qui les affichent : un administrateur national qui renomme un objectif le voit aussitôt partout.

La version change à chaque enregistrement ou suppression d'une de ces lignes (signaux branchés dans `apps.py`)."""

import time

from django.core.cache import cache

CLE = "contractualisation:version_referentiels"


def version_referentiels():
    return cache.get_or_set(CLE, lambda: str(time.time_ns()), None)


def referentiels_modifies(**kwargs):
    cache.set(CLE, str(time.time_ns()), None)
