"""Les nombres de l'application, écrits et lus à la française, en un seul endroit.

- Pour les pages et les PDF : `nombre` (« 19 842 », « 12,5 »), `euros` (« 12 345,50 € »), `pourcent`
  (« 20,8 % ») et `annee` (« 2024 », jamais « 2 024 »). Les milliers sont séparés par une espace fine insécable,
  l'unité par une espace insécable ; une valeur absente s'écrit « — ».
- Pour les classeurs (openpyxl) : les formats de nombre qui affichent la même chose dans Excel et LibreOffice
  (`FORMAT_ENTIER`, `FORMAT_DECIMAL`, `FORMAT_EUROS`, `FORMAT_POURCENT`, `FORMAT_ANNEE`, `FORMAT_DATE`),
  `format_nombre(valeur)` qui choisit entre entier et décimal comme `nombre` le fait, et `part(pourcentage)` qui
  rend la valeur d'une cellule en pourcentage.
- Pour ce que les gens tapent (formulaires, cibles des fiches) : `lire` (« 19 842 », « 12 345,50 € », « 12,5 »)."""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

TIRET = "—"
MILLIERS = "\u202f"  # espace fine insécable, comme le séparateur de config/formats/fr
AVANT_UNITE = "\u00a0"  # espace insécable avant « € » et « % »
CENT = Decimal("100")
CENTIEME = Decimal("0.01")

# --- Écrire (pages, PDF) --------------------------------------------------------------------------


def _vide(valeur):
    return valeur is None or valeur == ""


def _grouper(texte):
    """« 1,234,567.5 » (format Python) → « 1 234 567,5 »."""
    return texte.replace(",", MILLIERS).replace(".", ",")


def _decimal(valeur):
    return valeur if isinstance(valeur, Decimal) else Decimal(str(valeur))


def nombre(valeur):
    """19842.00 → « 19 842 » ; 12.5 → « 12,5 » ; 12.25 → « 12,25 » (deux décimales au plus) ; vide → « — ».
    Un texte qui n'est pas un nombre (une cible écrite « à définir ») est rendu tel quel."""
    if _vide(valeur):
        return TIRET
    if isinstance(valeur, str):
        lu = lire(valeur)
        if lu is None:
            return valeur
        valeur = lu
    valeur = _decimal(valeur).quantize(CENTIEME, rounding=ROUND_HALF_UP)
    if valeur == valeur.to_integral_value():
        return _grouper(f"{valeur:,.0f}")
    return _grouper(f"{valeur:,.2f}".rstrip("0"))


def euros(valeur):
    """12345.5 → « 12 345,50 € » ; vide → « — »."""
    if _vide(valeur):
        return TIRET
    return _grouper(f"{_decimal(valeur):,.2f}") + AVANT_UNITE + "€"


def pourcent(valeur):
    """Une part déjà exprimée en pourcentage : 20.8 → « 20,8 % » ; vide (dénominateur manquant ou nul) → « — »."""
    if _vide(valeur):
        return TIRET
    return _grouper(f"{_decimal(valeur):,.1f}") + AVANT_UNITE + "%"


def annee(valeur):
    """2024 → « 2024 » : une année ou un numéro ne se groupe pas par milliers ; vide → « — »."""
    if _vide(valeur):
        return TIRET
    return str(int(valeur))


# --- Écrire (classeurs openpyxl) ----------------------------------------------------------------------

FORMAT_ENTIER = "#,##0"
FORMAT_DECIMAL = "#,##0.0#"
FORMAT_EUROS = '#,##0.00 "€"'
FORMAT_POURCENT = "#,##0.0 %"
FORMAT_ANNEE = "0"
FORMAT_NUMERO = FORMAT_ANNEE  # n° d'objectif, de ligne : un entier sans séparateur
FORMAT_DATE = "DD/MM/YYYY"


def format_nombre(valeur):
    """Le format d'une cellule qui affiche `valeur` comme `nombre` l'écrit sur la page."""
    if valeur is None or isinstance(valeur, str):
        return "General"
    valeur = _decimal(valeur).quantize(CENTIEME, rounding=ROUND_HALF_UP)
    return FORMAT_ENTIER if valeur == valeur.to_integral_value() else FORMAT_DECIMAL


def part(pourcentage):
    """La valeur d'une cellule au format `FORMAT_POURCENT` (20.8 → 0.208) : le tableur multiplie par cent."""
    return None if pourcentage is None else _decimal(pourcentage) / CENT


# --- Lire ce qui est tapé -------------------------------------------------------------------------------

ESPACES_ET_EUROS = re.compile(r"[\s\u00a0\u202f€]")


def lire(texte):
    """« 19 842 », « 12 345,50 € », « 12345.5 » → Decimal ; vide ou illisible → None. Un Decimal, un entier ou
    un flottant sont rendus en Decimal."""
    if texte is None:
        return None
    if isinstance(texte, Decimal):
        return texte if texte.is_finite() else None
    if isinstance(texte, int | float):
        texte = str(texte)
    texte = ESPACES_ET_EUROS.sub("", str(texte)).replace(",", ".")
    if not texte:
        return None
    try:
        valeur = Decimal(texte)
    except InvalidOperation:
        return None
    return valeur if valeur.is_finite() else None  # « NaN », « Infinity » ne sont pas des nombres saisis


def pour_saisie(valeur, decimales=2):
    """La valeur remise dans un champ de saisie : 12345.5 → « 12 345,50 » (espace ordinaire, facile à retaper)."""
    if valeur is None:
        return ""
    return f"{_decimal(valeur):,.{decimales}f}".replace(",", " ").replace(".", ",")
