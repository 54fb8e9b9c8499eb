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


class Analyse(models.TextChoices):
    """Où en est l'analyse antivirus d'un fichier déposé."""

    EN_ATTENTE = "en_attente", "Analyse antivirus en cours"
    SAIN = "sain", "Analysé, sans virus"
    INFECTE = "infecte", "Virus détecté : fichier supprimé"
    ERREUR = "erreur", "Analyse impossible : fichier bloqué"
    NON_ANALYSE = "non_analyse", "Non analysé (antivirus non configuré)"


ANALYSES_TELECHARGEABLES = {Analyse.SAIN, Analyse.NON_ANALYSE}
