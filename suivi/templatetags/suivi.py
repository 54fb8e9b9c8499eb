from decimal import Decimal

from django import template
from django.urls import reverse

from suivi import formats

register = template.Library()


register.filter("nombre", formats.nombre)


@register.filter
def pourcent(valeur):
    """20.8 → « 20,8 % » ; vide (dénominateur manquant ou nul) → « — »."""
    if valeur is None:
        return "—"
    return f"{Decimal(valeur):.1f}".replace(".", ",") + "\u00a0%"


@register.filter
def ariane_suivi(contrat):
    return [(reverse("suivi:tableau_de_bord", args=[contrat.slug]), "Réunions et tableau de bord")]
