"""Les trois lectures d'une fiche hors de sa page : la vue calendaire (proposition 4), le PDF (mise en page
officielle, WeasyPrint) et le .docx (modèle de l'Annexe 3, python-docx). Toutes sur les mêmes données."""

import io
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.text import slugify

from core.nombres import euros, nombre


def nom_fichier(fiche):
    """« n° objectif nom de la fiche action » (Annexe 3)."""
    return slugify(f"{fiche.numero_complet.replace('.', '-')} {fiche.titre}")[:80]


# --- Vue calendaire ---------------------------------------------------------------------------------


@dataclass
class Colonne:
    titre: str
    debut: date
    fin: date
    reunion: object = None
    annee: int = 0
    premiere_de_l_annee: bool = True


@dataclass
class Ligne:
    titre: str
    aide: str
    cellules: list = field(default_factory=list)


def colonnes_calendaires(annees, reunions):
    """Une colonne par année du cycle, et par réunion de l'année quand il y en a (« 2026-R1 », « 2026-R2 »)."""
    colonnes = []
    for annee in annees:
        de_l_annee = [r for r in reunions if r.date.year == annee]
        if not de_l_annee:
            colonnes.append(Colonne(str(annee), date(annee, 1, 1), date(annee, 12, 31), annee=annee))
            continue
        debut = date(annee, 1, 1)
        for k, reunion in enumerate(de_l_annee, start=1):
            colonnes.append(
                Colonne(f"{annee}-R{k}", debut, reunion.date, reunion, annee=annee, premiere_de_l_annee=k == 1)
            )
            debut = reunion.date
    return colonnes


def vue_calendaire(fiche, reunions):
    annees = fiche.contrat.cycle.annees
    colonnes = colonnes_calendaires(annees, reunions)
    partenaires = list(fiche.partenaires.all())
    montants = list(fiche.montants.all())
    quantitatifs = list(fiche.indicateurs_quantitatifs.all())
    qualitatifs = list(fiche.indicateurs_qualitatifs.all())
    lignes = [
        Ligne("Acteurs", "Suivi de leurs implications et identification de nouveaux acteurs"),
        Ligne("Moyens financiers et arbitrages", "Montants prévus et décisions prises en séance"),
        Ligne("Indicateurs quantitatifs", "Suivi des indicateurs et arbitrage si nécessaire"),
        Ligne("Indicateurs qualitatifs", "Suivi des indicateurs et arbitrage si nécessaire"),
        Ligne("Points de vigilance", "Axes d'amélioration identifiés"),
    ]
    for i, col in enumerate(colonnes):
        premiere = i == 0
        acteurs = [
            f"{p} : {p.get_implication_display().lower()} depuis le {p.implication_depuis:%d/%m/%Y}"
            for p in partenaires
            if (premiere and p.ajoute_le <= col.fin) or col.debut < p.ajoute_le <= col.fin
        ]
        moyens = []
        if col.premiere_de_l_annee:
            moyens = [f"{m.source.libelle} : {euros(m.montant)}" for m in montants if m.annee == col.annee]
        if col.reunion:
            moyens += [f"Décision : {d.libelle} ({d.statut})" for d in col.reunion.decisions]
        cibles = [
            f"{ind.libelle} : cible {ind.cibles[str(col.annee)]} {ind.unite}".strip()
            for ind in quantitatifs
            if col.premiere_de_l_annee and str(col.annee) in ind.cibles
        ]
        qualitatif = [q.libelle for q in qualitatifs] if premiere else []
        vigilance = [fiche.points_vigilance] if premiere and fiche.points_vigilance else []
        if col.reunion:
            qualitatif = [col.reunion.elements_positifs] if col.reunion.elements_positifs else []
            vigilance = [col.reunion.axes_amelioration] if col.reunion.axes_amelioration else []
        for ligne, contenu in zip(lignes, (acteurs, moyens, cibles, qualitatif, vigilance), strict=True):
            ligne.cellules.append(contenu)
    return {"colonnes": colonnes, "lignes": lignes}


# --- PDF ----------------------------------------------------------------------------------------------


def lecteur_local():
    """Seuls les fichiers statiques de l'application (« static:chemin ») sont lus : aucune requête réseau
    depuis un PDF."""
    from weasyprint.urls import URLFetcher

    class LecteurLocal(URLFetcher):
        def fetch(self, url, headers=None):
            prefixe = "static:"
            if not url.startswith(prefixe):
                raise ValueError(f"Ressource refusée dans le PDF : {url}")
            chemin = finders.find(url[len(prefixe) :])
            if not chemin:
                raise ValueError(f"Fichier statique introuvable : {url}")
            return super().fetch(Path(chemin).as_uri(), headers)

    return LecteurLocal()


