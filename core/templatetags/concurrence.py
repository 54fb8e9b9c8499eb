"""Les deux parties de l'écran de conflit (`core/_conflit.html`), à placer dans le formulaire refusé :

    {% load concurrence %}
    {% conflit form %}          en tête : qui, quand, les deux versions côte à côte
    …champs…
    <button type="submit">Enregistrer</button>
    {% conflit_actions form %}  après le bouton principal : « Remplacer… », « Abandonner… »

Les actions viennent après « Enregistrer » pour que la touche Entrée (bouton par défaut : le premier du
formulaire) n'écrase jamais la version actuelle. Rien ne s'affiche quand le formulaire n'est pas en conflit.
`contenu` : le formulaire (ou jeu de formulaires) qui porte les valeurs, si la version est dans un autre
formulaire (rubriques des fiches). `abandonner` : l'adresse qui recharge la version actuelle (par défaut la
page en cours) ; `cible` : la zone qu'htmx remplace par cette adresse.
"""

from django import template

register = template.Library()


def _contexte(context, form, partie, **options):
    conflit = getattr(form, "conflit", None)
    if conflit is None:
        return {"conflit": None, "partie": partie}
    request = context.get("request")
    abandonner = options.get("abandonner") or (request.get_full_path() if request else "")
    contexte = {
        "conflit": conflit,
        "partie": partie,
        "niveau": options.get("niveau") or 2,
        "abandonner": abandonner,
        "cible": options.get("cible") or "",
        "version_vue_nom": form.add_prefix("version_vue"),
        "remplacer_nom": form.add_prefix("remplacer"),
    }
    if partie == "tableau":
        lignes, caches = conflit.tableau(options.get("contenu"))
        modification = conflit.modification
        contexte.update(lignes=lignes, caches=caches, qui=modification.qui, quand=modification.quand)
    return contexte


@register.inclusion_tag("core/_conflit.html", takes_context=True)
def conflit(context, form, contenu=None, niveau=None):
    return _contexte(context, form, "tableau", contenu=contenu, niveau=niveau)


@register.inclusion_tag("core/_conflit.html", takes_context=True)
def conflit_actions(context, form, abandonner=None, cible=None):
    return _contexte(context, form, "actions", abandonner=abandonner, cible=cible)
