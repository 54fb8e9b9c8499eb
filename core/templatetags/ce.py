from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def euros(valeur):
    """12345.5 → « 12 345,50 € » ; vide → « — »."""
    if valeur is None or valeur == "":
        return "—"
    return f"{number_format(Decimal(valeur), decimal_pos=2, force_grouping=True)}\u00a0€"


@register.filter
def champ(form, nom):
    return form[nom]
