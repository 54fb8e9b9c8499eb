from django.core.management.base import BaseCommand

from contractualisation.referentiels import charger_referentiels_contrat
from core.referentiels import charger_territoires


class Command(BaseCommand):
    help = "Charge les référentiels livrés dans fixtures/ (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--mettre-a-jour",
            action="store_true",
            help="Réaligne aussi les éléments existants (écrase les corrections faites dans l'application).",
        )

    def handle(self, *args, mettre_a_jour=False, **options):
        charger_territoires(mettre_a_jour=mettre_a_jour)
        charger_referentiels_contrat(mettre_a_jour=mettre_a_jour)
        self.stdout.write(self.style.SUCCESS("Référentiels chargés."))
