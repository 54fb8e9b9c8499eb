from django import template

register = template.Library()


@register.filter
def attribut(objet, nom):
    return getattr(objet, nom)
