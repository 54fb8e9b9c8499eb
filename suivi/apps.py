from django.apps import AppConfig


class SuiviConfig(AppConfig):
    name = "suivi"
    verbose_name = "Suivi"

    def ready(self):
        from contractualisation.extensions import ajouter_lien_contrat
        from fiches.extensions import ajouter_lien_fiche, enregistrer_fournisseur_reunions

        from . import signaux  # noqa: F401
        from .tableaux import reunions_des_fiches

        enregistrer_fournisseur_reunions(reunions_des_fiches)
        ajouter_lien_fiche("Relevés et indicateurs", url_releves, ordre=10)
        ajouter_lien_contrat("Réunions et tableau de bord", "suivi:tableau_de_bord", "fr-icon-calendar-line", ordre=20)


def url_releves(fiche):
    from django.urls import reverse

    return reverse("suivi:releves_fiche", args=[fiche.pk])
