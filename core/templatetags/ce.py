import re

from django import template
from django.utils.safestring import mark_safe

from core import nombres

register = template.Library()

# Les nombres des pages et des PDF : une seule mise en forme, celle de core/nombres.py (les classeurs Excel
# en prennent les formats openpyxl).
register.filter("euros", nombres.euros)  # 12345.5 → « 12 345,50 € »
register.filter("nombre", nombres.nombre)  # 19842 → « 19 842 » ; 12.5 → « 12,5 »
register.filter("pourcent", nombres.pourcent)  # 20.8 → « 20,8 % »
register.filter("annee", nombres.annee)  # 2024 → « 2024 »


@register.filter
def champ(form, nom):
    return form[nom]


A_ECHAPPER_EN_CSS = re.compile(r'[\\"<\n\r\f]')


@register.filter
def chaine_css(valeur):
    """Une chaîne CSS entre guillemets (`content`, `string-set`) : « Collectivité européenne d'Alsace » y reste
    telle quelle. L'échappement HTML (« d&#x27;Alsace ») n'a pas cours dans une feuille de style, il s'imprimerait ;
    les caractères qui fermeraient la chaîne ou la balise <style> sont échappés à la manière de CSS."""
    texte = A_ECHAPPER_EN_CSS.sub(lambda m: f"\\{ord(m.group()):x} ", str(valeur))
    return mark_safe(f'"{texte}"')
