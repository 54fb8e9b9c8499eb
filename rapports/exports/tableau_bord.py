"""Le tableau de bord des indicateurs PMI dans la mise en page de l'Annexe 2.3 : valeur de l'année n-1, cibles
des années N à N+2 (fixées à la signature), niveau d'atteinte des mêmes années (rempli annuellement).

Les chiffres sont ceux de la page « Tableau de bord PMI » : ils viennent de la même fonction,
`suivi.tableaux.tableau_pmi` (année n-1, somme des deux semestres, parts arrondies au dixième, « — » pour une
donnée manquante ou un dénominateur nul). Ce module ne fait que la mise en page de l'annexe."""

from openpyxl import Workbook

from contractualisation.models import Cycle, Objectif
from suivi.tableaux import tableau_pmi

from .classeur import (
    CENTRE,
    ENTETE,
    GRAS,
    SECTION,
    TITRE,
    ajuster_hauteurs,
    ecrire_ligne,
    en_octets,
    nombre,
    numero,
    pour_l_impression,
    pourcentage,
)


def objectifs_de_l_annexe(lignes):
    """Les mesures et objectifs du tableau de bord sont ceux du référentiel qui l'a défini (instruction 2023)."""
    cycle_reference = Cycle.objects.order_by("annee_debut").first()
    return {
        o.numero: o
        for o in Objectif.objects.filter(
            cycle=cycle_reference, numero__in={ligne.indicateur.objectif_numero for ligne in lignes}
        ).select_related("engagement")
    }


def libelle(ligne):
    """Le libellé de la ligne, sa source et, comme sur la page, le détail des semestres saisis."""
    indicateur = ligne.indicateur
    texte = indicateur.libelle
    if ligne.est_ratio:
        texte += f" (ligne {indicateur.numerateur.numero} / ligne {indicateur.denominateur.numero})"
    elif indicateur.source != "calcul":
        texte += f" (source {indicateur.source})"
    return "\n".join([texte, *ligne.detail_semestres])


def classeur_tableau_bord(contrat):
    pmi = tableau_pmi(contrat)
    annees, lignes = pmi["annees"], pmi["lignes"]
    objectifs = objectifs_de_l_annexe(lignes)
    largeur = 5 + 2 * len(annees)
    classeur = Workbook()
    feuille = classeur.active
    feuille.title = "Tableau de bord PMI"
    feuille.cell(row=1, column=1, value="Annexe 2.3 - Tableau de bord indicateurs PMI").font = TITRE
    feuille.cell(row=2, column=1, value=f"{contrat.collectivite} — contrat {contrat.cycle.libelle}").font = GRAS
    entete = [
        "Mesure",
        "Objectif",
        "Calcul des indicateurs",
        "",
        "Indicateur année n-1 (état des lieux avant la contractualisation)",
        "Niveau cible de l'objectif (rempli à la date de signature)",
        *[""] * (len(annees) - 1),
        "Indicateur de suivi = niveau d'atteinte de l'objectif (rempli annuellement)",
        *[""] * (len(annees) - 1),
    ]
    ecrire_ligne(feuille, 4, entete, police=GRAS, fond=ENTETE)
    ecrire_ligne(
        feuille,
        5,
        ["", "", "N°", "Indicateur", f"année {pmi['annee_reference']}"] + [f"année {a}" for a in annees] * 2,
        police=GRAS,
        fond=ENTETE,
    )
    for debut in (6, 6 + len(annees)):
        feuille.merge_cells(start_row=4, start_column=debut, end_row=4, end_column=debut + len(annees) - 1)
    feuille.merge_cells(start_row=4, start_column=3, end_row=4, end_column=4)
    for colonne in (1, 2):
        feuille.merge_cells(start_row=4, start_column=colonne, end_row=5, end_column=colonne)
    for colonne in range(1, largeur + 1):
        feuille.cell(row=4, column=colonne).alignment = CENTRE

    rang, engagement, objectif = 6, None, None
    for ligne in lignes:
        o = objectifs.get(ligne.indicateur.objectif_numero)
        if o is not None and o.engagement != engagement:
            engagement = o.engagement
            ecrire_ligne(feuille, rang, [str(engagement)] + [""] * (largeur - 1), police=GRAS, fond=SECTION)
            feuille.merge_cells(start_row=rang, start_column=1, end_row=rang, end_column=largeur)
            rang += 1
        nouvel_objectif = o is not None and o != objectif
        objectif = o
        chiffre = pourcentage if ligne.est_ratio else nombre
        ecrire_ligne(
            feuille,
            rang,
            [
                o.mesure if nouvel_objectif else "",
                o.titre if nouvel_objectif else "",
                numero(ligne.indicateur.numero),
                libelle(ligne),
                chiffre(ligne.reference),
                *(chiffre(v) for v in ligne.cibles),
                *(chiffre(v) for v in ligne.realise),
            ],
        )
        rang += 1
    rang += 1
    for note in (
        "Les parts sont calculées à partir des lignes indiquées ; « — » : donnée non saisie ou dénominateur nul.",
        "Visites à domicile remontées par semestre : l'année est la somme des deux semestres quand aucune valeur "
        "annuelle n'est saisie (détail sous le libellé).",
        "Année n-1 : valeur saisie dans le suivi pour cette année, sinon valeur de référence de l'indicateur de fiche "
        "rattaché ; cibles : indicateurs des fiches actions liés à l'indicateur harmonisé ; niveau d'atteinte : "
        "valeurs saisies dans le suivi. Mêmes chiffres que la page « Tableau de bord PMI ».",
    ):
        feuille.cell(row=rang, column=1, value=note)
        rang += 1
    for colonne, largeur_colonne in enumerate([26, 40, 6, 52, 19] + [13] * (2 * len(annees)), start=1):
        feuille.column_dimensions[feuille.cell(row=1, column=colonne).column_letter].width = largeur_colonne
    feuille.freeze_panes = "E6"
    ajuster_hauteurs(feuille, premiere=4)
    pour_l_impression(feuille, titres="4:5")
    return en_octets(classeur)
