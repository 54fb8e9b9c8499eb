import time

from django.core.management.base import BaseCommand

from demo.volumetrie import EMAIL_NATIONAL, MOT_DE_PASSE_VOLUME, construire_volume


class Command(BaseCommand):
    help = "Construit un volume national de données (un contrat par collectivité), en masse et de façon déterministe."

    def add_arguments(self, parser):
        parser.add_argument("--contrats", type=int, default=100)
        parser.add_argument("--graine", type=int, default=2025)

    def handle(self, *args, contrats, graine, **options):
        debut = time.perf_counter()
        crees = construire_volume(contrats, graine)
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(crees)} contrats créés en {time.perf_counter() - debut:.1f} s. "
                f"Lecteur national : {EMAIL_NATIONAL} / {MOT_DE_PASSE_VOLUME}"
            )
        )
