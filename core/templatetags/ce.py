from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def euros(valeur):
    """12345.5 → « 12 345,50 € » ; vide → « — »."""
    if valeur is None or valeur == "":
        return "—"
    # Formatage direct plutôt que number_format : appelé des centaines de fois par tableau de financement.
    return f"{Decimal(valeur):,.2f}".replace(",", "\u202f").replace(".", ",") + "\u00a0€"


@register.filter
def champ(form, nom):
    return form[nom]
