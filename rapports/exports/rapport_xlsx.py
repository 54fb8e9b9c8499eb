"""Le rapport annuel d'exécution en classeur Excel : les mêmes chiffres que le PDF, une feuille par partie."""

from openpyxl import Workbook

from .classeur import (
    ENTETE,
    GRAS,
    SECTION,
    TITRE,
    ajuster_hauteurs,
    annee,
    date,
    ecrire_ligne,
    en_octets,
    euros,
    largeurs,
    nombre,
    numero,
    pour_l_impression,
)


def classeur_rapport(d):
    """`d` : DonneesRapport (rapports/donnees.py)."""
    classeur = Workbook()
    f = classeur.active
    f.title = "Synthèse"
    f.cell(row=1, column=1, value=f"Rapport annuel d'exécution {d.annee} — {d.contrat.collectivite}").font = TITRE
    lignes = [
        ("Contrat", f"Contrat de prévention et de protection de l'enfance {d.contrat.cycle.libelle}"),
        ("Période couverte", f"du {d.debut:%d/%m/%Y} au {d.fin:%d/%m/%Y}"),
        ("Étape", d.rapport.get_etape_display() if d.rapport.pk else "Non commencé"),
        ("Avis de l'ODPE", d.rapport.get_avis_odpe_display() or "—"),
        ("Fiches actions", nombre(d.nombre_fiches)),
        ("Réunions d'état d'avancement sur la période", nombre(d.nombre_reunions)),
        ("Décisions prises", nombre(d.nombre_decisions)),
        ("Synthèse globale", d.rapport.synthese_globale),
        ("Perspectives", d.rapport.perspectives),
    ]
    for i, (cle, valeur) in enumerate(lignes, start=3):
        ecrire_ligne(f, i, [cle, valeur])
        f.cell(row=i, column=1).font = GRAS
    largeurs(f, [40, 110])

    f = classeur.create_sheet("Bilan financier")
    ecrire_ligne(
        f,
        1,
        ["N° objectif", "Objectif", "Source", f"Programmé {d.annee}", "Engagé", "Dépensé"],
        police=GRAS,
        fond=ENTETE,
    )
    n = 2
    for bloc in d.bilan.objectifs:
        for ligne in bloc.lignes:
            if ligne.programme is None and ligne.engage is None and ligne.depense is None:
                continue
            ecrire_ligne(
                f,
                n,
                [
                    numero(bloc.objectif.numero),
                    bloc.objectif.titre,
                    ligne.source.libelle,
                    euros(ligne.programme),
                    euros(ligne.engage),
                    euros(ligne.depense),
                ],
            )
            n += 1
        ecrire_ligne(
            f,
            n,
            [
                numero(bloc.objectif.numero),
                f"Total objectif n° {bloc.objectif.numero}",
                "",
                euros(bloc.programme),
                euros(bloc.engage),
                euros(bloc.depense),
            ],
            police=GRAS,
            fond=SECTION,
        )
        n += 1
    for t in d.bilan.totaux:
        ecrire_ligne(
            f, n, ["", "Total du contrat", t.source.libelle, euros(t.programme), euros(t.engage), euros(t.depense)]
        )
        n += 1
    ecrire_ligne(
        f,
        n,
        [
            "",
            "Total du contrat",
            "Toutes sources",
            euros(d.bilan.programme),
            euros(d.bilan.engage),
            euros(d.bilan.depense),
        ],
        police=GRAS,
        fond=SECTION,
    )
    largeurs(f, [11, 70, 24, 18, 18, 18])
    f.freeze_panes = "A2"

    f = classeur.create_sheet("Indicateurs")
    ecrire_ligne(
        f,
        1,
        [
            "N° objectif",
            "Fiche",
            "Indicateur",
            "Unité",
            "Valeur de référence",
            "Année de référence",
            f"Cible {d.annee}",
            f"Réalisé {d.annee}",
            "Écart",
        ],
        police=GRAS,
        fond=ENTETE,
    )
    n = 2
    for o in d.objectifs:
        for fiche, i in o.indicateurs:
            ecrire_ligne(
                f,
                n,
                [
                    numero(o.objectif.numero),
                    f"{fiche.numero_complet} {fiche.titre}",
                    i.libelle,
                    i.unite,
                    nombre(i.reference),
                    annee(i.annee_reference),
                    nombre(i.cible),
                    nombre(i.realise),
                    nombre(i.ecart),
                ],
            )
            n += 1
    largeurs(f, [11, 40, 50, 12, 16, 12, 14, 14, 12])
    f.freeze_panes = "A2"

    f = classeur.create_sheet("Suivi qualitatif")
    ecrire_ligne(
        f,
        1,
        [
            "N° objectif",
            "Fiche",
            "Réunion",
            "Date",
            "Éléments positifs observables",
            "Axes d'amélioration identifiés",
            "Décisions",
        ],
        police=GRAS,
        fond=ENTETE,
    )
    n = 2
    for o in d.objectifs:
        for fr in o.fiches:
            for r in fr.reunions:
                decisions = "\n".join(f"{x.libelle} ({x.responsable}, {x.statut})" for x in r.decisions)
                ecrire_ligne(
                    f,
                    n,
                    [
                        numero(o.objectif.numero),
                        f"{fr.fiche.numero_complet} {fr.fiche.titre}",
                        f"Réunion d'état d'avancement n° {r.numero}",
                        date(r.date),
                        r.elements_positifs,
                        r.axes_amelioration,
                        decisions,
                    ],
                )
                n += 1
    largeurs(f, [11, 36, 26, 12, 50, 50, 50])

    f = classeur.create_sheet("Chemin du rapport")
    ecrire_ligne(f, 1, ["Étape", "Date de l'acte", "Enregistrée par", "Commentaire"], police=GRAS, fond=ENTETE)
    for n, e in enumerate(d.etapes, start=2):
        ecrire_ligne(f, n, [e.get_etape_display(), date(e.date), str(e.auteur or "—"), e.commentaire])
    largeurs(f, [36, 14, 36, 60])
    for feuille in classeur.worksheets:
        ajuster_hauteurs(feuille)
        pour_l_impression(feuille, titres=None if feuille.title == "Synthèse" else "1:1")
    return en_octets(classeur)
