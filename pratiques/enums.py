from django.db import models


class Liste(models.TextChoices):
    """Les listes du formulaire de déclaration (seed 004), dont les valeurs sont des données modifiables."""

    ECHELLE = "echelle", "Échelle de l'action"
    TYPE_INTERVENTION = "type_intervention", "Type d'intervention"
    THEMATIQUE = "thematique", "Thématique"
    PUBLIC = "public", "Public visé"
    RELAIS = "relais", "Relais de l'implémentation"


class Nature(models.TextChoices):
    DECLAREE = "declaree", "Pratique inspirante"
    DISPOSITIF = "dispositif", "Fiche dispositif ONPE"


class StatutPratique(models.TextChoices):
    BROUILLON = "brouillon", "Brouillon"
    DEPOSEE = "deposee", "Déposée"
    RECEVABLE = "recevable", "Recevable"
    EN_EXAMEN = "en_examen", "En examen"
    COMPLEMENTS = "complements", "Compléments demandés"
    RETENUE = "retenue", "Retenue"
    PUBLIEE = "publiee", "Publiée"
    NON_RETENUE = "non_retenue", "Non retenue"


# Le circuit du comité de sélection : d'où on peut aller où.
TRANSITIONS_COMITE = {
    StatutPratique.DEPOSEE: [StatutPratique.RECEVABLE, StatutPratique.NON_RETENUE],
    StatutPratique.RECEVABLE: [StatutPratique.EN_EXAMEN, StatutPratique.COMPLEMENTS, StatutPratique.NON_RETENUE],
    StatutPratique.EN_EXAMEN: [StatutPratique.COMPLEMENTS, StatutPratique.RETENUE, StatutPratique.NON_RETENUE],
    StatutPratique.RETENUE: [StatutPratique.PUBLIEE],
    StatutPratique.PUBLIEE: [],
    StatutPratique.COMPLEMENTS: [],
    StatutPratique.NON_RETENUE: [],
}
# Ces décisions sont prises en séance et doivent être motivées.
DECISIONS_EN_SEANCE = {StatutPratique.RETENUE, StatutPratique.NON_RETENUE}
MOTIF_OBLIGATOIRE = {StatutPratique.COMPLEMENTS, StatutPratique.NON_RETENUE}


class Accord(models.TextChoices):
    ATTENDU = "attendu", "En attente"
    ACCORDE = "accorde", "Accord donné"
    REFUSE = "refuse", "Accord refusé"


class Avis(models.TextChoices):
    FAVORABLE = "favorable", "Favorable"
    RESERVE = "reserve", "Réservé"
    DEFAVORABLE = "defavorable", "Défavorable"