def contexte_export(fiche):
    from .views import tableau_montants

    return {"fiche": fiche, "contrat": fiche.contrat, "montants": tableau_montants(fiche)}


def fiche_pdf(fiche):
    from weasyprint import HTML

    html = render_to_string("fiches/pdf/fiche.html", contexte_export(fiche))
    return HTML(string=html, url_fetcher=lecteur_local()).write_pdf()


# --- Word (.docx) ---------------------------------------------------------------------------------------


def lignes_docx(fiche, montants):
    """Les rubriques de l'Annexe 3 (enrichie 2025-2027), dans l'ordre, en texte."""
    referent = ", ".join(
        str(x) for x in (fiche.referent and fiche.referent.get_full_name(), fiche.referent_institution) if x
    )
    acteurs = "\n".join(
        f"{p} — {p.role or 'rôle à préciser'} ({p.get_implication_display().lower()} depuis le "
        f"{p.implication_depuis:%d/%m/%Y})"
        for p in fiche.partenaires.all()
    )
    moyens = "\n".join(
        f"{annee} : " + ", ".join(f"{s.libelle} {euros(m)}" for s, m in zip(montants["sources"], ms, strict=True) if m)
        for annee, ms, total in montants["lignes"]
        if total
    )
    calendrier = "\n".join(
        f"{j.date:%d/%m/%Y} : {j.libelle}{' (réalisé)' if j.fait else ''}" for j in fiche.jalons.all()
    )
    quantitatifs = "\n".join(
        f"{i.libelle}"
        + (f" ({i.unite})" if i.unite else "")
        + (
            f" — référence {nombre(i.valeur_reference)} en {i.annee_reference}"
            if i.valeur_reference is not None
            else ""
        )
        + (" — cibles : " + ", ".join(f"{a} : {nombre(v)}" for a, v in sorted(i.cibles.items())) if i.cibles else "")
        + (f" — source : {i.source_donnees}" if i.source_donnees else "")
        for i in fiche.indicateurs_quantitatifs.all()
    )
    qualitatifs = "\n".join(
        f"{i.libelle}" + (f" — questions clés : {i.questions_cles}" if i.questions_cles else "")
        for i in fiche.indicateurs_qualitatifs.all()
    )
    return [
        ("Département concerné", str(fiche.contrat.collectivite)),
        ("Référent (personne ou institution)", referent),
        ("Constat du diagnostic", fiche.constat),
        ("Objectif opérationnel", fiche.objectif_operationnel),
        ("Description de l'action", fiche.description),
        ("Identification des acteurs à mobiliser", acteurs),
        ("Moyens financiers prévisionnels", moyens),
        ("Calendrier prévisionnel", calendrier),
        ("Indicateurs quantitatifs de mise en œuvre de l'action", quantitatifs),
        ("Indicateurs qualitatifs de mise en œuvre de l'action", qualitatifs),
        ("Points de vigilance", fiche.points_vigilance),
    ]


def fiche_docx(fiche):
    from docx import Document
    from docx.shared import Pt

    contexte = contexte_export(fiche)
    document = Document()
    document.styles["Normal"].font.name = "Arial"
    document.styles["Normal"].font.size = Pt(10)
    document.add_paragraph(str(fiche.contrat))
    tableau = document.add_table(rows=1, cols=2)
    tableau.style = "Table Grid"
    entete = tableau.rows[0].cells
    entete[0].text = (
        f"OBJECTIF N° {fiche.objectif_contrat.objectif.numero}\nFICHE ACTION N° {fiche.numero_complet}\n"
        f"Titre de la fiche"
    )
    entete[1].text = fiche.titre
    for titre, valeur in lignes_docx(fiche, contexte["montants"]):
        cellules = tableau.add_row().cells
        cellules[0].text = titre
        cellules[1].text = valeur or ""
    for ligne in tableau.rows:
        for run in ligne.cells[0].paragraphs[0].runs:
            run.bold = True
    document.add_paragraph(
        f"Statut : {fiche.get_statut_display()}" + (" — action à impact" if fiche.action_a_impact else "")
    )
    flux = io.BytesIO()
    document.save(flux)
    return flux.getvalue()
