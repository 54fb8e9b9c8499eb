"""Styles et aides communs aux classeurs Excel (openpyxl)."""

from io import BytesIO

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

FORMAT_EUROS = '#,##0.00 "€"'
FORMAT_NOMBRE = "#,##0.##"
FORMAT_POURCENT = "0.0 %"
GRAS = Font(bold=True)
TITRE = Font(bold=True, size=14)
ENTETE = PatternFill("solid", fgColor="DDE5F4")
SECTION = PatternFill("solid", fgColor="E3E3FD")
RECAP = PatternFill("solid", fgColor="C9E8C9")  # le « tableau vert » de l'annexe 2
TRAIT = Side(style="thin", color="7F7F7F")
BORDURE = Border(left=TRAIT, right=TRAIT, top=TRAIT, bottom=TRAIT)
ENVELOPPE = Alignment(wrap_text=True, vertical="top")
CENTRE = Alignment(wrap_text=True, vertical="center", horizontal="center")


def ecrire_ligne(feuille, ligne, valeurs, *, police=None, fond=None, format_=None, colonne=1, bordure=True):
    for i, valeur in enumerate(valeurs):
        cellule = feuille.cell(row=ligne, column=colonne + i, value=valeur)
        cellule.alignment = ENVELOPPE
        if bordure:
            cellule.border = BORDURE
        if police:
            cellule.font = police
        if fond:
            cellule.fill = fond
        if format_ and isinstance(valeur, int | float) or format_ and hasattr(valeur, "as_tuple"):
            cellule.number_format = format_


def largeurs(feuille, valeurs):
    from openpyxl.utils import get_column_letter

    for i, largeur in enumerate(valeurs, start=1):
        feuille.column_dimensions[get_column_letter(i)].width = largeur


def en_octets(classeur):
    tampon = BytesIO()
    classeur.save(tampon)
    return tampon.getvalue()
