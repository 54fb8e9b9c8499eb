from django.db import models


class StatutFiche(models.TextChoices):
    """Des faits, pas une humeur : où en est l'action."""

    BROUILLON = "brouillon", "Brouillon"
    VALIDEE = "validee", "Validée"
    EN_COURS = "en_cours", "En cours"
    ACHEVEE = "achevee", "Achevée"
    ABANDONNEE = "abandonnee", "Abandonnée"


class Implication(models.TextChoices):
    """Où en est un partenaire dans l'action (proposition 4 : suivi des implications)."""

    A_MOBILISER = "a_mobiliser", "À mobiliser"
    SOLLICITE = "sollicite", "Sollicité"
    ENGAGE = "engage", "Engagé"
    RETIRE = "retire", "Retiré"


class TypeExemple(models.TextChoices):
    QUANTITATIF = "quantitatif", "Indicateur quantitatif"
    QUALITATIF = "qualitatif", "Indicateur qualitatif"
