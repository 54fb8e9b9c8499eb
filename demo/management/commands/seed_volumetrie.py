import time

from django.core.management.base import BaseCommand
from django.db import connection

from demo.volumetrie import EMAIL_NATIONAL, MOT_DE_PASSE_VOLUME, construire_volume


class Command(BaseCommand):
    help = "Construit un volume national de données (un contrat par collectivité), en masse et de façon déterministe."

    def add_arguments(self, parser):
        parser.add_argument("--contrats", type=int, default=100)
        parser.add_argument("--graine", type=int, default=2025)

    def handle(self, *args, contrats, graine, **options):
        debut = time.perf_counter()
        crees = construire_volume(contrats, graine)
        if connection.vendor == "postgresql":
            # Après une création en masse, les statistiques du planificateur sont fausses et la carte de visibilité
            # vide tant que l'autovacuum n'est pas passé : des plans en boucle imbriquée sur des milliers de lignes,
            # et pas de parcours d'index seul pour les comptages. On fait ce que l'autovacuum ferait en production.
            with connection.cursor() as curseur:
                curseur.execute("VACUUM ANALYZE")
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(crees)} contrats créés en {time.perf_counter() - debut:.1f} s. "
                f"Lecteur national : {EMAIL_NATIONAL} / {MOT_DE_PASSE_VOLUME}"
            )
        )
