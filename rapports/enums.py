from django.db import models


class EtapeRapport(models.TextChoices):
    """Le chemin du rapport annuel d'exécution (contrat, art. 3), dans l'ordre."""

    PROJET = "projet", "Projet préparé par le Département"
    PROPOSE = "propose", "Proposé au préfet et à l'ARS"
    AVIS_ODPE = "avis_odpe", "Avis de l'ODPE"
    ARRETE = "arrete", "Arrêté conjointement"
    DELIBERE = "delibere", "Délibération départementale"
    TRANSMIS = "transmis", "Transmis au préfet et à l'ARS"


ORDRE_ETAPES = list(EtapeRapport.values)


class AvisOdpe(models.TextChoices):
    FAVORABLE = "favorable", "Favorable"
    RESERVES = "reserves", "Favorable avec réserves"
    DEFAVORABLE = "defavorable", "Défavorable"


class EtatNational(models.TextChoices):
    """Ce que la page nationale affiche pour un contrat et une année."""

    NON_COMMENCE = "non_commence", "Non commencé"
    PROJET = "projet", "Projet"
    PROPOSE = "propose", "Proposé au préfet et à l'ARS"
    AVIS_ODPE = "avis_odpe", "Avis de l'ODPE rendu"
    ARRETE = "arrete", "Arrêté"
    DELIBERE = "delibere", "Délibéré"
    TRANSMIS = "transmis", "Transmis"
    EN_RETARD = "en_retard", "En retard"
