from django.core.management.base import BaseCommand, CommandError

from core import antivirus


class Command(BaseCommand):
    help = (
        "Programme l'analyse antivirus de tous les fichiers déposés qui n'ont pas été déclarés sains (à lancer une "
        "fois après avoir configuré CLAMD_HOST ; Celery beat le refait toutes les 15 minutes)."
    )

    def handle(self, *args, **options):
        if not antivirus.configure():
            raise CommandError("L'antivirus n'est pas configuré : indiquez CLAMD_HOST (et CLAMD_PORT).")
        repris = antivirus.reprendre_analyses()
        self.stdout.write(self.style.SUCCESS(f"{repris} fichier(s) à analyser."))
