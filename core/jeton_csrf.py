"""Jeton CSRF dans un fragment de cache partagé entre plusieurs personnes.

Un fragment en cache ne garde pas le jeton de la personne qui l'a rendu (il servirait aux autres) mais ce repère,
rendu à la place du jeton : `{% with csrf_token=repere_csrf %}` dans le gabarit, ou `csrf_token` dans le contexte.
`avec_jeton` le remplace à chaque réponse par le jeton de la personne qui lit. Le remplacement porte sur
l'attribut entier, que le texte d'un utilisateur ne peut pas contenir (ses guillemets sont échappés)."""

from django.middleware.csrf import get_token

REPERE_CSRF = "repere-csrf-du-fragment-en-cache"
CHAMP = 'name="csrfmiddlewaretoken" value="{}"'


def avec_jeton(request, html):
    """`html` (texte ou octets) où le repère est remplacé par le jeton de la personne qui fait la requête."""
    repere, jeton = CHAMP.format(REPERE_CSRF), CHAMP.format(get_token(request))
    if isinstance(html, bytes):
        return html.replace(repere.encode(), jeton.encode())
    return html.replace(repere, jeton)
