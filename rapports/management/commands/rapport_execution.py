from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from contractualisation.models import Contrat
from rapports import donnees, services
from rapports.exports.pdf import rendre_pdf
from rapports.exports.rapport_xlsx import classeur_rapport


class Command(BaseCommand):
    help = "Écrit le rapport annuel d'exécution d'un contrat (le même fichier que le bouton de téléchargement)."

    def add_arguments(self, parser):
        parser.add_argument("--contrat", required=True, help="identifiant ou slug du contrat")
        parser.add_argument("--annee", required=True, type=int)
        parser.add_argument("--format", choices=["pdf", "xlsx"], default="pdf")
        parser.add_argument("--out", required=True, help="fichier à écrire")

    def handle(self, *args, contrat, annee, format, out, **options):
        filtre = {"pk": int(contrat)} if contrat.isdigit() else {"slug": contrat}
        objet = Contrat.objects.select_related("collectivite__region", "cycle").filter(**filtre).first()
        if objet is None:
            raise CommandError(f"Aucun contrat « {contrat} ».")
        if annee not in services.annees_possibles(objet):
            raise CommandError(f"Le contrat ne prévoit pas de rapport pour {annee}.")
        d = donnees.rassembler(objet, annee)
        contenu = rendre_pdf(d) if format == "pdf" else classeur_rapport(d)
        Path(out).write_bytes(contenu)
        self.stdout.write(f"{out} : {len(contenu)} octets.")
