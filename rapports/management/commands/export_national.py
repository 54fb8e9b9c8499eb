import shutil

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand

from rapports import national


class Command(BaseCommand):
    help = "Écrit le classeur national d'une année (le même fichier que le bouton de la page nationale)."

    def add_arguments(self, parser):
        parser.add_argument("--annee", required=True, type=int)
        parser.add_argument("--out", required=True, help="fichier .xlsx à écrire")

    def handle(self, *args, annee, out, **options):
        nom = national.generer(annee)
        with default_storage.open(nom, "rb") as source, open(out, "wb") as cible:
            shutil.copyfileobj(source, cible)
        self.stdout.write(f"{out} : classeur national {annee}.")
