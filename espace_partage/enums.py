from django.db import models


class Niveau(models.TextChoices):
    NATIONAL = "national", "National"
    REGIONAL = "regional", "Régional"
    DEPARTEMENTAL = "departemental", "Départemental"


class Section(models.TextChoices):
    """Les rubriques stables de chaque espace, dans l'ordre où elles s'affichent."""

    METHODES = "methodes", "Méthodes"
    MODELES = "modeles", "Modèles"
    RETOURS = "retours", "Retours d'expérience"
    OUTILS = "outils", "Outils pratiques"
