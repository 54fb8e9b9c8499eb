from decimal import Decimal

from django import template
from django.urls import reverse

register = template.Library()


@register.filter
def nombre(valeur):
    """19842.00 → « 19 842 » ; 12.5 → « 12,5 » ; vide → « — »."""
    if valeur is None or valeur == "":
        return "—"
    valeur = Decimal(valeur)
    texte = f"{valeur:,.0f}" if valeur == valeur.to_integral() else f"{valeur:,.2f}".rstrip("0")
    return texte.replace(",", "\u202f").replace(".", ",")


@register.filter
def pourcent(valeur):
    """20.8 → « 20,8 % » ; vide (dénominateur manquant ou nul) → « — »."""
    if valeur is None:
        return "—"
    return f"{Decimal(valeur):.1f}".replace(".", ",") + "\u00a0%"


@register.filter
def ariane_suivi(contrat):
    return [(reverse("suivi:tableau_de_bord", args=[contrat.slug]), "Réunions et tableau de bord")]
