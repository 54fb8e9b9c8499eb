from django import template
from django.urls import reverse

register = template.Library()


@register.filter
def ariane_suivi(contrat):
    return [(reverse("suivi:tableau_de_bord", args=[contrat.slug]), "Réunions et tableau de bord")]
