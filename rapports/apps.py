from django.apps import AppConfig


class RapportsConfig(AppConfig):
    name = "rapports"
    verbose_name = "Rapports d'exécution et exports"

    def ready(self):
        from contractualisation.extensions import ajouter_lien_contrat

        ajouter_lien_contrat("Rapport d'exécution", "rapports:contrat", "fr-icon-article-line", ordre=30)
