from django.db import models


class Role(models.TextChoices):
    LECTEUR = "lecteur", "Lecteur"
    CONTRIBUTEUR = "contributeur", "Contributeur"
    REFERENT = "referent", "Référent"
    ADMINISTRATEUR = "administrateur", "Administrateur"


ROLES_EDITION = {Role.CONTRIBUTEUR, Role.REFERENT, Role.ADMINISTRATEUR}
ROLES_PILOTAGE = {Role.REFERENT, Role.ADMINISTRATEUR}


class Portee(models.TextChoices):
    """Échelle à laquelle une institution agit : elle fixe ce que ses membres voient."""

    NATIONALE = "nationale", "Nationale"
    REGIONALE = "regionale", "Régionale"
    DEPARTEMENTALE = "departementale", "Départementale"
    COLLECTIVITE = "collectivite", "Collectivité contractante"
    AUCUNE = "aucune", "Sans périmètre (partenaire)"


class TypeCollectivite(models.TextChoices):
    DEPARTEMENT = "departement", "Conseil départemental"
    STATUT_PARTICULIER = "statut_particulier", "Collectivité à statut particulier"


class Analyse(models.TextChoices):
    """Où en est l'analyse antivirus d'un fichier déposé (tous les chemins de dépôt : core.antivirus)."""

    EN_ATTENTE = "en_attente", "Analyse antivirus en cours"
    SAIN = "sain", "Analysé, sans virus"
    INFECTE = "infecte", "Virus détecté : fichier supprimé"
    ERREUR = "erreur", "Analyse impossible pour l'instant : fichier bloqué"
    NON_ANALYSE = "non_analyse", "Non analysé (antivirus non configuré)"
