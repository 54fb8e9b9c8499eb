"""Petites fabriques de fiches pour les tests du suivi (les pages des fiches appartiennent à `fiches`)."""

from datetime import timedelta

from django.utils import timezone

from fiches.models import Fiche, IndicateurQualitatif, IndicateurQuantitatif
from suivi import services


def fiche(contrat, objectif=7, numero=None, titre=None, **champs):
    objectif_contrat = contrat.objectifs_contrat.get(objectif__numero=objectif)
    if numero is None:
        numero = Fiche.objects.filter(objectif_contrat=objectif_contrat).count() + 1
    return Fiche.objects.create(
        contrat=contrat,
        objectif_contrat=objectif_contrat,
        numero=numero,
        titre=titre or f"Action {objectif}.{numero}",
        **champs,
    )


def fiches(contrat, nombre, **champs):
    return [fiche(contrat, objectif=[1, 2, 3, 7, 8, 9][i % 6], **champs) for i in range(nombre)]


def indicateur_qualitatif(f, libelle="Ressenti des familles après le bilan de santé", **champs):
    return IndicateurQualitatif.objects.create(fiche=f, libelle=libelle, **champs)


def indicateur_quantitatif(f, libelle="Nombre de familles accompagnées", **champs):
    return IndicateurQuantitatif.objects.create(fiche=f, libelle=libelle, **champs)


def reunion(contrat, auteur, fiches_, jours=-1, **champs):
    champs.setdefault("lieu", "Hôtel du Département, salle 3")
    return services.planifier_reunion(
        contrat,
        auteur,
        fiches=fiches_,
        utilisateurs=[auteur],
        type="bilan_qualitatif",
        date=timezone.now() + timedelta(days=jours),
        **champs,
    )
