"""Recherche dans les ressources : plein texte français sans accents sous PostgreSQL, `icontains` sinon."""

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Q

CONFIGURATION = "fr_sans_accent"  # créée par la migration 0002 (french + unaccent)


def filtrer(ressources, texte):
    texte = " ".join(texte.split())
    if not texte:
        return ressources.none()
    if connection.vendor == "postgresql":
        vecteur = SearchVector("titre", weight="A", config=CONFIGURATION) + SearchVector(
            "resume", weight="B", config=CONFIGURATION
        )
        requete = SearchQuery(texte, config=CONFIGURATION, search_type="websearch")
        par_theme = ressources.model.objects.filter(themes__libelle__unaccent__icontains=texte).values("pk")
        return ressources.annotate(document=vecteur, pertinence=SearchRank(vecteur, requete)).filter(
            Q(document=requete) | Q(pk__in=par_theme)
        )
    condition = Q()
    for mot in texte.split():
        if len(mot) > 4 and mot[-1] in "sx":
            mot = mot[:-1]  # pluriel simple : « protocoles » trouve « protocole »
        condition &= Q(titre__icontains=mot) | Q(resume__icontains=mot) | Q(themes__libelle__icontains=mot)
    return ressources.filter(pk__in=ressources.model.objects.filter(condition).values("pk"))
