from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save


def charger_referentiels(sender, **kwargs):
    from .referentiels import charger_exemples_indicateurs

    charger_exemples_indicateurs()


class FichesConfig(AppConfig):
    name = "fiches"
    verbose_name = "Fiches actions"

    def ready(self):
        from contractualisation.extensions import ajouter_lien_contrat, enregistrer_fournisseur_financements
        from contractualisation.models import IndicateurHarmonise
        from contractualisation.versions import referentiels_modifies

        from .extensions import ajouter_lien_fiche
        from .models import ExempleIndicateur
        from .services import montants_par_objectif

        post_migrate.connect(charger_referentiels, sender=self, dispatch_uid="fiches_referentiels")
        ajouter_lien_contrat("Fiches actions", "fiches:liste", "fr-icon-file-text-line", ordre=10)
        enregistrer_fournisseur_financements(montants_par_objectif)
        enregistrer_referentiel_exemples()
        ajouter_lien_fiche("Proposer comme pratique inspirante", url_proposition_pratique, ordre=90)
        # Affichés dans les rubriques d'indicateurs d'une fiche, dont la page est en cache (fiches/fragments.py).
        for modele in (ExempleIndicateur, IndicateurHarmonise):
            post_save.connect(referentiels_modifies, sender=modele, dispatch_uid=f"version_{modele.__name__}")
            post_delete.connect(referentiels_modifies, sender=modele, dispatch_uid=f"version_suppr_{modele.__name__}")


def url_proposition_pratique(fiche):
    """Le formulaire de déclaration des pratiques inspirantes, pré-rempli à partir de la fiche (simple lien :
    `fiches` n'importe pas `pratiques`)."""
    from django.urls import reverse
    from django.utils.http import urlencode

    contrat = fiche.contrat
    departement = contrat.collectivite.departements.all()[:1]
    parametres = {
        "intitule": fiche.titre,
        "description": fiche.description or fiche.objectif_operationnel,
        "entite": str(contrat.collectivite),
        "departement": departement[0].code if departement else "",
        "origine": reverse("fiches:fiche", args=[fiche.pk]),
    }
    return reverse("pratiques:proposer") + "?" + urlencode(parametres)


def enregistrer_referentiel_exemples():
    """Les exemples d'indicateurs se tiennent dans les écrans génériques des référentiels nationaux."""
    from contractualisation.referentiels_views import REFERENTIELS, Referentiel

    from .models import ExempleIndicateur

    REFERENTIELS.setdefault(
        "exemples-indicateurs",
        Referentiel(
            "exemples-indicateurs",
            "Exemples d'indicateurs (complétion guidée des fiches)",
            ExempleIndicateur,
            ("objectif", "type", "libelle", "unite", "questions_cles", "ordre"),
            ("objectif", "type", "libelle", "unite"),
            ("objectif__cycle",),
        ),
    )
