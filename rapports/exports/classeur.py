"""Styles et aides communs aux classeurs Excel (openpyxl). Les nombres s'écrivent avec les formats de
`core/nombres.py`, cellule par cellule : un n° d'objectif reste un entier même dans une ligne de montants."""

from io import BytesIO
from typing import NamedTuple

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from core import nombres

GRAS = Font(bold=True)
TITRE = Font(bold=True, size=14)
ENTETE = PatternFill("solid", fgColor="DDE5F4")
SECTION = PatternFill("solid", fgColor="E3E3FD")
RECAP = PatternFill("solid", fgColor="C9E8C9")  # le « tableau vert » de l'annexe 2
TRAIT = Side(style="thin", color="7F7F7F")
BORDURE = Border(left=TRAIT, right=TRAIT, top=TRAIT, bottom=TRAIT)
ENVELOPPE = Alignment(wrap_text=True, vertical="top")
CHIFFRE = Alignment(vertical="top", horizontal="right")  # un nombre ne se replie pas ; son « — » s'aligne avec lui
CENTRE = Alignment(wrap_text=True, vertical="center", horizontal="center")


class Cellule(NamedTuple):
    """Une valeur et son format de nombre ; une valeur absente s'écrit « — », comme sur la page."""

    valeur: object
    format: str

    @property
    def contenu(self):
        return nombres.TIRET if self.valeur is None else self.valeur


def euros(valeur):
    return Cellule(valeur, nombres.FORMAT_EUROS)


def nombre(valeur):
    return Cellule(valeur, nombres.format_nombre(valeur))


def pourcentage(valeur):
    """Une part exprimée en pourcentage (20.8) : la cellule vaut 0,208 et s'affiche « 20,8 % »."""
    return Cellule(nombres.part(valeur), nombres.FORMAT_POURCENT)


def annee(valeur):
    return Cellule(valeur, nombres.FORMAT_ANNEE)


def numero(valeur):
    return Cellule(valeur, nombres.FORMAT_NUMERO)


def date(valeur):
    return Cellule(valeur, nombres.FORMAT_DATE)


def ecrire_cellule(cellule, valeur):
    """`valeur` : un texte (ou None : case vide) ou une `Cellule` (valeur et format)."""
    if isinstance(valeur, Cellule):
        cellule.value = valeur.contenu
        if not isinstance(valeur.contenu, str):
            cellule.number_format = valeur.format
    else:
        cellule.value = valeur


def ecrire_ligne(feuille, ligne, valeurs, *, police=None, fond=None, colonne=1, bordure=True):
    for i, valeur in enumerate(valeurs):
        cellule = feuille.cell(row=ligne, column=colonne + i)
        ecrire_cellule(cellule, valeur)
        cellule.alignment = CHIFFRE if isinstance(valeur, Cellule) else ENVELOPPE
        if bordure:
            cellule.border = BORDURE
        if police:
            cellule.font = police
        if fond:
            cellule.fill = fond


def _lignes_repliees(texte, par_ligne):
    """Le nombre de lignes d'un texte replié mot à mot sur `par_ligne` caractères."""
    lignes, longueur = 1, 0
    for mot in texte.split():
        if longueur and longueur + 1 + len(mot) > par_ligne:
            lignes, longueur = lignes + 1, 0
        lignes += (len(mot) - 1) // par_ligne if len(mot) > par_ligne else 0
        longueur = (longueur + 1 if longueur else 0) + (len(mot) % par_ligne or par_ligne)
    return lignes


def ajuster_hauteurs(feuille, premiere=1, interligne=15):
    """openpyxl n'écrit pas la hauteur des lignes, et ni LibreOffice ni Excel n'agrandissent à l'ouverture une
    ligne dont le texte passe à la ligne : les libellés se chevauchent. On l'estime d'après la largeur des
    colonnes (environ 1,2 caractère par unité de largeur), cellules fusionnées comprises."""
    largeur_de = {}
    for lettre, dimension in feuille.column_dimensions.items():
        largeur_de[lettre] = dimension.width or 8.43
    fusions = {}
    couvertes = set()
    for plage in feuille.merged_cells.ranges:
        colonnes = range(plage.min_col, plage.max_col + 1)
        largeur = sum(largeur_de.get(get_column_letter(c), 8.43) for c in colonnes)
        fusions[(plage.min_row, plage.min_col)] = (largeur, plage.max_row - plage.min_row + 1)
        couvertes |= {(r, c) for r in range(plage.min_row, plage.max_row + 1) for c in colonnes}
    for rang in feuille.iter_rows(min_row=premiere):
        lignes = 1
        for cellule in rang:
            if not isinstance(cellule.value, str) or not cellule.value or not cellule.alignment.wrap_text:
                continue
            position = (cellule.row, cellule.column)
            if position in fusions:
                largeur, hauteur = fusions[position]
            elif position in couvertes:
                continue
            else:
                largeur, hauteur = largeur_de.get(cellule.column_letter, 8.43), 1
            par_ligne = max(int(largeur * (1.0 if cellule.font.bold else 1.15)) - 1, 1)
            n = sum(_lignes_repliees(morceau, par_ligne) for morceau in cellule.value.split("\n"))
            lignes = max(lignes, -(-n // hauteur))
        if lignes > 1:
            feuille.row_dimensions[rang[0].row].height = lignes * interligne


def pour_l_impression(feuille, titres=None):
    """Paysage, une page de large, lignes d'en-tête répétées : le classeur s'imprime comme l'annexe."""
    feuille.page_setup.orientation = "landscape"
    feuille.page_setup.fitToWidth = 1
    feuille.page_setup.fitToHeight = 0
    feuille.sheet_properties.pageSetUpPr.fitToPage = True
    if titres:
        feuille.print_title_rows = titres


def largeurs(feuille, valeurs):
    for i, largeur in enumerate(valeurs, start=1):
        feuille.column_dimensions[get_column_letter(i)].width = largeur


def en_octets(classeur):
    tampon = BytesIO()
    classeur.save(tampon)
    return tampon.getvalue()
