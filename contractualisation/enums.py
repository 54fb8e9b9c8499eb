from django.db import models


class StatutContrat(models.TextChoices):
    EN_PREPARATION = "en_preparation", "En préparation"
    PROJET_TRANSMIS = "projet_transmis", "Projet transmis"
    SIGNE = "signe", "Signé"
    ECHU = "echu", "Échu"


class CategorieSource(models.TextChoices):
    ETAT = "etat", "État"
    DEPARTEMENT = "departement", "Département"
    AUTRE = "autre", "Autres financements"


class QualiteSignataire(models.TextChoices):
    PREFET = "prefet", "Préfet"
    DG_ARS = "dg_ars", "Directeur général de l'ARS"
    PRESIDENT_CD = "president_cd", "Président de la collectivité"
    DASEN = "dasen", "Directeur académique (DASEN)"
    DTPJJ = "dtpjj", "Directeur territorial de la PJJ"
    CONTROLEUR_BUDGETAIRE = "controleur_budgetaire", "Contrôleur budgétaire en région"
    AUTRE = "autre", "Autre signataire"


class TypeIndicateur(models.TextChoices):
    NOMBRE = "nombre", "Nombre (donnée saisie)"
    RATIO = "ratio", "Ratio calculé"
