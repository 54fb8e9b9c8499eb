"""La page d'une fiche servie en fragments de cache : l'en-tête, les rubriques et les commentaires ne sont rendus
(et les lignes de la fiche lues) que lorsque leur clé change.

Les clés ne dépendent que de la requête qui charge la fiche (`Fiche.objects.pour_page()`) et de la version des
référentiels (`contractualisation.versions` : objectifs, cycles, sources, collectivités, et pour les fiches les
indicateurs harmonisés et les exemples d'indicateurs, voir `apps.py`) :
- en-tête et rubriques : `modifie_le`, que change chaque enregistrement d'une rubrique (`services.toucher`, dans la
  même transaction que ses lignes : partenaires, montants, jalons, indicateurs), chez les fiches liées aussi (leur
  numéro, leur titre, un lien posé ou retiré des deux côtés) ; pour les rubriques, le droit de modifier (boutons
  « Modifier » et « Insérer ») ;
- commentaires : leur nombre et le dernier, et le droit de commenter.
Rien de propre à une personne n'y est gardé : ses droits ne font que choisir la variante, et le jeton CSRF des
formulaires est remplacé à chaque requête par le sien. Les documents de l'espace partagé (visibles selon la
personne) ne sont pas en cache.

Les noms des institutions et des personnes (partenaires, référent, auteurs des commentaires) suivent en au plus
`DUREE` secondes, comme sur la page d'un contrat.
"""

from django.core.cache import cache
from django.utils.safestring import mark_safe

from contractualisation.versions import version_referentiels
from core.concurrence import empreinte
from core.jeton_csrf import avec_jeton

DUREE = 3600


def cles_de_la_page(fiche, peut_modifier, peut_commenter):
    referentiels = version_referentiels()
    versions = {
        "entete": (fiche.modifie_le, referentiels),
        "rubriques": (fiche.modifie_le, referentiels, peut_modifier),
        "commentaires": (fiche.nombre_commentaires, fiche.dernier_commentaire, peut_commenter),
    }
    return {nom: f"fiche:{fiche.pk}:{nom}:{empreinte(version)}" for nom, version in versions.items()}


def fragments_en_cache(request, cles, rendre):
    """{nom: html} pour chaque fragment de `cles` ({nom: clé}), lus dans le cache en un aller-retour ; ceux qui
    manquent sont rendus par `rendre(noms)` ({nom: html}, avec `core.jeton_csrf.REPERE_CSRF` pour jeton) puis gardés."""
    trouves = cache.get_many(cles.values())
    manquants = [nom for nom, cle in cles.items() if cle not in trouves]
    if manquants:
        rendus = {cles[nom]: html for nom, html in rendre(manquants).items()}
        cache.set_many(rendus, DUREE)
        trouves.update(rendus)
    return {nom: mark_safe(avec_jeton(request, trouves[cle])) for nom, cle in cles.items()}
