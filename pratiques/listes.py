"""Les listes du formulaire de recueil de France Enfance Protégée (seed 004), relues : les coquilles du scan
sont corrigées. Ce sont des données : l'administration les complète et les corrige dans l'application.

Chargées après chaque migrate (post_migrate) pour une liste encore vide seulement : une valeur renommée ou
rendue inactive par l'administration n'est jamais recréée."""

LISTES = {
    "echelle": ["Nationale", "Régionale", "Départementale", "Locale"],
    "type_intervention": [
        "Diagnostic de situation",
        "Aide éducative à domicile (AED)",
        "Accueil de jour",
        "Accueil d'urgence",
        "Action éducative en milieu ouvert (AEMO)",
        "Placement en établissement",
        "Placement familial",
        "Placement éducatif à domicile",
        "Accueil séquentiel",
        "Lien famille-école",
        "Accueil chez un tiers digne de confiance",
        "Autre",
    ],
    "thematique": [
        "Éducation",
        "Violences conjugales",
        "Violences sexuelles",
        "Harcèlement",
        "Santé mentale",
        "Maintien des liens parents-enfants",
        "Parents détenus",
        "Usages du numérique",
        "Modalités d'organisation interne",
        "Autre",
    ],
    "public": [
        "0 à 3 ans",
        "4 à 12 ans",
        "Adolescents",
        "Jeunes majeurs",
        "Mineurs non accompagnés",
        "Enfants en situation de handicap",
        "Parents",
        "Tous publics",
        "Autre",
    ],
    "relais": ["Association", "Département", "Autre"],
}


def charger_listes(sender=None, **kwargs):
    from .models import Modalite

    remplies = set(Modalite.objects.values_list("liste", flat=True).distinct())
    Modalite.objects.bulk_create(
        Modalite(liste=liste, libelle=libelle, ordre=ordre)
        for liste, libelles in LISTES.items()
        if liste not in remplies
        for ordre, libelle in enumerate(libelles, start=1)
    )
