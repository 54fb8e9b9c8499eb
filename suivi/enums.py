from django.db import models


class TypeReunion(models.TextChoices):
    COMITE_TECHNIQUE = "comite_technique", "Comité technique"
    BILAN_QUALITATIF = "bilan_qualitatif", "Réunion-bilan de suivi qualitatif"
    COMITE_PILOTAGE = "comite_pilotage", "Comité de pilotage"


class StatutReunion(models.TextChoices):
    PLANIFIEE = "planifiee", "Planifiée"
    VALIDEE = "validee", "Compte rendu validé"
    ANNULEE = "annulee", "Annulée"


class StatutDecision(models.TextChoices):
    A_FAIRE = "a_faire", "À faire"
    FAIT = "fait", "Fait"
    ABANDONNEE = "abandonnee", "Abandonnée"


class StatutReleve(models.TextChoices):
    BROUILLON = "brouillon", "Brouillon"
    SOUMIS = "soumis", "Soumis à relecture"
    RELU = "relu", "Relu"
    VALIDE = "valide", "Validé"


class Periodicite(models.TextChoices):
    TRIMESTRIELLE = "trimestrielle", "Trimestrielle"
    ANNUELLE = "annuelle", "Annuelle"


class FrequenceNotification(models.TextChoices):
    IMMEDIATE = "immediate", "Un e-mail à chaque événement"
    QUOTIDIENNE = "quotidienne", "Un résumé quotidien"
    AUCUNE = "aucune", "Aucun e-mail (notifications dans l'application seulement)"


class TypeNotification(models.TextChoices):
    REFERENT_FICHE = "referent_fiche", "Vous êtes référent d'une fiche"
    DECISION_ASSIGNEE = "decision_assignee", "Une décision vous est confiée"
    DECISION_EN_RETARD = "decision_en_retard", "Une décision dont vous êtes responsable est en retard"
    RELEVE_A_RELIRE = "releve_a_relire", "Un relevé attend votre relecture"
    RELEVE_A_VALIDER = "releve_a_valider", "Un relevé attend votre validation"
    RELEVE_A_COLLECTER = "releve_a_collecter", "Un relevé est à recueillir"
    INVITATION_REUNION = "invitation_reunion", "Invitation à une réunion"
    RAPPEL_REUNION = "rappel_reunion", "Rappel d'une réunion"
    COMMENTAIRE_FICHE = "commentaire_fiche", "Commentaire sur une fiche que vous pilotez"
