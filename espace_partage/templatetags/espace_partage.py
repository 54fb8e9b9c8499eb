from django import template

from core.fichiers import taille_lisible

from ..services import pieces_jointes as ressources_jointes

register = template.Library()
register.filter("taille", taille_lisible)


@register.inclusion_tag("espace_partage/_pieces_jointes.html", takes_context=True)
def pieces_jointes(context, objet):
    """Les ressources de l'espace partagé jointes à un objet (fiche, réunion…), visibles par l'utilisateur :
    `{% load espace_partage %}{% pieces_jointes reunion %}`."""
    return {"ressources": ressources_jointes(objet, context["request"].user)}
