from django.core.management.base import BaseCommand

from demo.donnees import MOT_DE_PASSE_DEMO, UTILISATEURS, creer_donnees_demo


class Command(BaseCommand):
    help = "Crée les données de démonstration (trois contrats, un compte par type d'utilisateur). Idempotent."

    def handle(self, *args, **options):
        creer_donnees_demo()
        self.stdout.write(self.style.SUCCESS("Données de démonstration prêtes. Comptes (mot de passe commun) :"))
        self.stdout.write(f"  mot de passe : {MOT_DE_PASSE_DEMO}")
        for email, _prenom, _nom, _fonction, institution, role in UTILISATEURS:
            self.stdout.write(f"  {email:42} {role.label:15} {institution}")
