"""Exports : liste de la bibliothèque (CSV, XLSX) et procès-verbal d'une séance du comité (XLSX)."""

import csv
import io

from django.utils.timezone import localtime
from openpyxl import Workbook
from openpyxl.styles import Font

COLONNES_BIBLIOTHEQUE = [
    "Intitulé",
    "Type de fiche",
    "Entité",
    "Thématique",
    "Public visé",
    "Échelle",
    "Type d'intervention",
    "Relais",
    "Région",
    "Département",
    "Commune",
    "Date de mise en œuvre",
    "Description",
    "Publiée le",
    "Adresse",
]


def ligne_bibliotheque(p, base):
    return [
        p.intitule,
        p.get_nature_display(),
        p.entite,
        str(p.thematique or ""),
        str(p.public or ""),
        str(p.echelle or ""),
        str(p.type_intervention or ""),
        str(p.relais or ""),
        str(p.region or ""),
        str(p.departement or ""),
        p.commune,
        p.date_mise_en_oeuvre.strftime("%d/%m/%Y") if p.date_mise_en_oeuvre else "",
        p.description,
        p.publiee_le.strftime("%d/%m/%Y") if p.publiee_le else "",
        base + p.get_absolute_url(),
    ]


def neutraliser(valeur):
    """Une cellule qui commence par = + - @ serait lue comme une formule par un tableur."""
    if isinstance(valeur, str) and valeur[:1] in ("=", "+", "-", "@"):
        return "'" + valeur
    return valeur


def bibliotheque_csv(pratiques, base):
    tampon = io.StringIO()
    tampon.write("\ufeff")  # Excel reconnaît l'UTF-8 grâce à cette marque
    ecrivain = csv.writer(tampon, delimiter=";")
    ecrivain.writerow(COLONNES_BIBLIOTHEQUE)
    for p in pratiques:
        ecrivain.writerow([neutraliser(v) for v in ligne_bibliotheque(p, base)])
    return tampon.getvalue().encode("utf-8")


def bibliotheque_xlsx(pratiques, base):
    classeur = Workbook(write_only=True)
    feuille = classeur.create_sheet("Pratiques inspirantes")
    feuille.append(COLONNES_BIBLIOTHEQUE)
    for p in pratiques:
        feuille.append([neutraliser(v) for v in ligne_bibliotheque(p, base)])
    tampon = io.BytesIO()
    classeur.save(tampon)
    return tampon.getvalue()


def proces_verbal_xlsx(seance, decisions, avis_par_pratique):
    classeur = Workbook()
    feuille = classeur.active
    feuille.title = "Procès-verbal"
    feuille.append([f"Comité de sélection des pratiques inspirantes — {seance.intitule}"])
    feuille.append([f"Séance du {seance.date:%d/%m/%Y}"])
    feuille["A1"].font = Font(bold=True, size=14)
    feuille.append([])
    entetes = ["Pratique", "Entité", "Département", "Décision", "Motif", "Avis des membres", "Enregistrée par", "Le"]
    feuille.append(entetes)
    for cellule in feuille[4]:
        cellule.font = Font(bold=True)
    for d in decisions:
        p = d.pratique
        avis = "; ".join(
            f"{a.membre} : {a.get_avis_display()}" + (f" ({a.commentaire})" if a.commentaire else "")
            for a in avis_par_pratique.get(p.pk, [])
        )
        feuille.append(
            [
                neutraliser(p.intitule),
                neutraliser(p.entite),
                str(p.departement or ""),
                d.get_vers_display(),
                neutraliser(d.motif),
                neutraliser(avis),
                d.par_libelle,
                localtime(d.le).strftime("%d/%m/%Y %H:%M"),
            ]
        )
    for colonne, largeur in zip("ABCDEFGH", (45, 30, 25, 15, 45, 60, 25, 17), strict=True):
        feuille.column_dimensions[colonne].width = largeur
    feuille.print_title_rows = "4:4"
    tampon = io.BytesIO()
    classeur.save(tampon)
    return tampon.getvalue()
