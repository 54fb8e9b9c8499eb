"""Ce que le rapport lit dans `fiches` et `suivi` : réunions et décisions par fiche, cibles et valeurs atteintes
des indicateurs (les fonctions mêmes des pages du suivi), relevés qualitatifs validés."""

from django.apps import apps

from fiches.extensions import reunions_des_fiches
from suivi.tableaux import valeurs_atteintes


def reunions_par_fiche(fiches):
    return reunions_des_fiches(fiches)


def _modele(nom):
    try:
        return apps.get_model("suivi", nom)
    except LookupError:
        return None


def valeurs_realisees(indicateurs):
    """{indicateur.pk: {2026: Decimal, …}} : les valeurs atteintes telles que le suivi les montre (l'année, ou la
    somme de ses deux semestres ; la valeur du contrat pour un indicateur rattaché à un indicateur harmonisé)."""
    return valeurs_atteintes(indicateurs)


def releves_valides(fiches):
    """{fiche.pk: [relevé validé, …]} (la « fiche de relevé » du seed 001), du plus ancien au plus récent."""
    Releve = _modele("Releve")
    if Releve is None or not fiches:
        return {}
    resultat = {}
    releves = Releve.objects.filter(fiche__in=fiches, statut="valide").select_related("indicateur")
    for r in releves.order_by("date_observation", "pk"):
        resultat.setdefault(r.fiche_id, []).append(r)
    return resultat
