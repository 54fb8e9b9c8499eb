"""Le plan d'action dans la mise en page de l'Annexe 2 (instruction du 25 avril 2023) : mêmes colonnes dans le
même ordre, engagements en lignes de section, source de financement de l'État par objectif, et le « tableau
vert » récapitulatif par source (montant État sollicité, montant CD), une année du cycle après l'autre."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook

from contractualisation.enums import CategorieSource
from contractualisation.services import tableau_financement
from fiches.models import Fiche

from ..donnees import objectifs_du_contrat
from .classeur import (
    BORDURE,
    CENTRE,
    ENTETE,
    GRAS,
    RECAP,
    SECTION,
    TITRE,
    ajuster_hauteurs,
    ecrire_ligne,
    en_octets,
    euros,
    largeurs,
    numero,
    pour_l_impression,
)

ZERO = Decimal("0")
COLONNES_OBJECTIF = [
    "Mesure",
    "N° de l'objectif",
    "Objectif",
    "Résumé des actions à mettre en œuvre",
    "Partenaires",
    "Source de financement État",
]
COLONNES_ANNEE = ["Département", "État", "Total pour l'objectif", "Autres financements (précisez la source)"]


@dataclass
class LignePlan:
    objectif: object
    actions: str
    partenaires: str
    source_etat: str
    par_annee: dict  # annee -> (département, état, total, autres)


@dataclass
class PlanAction:
    contrat: object
    annees: list
    engagements: list  # [(engagement, [LignePlan])]
    sources_etat: list
    recapitulatif: dict  # annee -> [(source, montant État, montant CD)]


def construire(contrat):
    """Les montants viennent du tableau de financement du contrat (calculé depuis les fiches actions quand elles
    portent les montants de leur objectif) : une seule saisie."""
    objectifs = objectifs_du_contrat(contrat)
    annees = contrat.cycle.annees
    tableau = tableau_financement(contrat, objectifs=objectifs)
    sources_etat = [s for s in tableau.sources if s.categorie == CategorieSource.ETAT]
    montants = defaultdict(lambda: ZERO)  # (objectif, annee, catégorie) et (objectif, annee, source)
    for bloc in tableau.blocs:
        for ligne in bloc.annees:
            for source, montant in zip(tableau.sources, ligne.montants, strict=True):
                montants[(bloc.objectif.pk, ligne.annee, source.categorie)] += montant or ZERO
                montants[(bloc.objectif.pk, ligne.annee, source.pk)] += montant or ZERO
    fiches = defaultdict(list)
    for fiche in (
        Fiche.objects.filter(contrat=contrat)
        .select_related("objectif_contrat__objectif", "referent_institution")
        .prefetch_related("partenaires__institution")
    ):
        fiches[fiche.objectif_contrat.objectif_id].append(fiche)

    plan = PlanAction(contrat, annees, [], sources_etat, {})
    for objectif in objectifs:
        siennes = sorted(fiches[objectif.pk], key=lambda f: f.numero)
        partenaires = {f.referent_institution.nom for f in siennes if f.referent_institution}
        partenaires |= {str(p) for f in siennes for p in f.partenaires.all()}
        par_annee = {}
        for annee in annees:
            dep = montants[(objectif.pk, annee, CategorieSource.DEPARTEMENT)]
            etat = montants[(objectif.pk, annee, CategorieSource.ETAT)]
            par_annee[annee] = (dep, etat, dep + etat, montants[(objectif.pk, annee, CategorieSource.AUTRE)])
        ligne = LignePlan(
            objectif=objectif,
            actions="\n".join(f"Action n° {f.numero_complet} : {f.titre}" for f in siennes),
            partenaires=", ".join(sorted(partenaires)),
            source_etat=" ou ".join(s.libelle for s in objectif.sources.all()),
            par_annee=par_annee,
        )
        if not plan.engagements or plan.engagements[-1][0] != objectif.engagement:
            plan.engagements.append((objectif.engagement, []))
        plan.engagements[-1][1].append(ligne)

    for annee in annees:
        etat, cd = defaultdict(lambda: ZERO), defaultdict(lambda: ZERO)
        for objectif in objectifs:
            for s in sources_etat:
                etat[s.pk] += montants[(objectif.pk, annee, s.pk)]
            # La part du Département est rattachée à la source de l'État qui finance le plus l'objectif cette
            # année-là (à défaut, la première source prévue par le référentiel).
            principale = max(sources_etat, key=lambda s: montants[(objectif.pk, annee, s.pk)], default=None)
            if principale is None or not montants[(objectif.pk, annee, principale.pk)]:
                prevues = list(objectif.sources.all())
                principale = prevues[0] if prevues else principale
            if principale is not None:
                cd[principale.pk] += montants[(objectif.pk, annee, CategorieSource.DEPARTEMENT)]
        plan.recapitulatif[annee] = [(s, etat[s.pk], cd[s.pk]) for s in sources_etat]
    return plan


def classeur_plan_action(contrat):
    plan = construire(contrat)
    classeur = Workbook()
    feuille = classeur.active
    feuille.title = "Plan d'action"
    largeur_totale = len(COLONNES_OBJECTIF) + len(COLONNES_ANNEE) * len(plan.annees)
    feuille.cell(row=1, column=1, value=f"Annexe 2 - Plan d'action — contrat {contrat.cycle.libelle}").font = TITRE
    feuille.cell(row=2, column=1, value="Nom du département :").font = GRAS
    feuille.cell(row=2, column=3, value=str(contrat.collectivite))

    # Deux lignes d'en-tête, comme l'annexe : « Financements <année> » couvre ses quatre colonnes.
    ligne = 4
    ecrire_ligne(feuille, ligne, COLONNES_OBJECTIF, police=GRAS, fond=ENTETE)
    for i, annee in enumerate(plan.annees):
        colonne = len(COLONNES_OBJECTIF) + 1 + i * len(COLONNES_ANNEE)
        ecrire_ligne(feuille, ligne, [f"Financements {annee}"] + [""] * 3, police=GRAS, fond=ENTETE, colonne=colonne)
        feuille.merge_cells(start_row=ligne, start_column=colonne, end_row=ligne, end_column=colonne + 3)
        ecrire_ligne(feuille, ligne + 1, COLONNES_ANNEE, police=GRAS, fond=ENTETE, colonne=colonne)
    for colonne in range(1, len(COLONNES_OBJECTIF) + 1):
        feuille.merge_cells(start_row=ligne, start_column=colonne, end_row=ligne + 1, end_column=colonne)
        feuille.cell(row=ligne, column=colonne).alignment = CENTRE
    ligne += 2

    for engagement, lignes in plan.engagements:
        ecrire_ligne(feuille, ligne, [str(engagement)] + [""] * (largeur_totale - 1), police=GRAS, fond=SECTION)
        feuille.merge_cells(start_row=ligne, start_column=1, end_row=ligne, end_column=largeur_totale)
        ligne += 1
        for lp in lignes:
            valeurs = [
                lp.objectif.mesure,
                numero(lp.objectif.numero),
                lp.objectif.titre,
                lp.actions,
                lp.partenaires,
                lp.source_etat,
            ]
            for annee in plan.annees:
                valeurs.extend(euros(m) for m in lp.par_annee[annee])
            ecrire_ligne(feuille, ligne, valeurs)
            ligne += 1

    for annee in plan.annees:
        ligne += 1
        ecrire_ligne(
            feuille,
            ligne,
            [f"Récapitulatifs montants totaux {annee}", "Montant État sollicité", "Montant CD"],
            police=GRAS,
            fond=RECAP,
        )
        ligne += 1
        total_etat = total_cd = ZERO
        for source, etat, cd in plan.recapitulatif[annee]:
            ecrire_ligne(feuille, ligne, [source.libelle, euros(etat), euros(cd)], fond=RECAP)
            total_etat, total_cd = total_etat + etat, total_cd + cd
            ligne += 1
        ecrire_ligne(feuille, ligne, ["Total", euros(total_etat), euros(total_cd)], police=GRAS, fond=RECAP)
        ligne += 1

    largeurs(feuille, [28, 16, 48, 48, 28, 16] + [15] * (len(COLONNES_ANNEE) * len(plan.annees)))
    feuille.freeze_panes = "D6"
    pour_l_impression(feuille, titres="4:5")
    for colonne in range(1, largeur_totale + 1):
        feuille.cell(row=4, column=colonne).border = BORDURE
    ajuster_hauteurs(feuille, premiere=4)
    return en_octets(classeur)
