"""Mise en forme des nombres du suivi, appelée par les filtres de gabarit et par les graphiques construits en
Python (`tableaux.Serie`)."""

from decimal import Decimal


def nombre(valeur):
    """19842.00 → « 19 842 » ; 12.5 → « 12,5 » ; vide → « — »."""
    if valeur is None or valeur == "":
        return "—"
    valeur = Decimal(valeur)
    texte = f"{valeur:,.0f}" if valeur == valeur.to_integral() else f"{valeur:,.2f}".rstrip("0")
    return texte.replace(",", "\u202f").replace(".", ",")
