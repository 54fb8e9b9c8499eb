"""Le tableau de bord des indicateurs PMI dans la mise en page de l'Annexe 2.3 : valeur de l'année n-1, cibles
des années N à N+2 (fixées à la signature), niveau d'atteinte des mêmes années (rempli annuellement). Les
ratios sont calculés à partir de leurs lignes ; un dénominateur vide ou nul donne « — », jamais une erreur."""

from dataclasses import dataclass

from openpyxl import Workbook

from contractualisation.enums import TypeIndicateur
from contractualisation.models import Cycle, IndicateurHarmonise, Objectif
from fiches.models import IndicateurQuantitatif

from .. import suivi_donnees
from .classeur import CENTRE, ENTETE, FORMAT_NOMBRE, FORMAT_POURCENT, GRAS, SECTION, TITRE, ecrire_ligne, en_octets

COLONNES = [
    "Mesure",
    "Objectif",
    "Calcul des indicateurs",
    "",
    "Indicateur année n-1 (état des lieux avant la contractualisation)",
    "Niveau cible de l'objectif (rempli à la date de signature)",
    "",
    "",
    "Indicateur de suivi = niveau d'atteinte de l'objectif (rempli annuellement)",
    "",
    "",
]
TIRET = "—"


@dataclass
class LigneTableau:
    indicateur: IndicateurHarmonise
    objectif: object
    reference: object  # Decimal, ratio (Decimal entre 0 et 1) ou None
    cibles: list
    realises: list


def ratio(numerateur, denominateur):
    if numerateur is None or not denominateur:
        return None
    return numerateur / denominateur


def construire(contrat, famille="PMI"):
    annees = contrat.cycle.annees
    harmonises = list(IndicateurHarmonise.objects.filter(famille=famille).select_related("numerateur", "denominateur"))
    saisis = {}
    for i in IndicateurQuantitatif.objects.filter(fiche__contrat=contrat, indicateur_harmonise__in=harmonises).order_by(
        "pk"
    ):
        saisis.setdefault(i.indicateur_harmonise_id, i)
    realises = suivi_donnees.valeurs_harmonisees({contrat.pk}, {h.pk for h in harmonises})
    # Les mesures et objectifs du tableau de bord sont ceux du référentiel qui l'a défini (instruction 2023).
    cycle_reference = Cycle.objects.order_by("annee_debut").first()
    objectifs = {
        o.numero: o
        for o in Objectif.objects.filter(
            cycle=cycle_reference, numero__in={h.objectif_numero for h in harmonises}
        ).select_related("engagement")
    }

    valeurs = {}
    for h in harmonises:
        if h.type == TypeIndicateur.NOMBRE:
            i = saisis.get(h.pk)
            ref = i.valeur_reference if i else None
            cibles = [suivi_donnees.nombre((i.cibles or {}).get(str(a))) if i else None for a in annees]
            saisies = realises.get((contrat.pk, h.pk), {})
            faits = [suivi_donnees.nombre(saisies.get(str(a))) for a in annees]
            valeurs[h.pk] = (ref, cibles, faits)
    lignes = []
    for h in sorted(harmonises, key=lambda h: h.numero or 0):
        if h.type == TypeIndicateur.RATIO:
            n = valeurs.get(h.numerateur_id, (None, [None] * len(annees), [None] * len(annees)))
            d = valeurs.get(h.denominateur_id, (None, [None] * len(annees), [None] * len(annees)))
            ref = ratio(n[0], d[0])
            cibles = [ratio(a, b) for a, b in zip(n[1], d[1], strict=True)]
            faits = [ratio(a, b) for a, b in zip(n[2], d[2], strict=True)]
        else:
            ref, cibles, faits = valeurs[h.pk]
        lignes.append(LigneTableau(h, objectifs.get(h.objectif_numero), ref, cibles, faits))
    return annees, lignes


def _cellule(valeur):
    return TIRET if valeur is None else valeur


def classeur_tableau_bord(contrat):
    annees, lignes = construire(contrat)
    classeur = Workbook()
    feuille = classeur.active
    feuille.title = "Tableau de bord PMI"
    feuille.cell(row=1, column=1, value="Annexe 2.3 - Tableau de bord indicateurs PMI").font = TITRE
    feuille.cell(row=2, column=1, value=f"{contrat.collectivite} — contrat {contrat.cycle.libelle}").font = GRAS
    ecrire_ligne(feuille, 4, COLONNES, police=GRAS, fond=ENTETE)
    ecrire_ligne(
        feuille, 5, ["", "", "N°", "Indicateur", ""] + [f"année {a}" for a in annees] * 2, police=GRAS, fond=ENTETE
    )
    for debut, fin in ((6, 8), (9, 11)):
        feuille.merge_cells(start_row=4, start_column=debut, end_row=4, end_column=fin)
    feuille.merge_cells(start_row=4, start_column=3, end_row=4, end_column=4)
    for colonne in (1, 2, 5):
        feuille.merge_cells(start_row=4, start_column=colonne, end_row=5, end_column=colonne)
    for colonne in range(1, 12):
        feuille.cell(row=4, column=colonne).alignment = CENTRE

    ligne, engagement, objectif = 6, None, None
    for lt in lignes:
        o = lt.objectif
        if o is not None and o.engagement != engagement:
            engagement = o.engagement
            ecrire_ligne(feuille, ligne, [str(engagement)] + [""] * 10, police=GRAS, fond=SECTION)
            feuille.merge_cells(start_row=ligne, start_column=1, end_row=ligne, end_column=11)
            ligne += 1
        nouvel_objectif = o is not None and o != objectif
        objectif = o
        format_ = FORMAT_POURCENT if lt.indicateur.type == TypeIndicateur.RATIO else FORMAT_NOMBRE
        ecrire_ligne(
            feuille,
            ligne,
            [
                (o.mesure if nouvel_objectif else "") if o else "",
                (o.titre if nouvel_objectif else "") if o else "",
                lt.indicateur.numero,
                lt.indicateur.libelle
                + (f" (source {lt.indicateur.source})" if lt.indicateur.source != "calcul" else ""),
                _cellule(lt.reference),
                *(_cellule(v) for v in lt.cibles),
                *(_cellule(v) for v in lt.realises),
            ],
            format_=format_,
        )
        ligne += 1
    ligne += 1
    for note in (
        "Les ratios sont calculés à partir des lignes indiquées ; « — » : donnée non saisie ou dénominateur nul.",
        "Valeurs de référence et cibles : indicateurs des fiches actions liés à l'indicateur harmonisé ; "
        "niveau d'atteinte : valeurs saisies dans le suivi.",
    ):
        feuille.cell(row=ligne, column=1, value=note)
        ligne += 1
    for lettre, largeur in zip("ABCDEFGHIJK", [26, 40, 6, 52, 16, 13, 13, 13, 13, 13, 13], strict=True):
        feuille.column_dimensions[lettre].width = largeur
    feuille.freeze_panes = "E6"
    return en_octets(classeur)
