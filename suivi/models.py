"""Le suivi d'un contrat : réunions d'état d'avancement (points par fiche, décisions), relevés qualitatifs
(la « fiche de relevé » du seed 001), valeurs des indicateurs et notifications."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from contractualisation.models import Contrat, IndicateurHarmonise
from core.fichiers import chemin_aleatoire
from core.models import FichierDepose
from fiches.models import Fiche, IndicateurQualitatif, IndicateurQuantitatif

from .enums import (
    FrequenceNotification,
    Periodicite,
    StatutDecision,
    StatutReleve,
    StatutReunion,
    TypeNotification,
    TypeReunion,
)

# --- Réunions ------------------------------------------------------------------------------------


class ReunionQuerySet(models.QuerySet):
    def visibles_par(self, user):
        return self.filter(contrat__in=Contrat.objects.visibles_par(user))

    def tenues_ou_prevues(self):
        return self.exclude(statut=StatutReunion.ANNULEE)


class Reunion(models.Model):
    contrat = models.ForeignKey(Contrat, on_delete=models.CASCADE, related_name="reunions")
    type = models.CharField(max_length=30, choices=TypeReunion.choices, default=TypeReunion.BILAN_QUALITATIF)
    date = models.DateTimeField("date et heure")
    duree_minutes = models.PositiveSmallIntegerField("durée (minutes)", default=120)
    lieu = models.CharField("lieu", max_length=300, blank=True)
    lien_visio = models.URLField("lien de visioconférence", blank=True)
    statut = models.CharField(max_length=20, choices=StatutReunion.choices, default=StatutReunion.PLANIFIEE)
    cree_par = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    valide_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    valide_le = models.DateTimeField(null=True, blank=True)
    cree_le = models.DateTimeField(auto_now_add=True)
    modifie_le = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = ReunionQuerySet.as_manager()

    class Meta:
        ordering = ["date"]
        verbose_name = "réunion"
        constraints = [
            models.CheckConstraint(
                condition=~Q(statut=StatutReunion.VALIDEE) | Q(valide_le__isnull=False),
                name="reunion_validee_datee",
                violation_error_message="Un compte rendu validé doit porter sa date de validation.",
            )
        ]

    def __str__(self):
        return f"{self.get_type_display()} du {self.date:%d/%m/%Y}"

    @property
    def verrouillee(self):
        return self.statut == StatutReunion.VALIDEE


class Participant(models.Model):
    """Une personne invitée : un utilisateur de l'application, ou une personne extérieure (nom, institution)."""

    reunion = models.ForeignKey(Reunion, on_delete=models.CASCADE, related_name="participants")
    utilisateur = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="participations"
    )
    nom = models.CharField("nom", max_length=200, blank=True)
    email = models.EmailField("adresse e-mail", blank=True)
    institution = models.CharField("institution", max_length=200, blank=True)
    invitation_envoyee_le = models.DateTimeField(null=True, blank=True)
    rappel_envoye_le = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(utilisateur__isnull=False) | ~Q(nom=""),
                name="participant_identifie",
                violation_error_message="Indiquez un utilisateur ou le nom de la personne extérieure.",
            ),
            models.UniqueConstraint(
                fields=["reunion", "utilisateur"],
                condition=Q(utilisateur__isnull=False),
                name="participant_unique",
                violation_error_message="Cette personne est déjà invitée.",
            ),
        ]

    def __str__(self):
        return str(self.utilisateur) if self.utilisateur_id else self.nom

    @property
    def adresse(self):
        return self.utilisateur.email if self.utilisateur_id else self.email


class PointFiche(models.Model):
    """Une fiche à l'ordre du jour d'une réunion, avec les trois parties du compte rendu."""

    reunion = models.ForeignKey(Reunion, on_delete=models.CASCADE, related_name="points")
    fiche = models.ForeignKey(Fiche, on_delete=models.CASCADE, related_name="points_reunion")
    ordre = models.PositiveSmallIntegerField(default=0)
    elements_positifs = models.TextField("éléments positifs observables", blank=True)
    axes_amelioration = models.TextField("axes d'amélioration identifiés", blank=True)
    modifie_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    modifie_le = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["ordre", "pk"]
        verbose_name = "point de l'ordre du jour"
        constraints = [
            models.UniqueConstraint(
                fields=["reunion", "fiche"],
                name="point_fiche_unique",
                violation_error_message="Cette fiche est déjà à l'ordre du jour.",
            )
        ]

    def __str__(self):
        return f"{self.reunion} — fiche {self.fiche_id}"


class Decision(models.Model):
    point = models.ForeignKey(PointFiche, on_delete=models.CASCADE, related_name="decisions")
    libelle = models.TextField("décision")
    responsable = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="responsable",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decisions",
    )
    responsable_texte = models.CharField("responsable (autre personne ou institution)", max_length=200, blank=True)
    echeance = models.DateField("échéance", null=True, blank=True)
    statut = models.CharField(max_length=20, choices=StatutDecision.choices, default=StatutDecision.A_FAIRE)
    cree_par = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    cree_le = models.DateTimeField(auto_now_add=True)
    modifie_le = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["cree_le", "pk"]
        verbose_name = "décision"

    def __str__(self):
        return self.libelle

    @property
    def nom_responsable(self):
        return str(self.responsable) if self.responsable_id else self.responsable_texte


class Rectificatif(models.Model):
    """Une correction apportée après validation : le compte rendu validé n'est jamais réécrit."""

    reunion = models.ForeignKey(Reunion, on_delete=models.CASCADE, related_name="rectificatifs")
    point = models.ForeignKey(PointFiche, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    texte = models.TextField("rectificatif")
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    cree_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cree_le"]

    def __str__(self):
        return self.texte[:60]


# --- Relevés qualitatifs -----------------------------------------------------------------------


class CollecteIndicateur(models.Model):
    """Qui recueille un indicateur qualitatif, et à quel rythme (étape 2 de l'aide : programmer le recueil)."""

    indicateur = models.OneToOneField(IndicateurQualitatif, on_delete=models.CASCADE, related_name="collecte")
    periodicite = models.CharField(
        "périodicité", max_length=20, choices=Periodicite.choices, default=Periodicite.TRIMESTRIELLE
    )
    collecteurs = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="collectes")
    prochaine_echeance = models.DateField("prochain recueil attendu le", null=True, blank=True)
    modifie_le = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "programmation du recueil"

    def __str__(self):
        return f"Recueil {self.get_periodicite_display().lower()} — {self.indicateur}"


class ReleveQuerySet(models.QuerySet):
    def visibles_par(self, user):
        return self.filter(fiche__contrat__in=Contrat.objects.visibles_par(user))

    def en_attente(self):
        return self.filter(statut__in=[StatutReleve.SOUMIS, StatutReleve.RELU])

    def pour_rapport(self, contrat, annee):
        """Les relevés validés d'une année : ce que le rapport annuel d'exécution synthétise (étape 5)."""
        return self.filter(fiche__contrat=contrat, statut=StatutReleve.VALIDE, date_observation__year=annee)


class Releve(models.Model):
    fiche = models.ForeignKey(Fiche, on_delete=models.CASCADE, related_name="releves")
    indicateur = models.ForeignKey(IndicateurQualitatif, on_delete=models.CASCADE, related_name="releves")
    date_observation = models.DateField("date de l'observation")
    situation = models.CharField("situation observée (lieu, contexte)", max_length=300)
    questions_cles = models.TextField("pratiques / questions clés", blank=True)
    faits = models.TextField(
        "faits concrets / restitutions",
        help_text="Situations, actions menées, résultats observés, difficultés. Citations anonymisées seulement.",
    )
    ameliorations = models.TextField("éléments d'amélioration", blank=True)
    statut = models.CharField(max_length=20, choices=StatutReleve.choices, default=StatutReleve.BROUILLON)
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    relu_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    valide_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    valide_le = models.DateTimeField(null=True, blank=True)
    cree_le = models.DateTimeField(auto_now_add=True)
    modifie_le = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = ReleveQuerySet.as_manager()

    class Meta:
        ordering = ["-date_observation", "-pk"]
        verbose_name = "relevé qualitatif"
        constraints = [
            models.CheckConstraint(
                condition=~Q(statut=StatutReleve.VALIDE) | (Q(valide_par__isnull=False) & Q(valide_le__isnull=False)),
                name="releve_valide_trace",
                violation_error_message="Un relevé validé doit indiquer qui l'a validé et quand.",
            ),
            models.CheckConstraint(
                condition=Q(relu_par__isnull=True) | ~Q(relu_par=models.F("auteur")),
                name="releve_relu_par_un_autre",
                violation_error_message="Le relevé doit être relu par une autre personne que son auteur.",
            ),
            models.CheckConstraint(
                condition=Q(valide_par__isnull=True) | ~Q(valide_par=models.F("auteur")),
                name="releve_valide_par_un_autre",
                violation_error_message="Le relevé ne peut pas être validé par son auteur.",
            ),
        ]

    def __str__(self):
        return f"Relevé du {self.date_observation:%d/%m/%Y} — {self.indicateur}"

    @property
    def modifiable(self):
        return self.statut == StatutReleve.BROUILLON


class TransitionReleve(models.Model):
    """Journal des étapes d'un relevé (qui, quand, de quel statut à quel statut, pourquoi) : jamais modifié."""

    releve = models.ForeignKey(Releve, on_delete=models.CASCADE, related_name="transitions")
    de = models.CharField(max_length=20, choices=StatutReleve.choices)
    vers = models.CharField(max_length=20, choices=StatutReleve.choices)
    par = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    le = models.DateTimeField(auto_now_add=True)
    commentaire = models.TextField(blank=True)

    class Meta:
        ordering = ["le", "pk"]

    def __str__(self):
        return f"{self.get_de_display()} → {self.get_vers_display()}"


class PieceJointe(FichierDepose):
    """Une trace de la collecte jointe à un relevé (compte rendu, questionnaire, photo…)."""

    EXTENSIONS = {"pdf", "odt", "docx", "xlsx", "ods", "png", "jpg", "jpeg", "txt", "csv"}

    releve = models.ForeignKey(Releve, on_delete=models.CASCADE, related_name="pieces")
    fichier = models.FileField(upload_to=chemin_aleatoire, max_length=200)
    nom = models.CharField(max_length=255)
    taille = models.PositiveIntegerField()
    ajoute_par = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    ajoute_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["ajoute_le"]
        verbose_name = "pièce jointe"

    def __str__(self):
        return self.nom


# --- Valeurs des indicateurs quantitatifs -------------------------------------------------------


class ValeurIndicateur(models.Model):
    """Valeur constatée d'un indicateur pour une période : année (semestre 0) ou semestre 1 / 2.

    Un indicateur harmonisé (tableau de bord PMI) est saisi une fois par contrat ; un indicateur propre à
    une fiche l'est sur la fiche. Un indicateur de fiche rattaché à un indicateur harmonisé lit les valeurs
    de celui-ci (pas de double saisie)."""

    contrat = models.ForeignKey(Contrat, on_delete=models.CASCADE, related_name="valeurs_indicateurs")
    indicateur_harmonise = models.ForeignKey(
        IndicateurHarmonise, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    indicateur = models.ForeignKey(
        IndicateurQuantitatif, null=True, blank=True, on_delete=models.CASCADE, related_name="valeurs"
    )
    annee = models.PositiveSmallIntegerField("année")
    semestre = models.PositiveSmallIntegerField("semestre", default=0, help_text="0 : année entière.")
    valeur = models.DecimalField(max_digits=14, decimal_places=2)
    source = models.CharField("source", max_length=200, blank=True)
    saisi_par = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    saisi_le = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["annee", "semestre"]
        verbose_name = "valeur d'indicateur"
        constraints = [
            models.CheckConstraint(
                condition=(Q(indicateur_harmonise__isnull=False) & Q(indicateur__isnull=True))
                | (Q(indicateur_harmonise__isnull=True) & Q(indicateur__isnull=False)),
                name="valeur_un_seul_indicateur",
                violation_error_message="Une valeur porte sur un indicateur harmonisé ou sur un indicateur de fiche.",
            ),
            models.CheckConstraint(
                condition=Q(semestre__lte=2),
                name="valeur_semestre_valide",
                violation_error_message="Le semestre vaut 1 ou 2 (0 pour l'année entière).",
            ),
            models.CheckConstraint(
                condition=Q(valeur__gte=0),
                name="valeur_positive",
                violation_error_message="Une valeur d'indicateur ne peut pas être négative.",
            ),
            models.UniqueConstraint(
                fields=["contrat", "indicateur_harmonise", "annee", "semestre"],
                condition=Q(indicateur_harmonise__isnull=False),
                name="valeur_harmonisee_unique",
                violation_error_message="Une valeur est déjà saisie pour cet indicateur et cette période.",
            ),
            models.UniqueConstraint(
                fields=["indicateur", "annee", "semestre"],
                condition=Q(indicateur__isnull=False),
                name="valeur_fiche_unique",
                violation_error_message="Une valeur est déjà saisie pour cet indicateur et cette période.",
            ),
        ]

    def __str__(self):
        return f"{self.valeur} ({self.periode})"

    @property
    def periode(self):
        return f"{self.annee}" if not self.semestre else f"{self.annee}-S{self.semestre}"


# --- Notifications ------------------------------------------------------------------------------


class PreferenceNotification(models.Model):
    utilisateur = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preference_notification"
    )
    frequence = models.CharField(
        "recevoir les notifications par e-mail",
        max_length=20,
        choices=FrequenceNotification.choices,
        default=FrequenceNotification.IMMEDIATE,
    )

    def __str__(self):
        return self.get_frequence_display()


class NotificationQuerySet(models.QuerySet):
    def non_lues(self):
        return self.filter(lue_le__isnull=True)


class Notification(models.Model):
    destinataire = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    type = models.CharField(max_length=30, choices=TypeNotification.choices)
    # L'événement : un destinataire n'est notifié qu'une fois par événement (contrainte d'unicité).
    cle = models.CharField(max_length=120)
    titre = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    cree_le = models.DateTimeField(auto_now_add=True)
    lue_le = models.DateTimeField(null=True, blank=True)
    envoyee_le = models.DateTimeField("envoyée par e-mail le", null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-cree_le", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["destinataire", "cle"],
                name="notification_unique_par_evenement",
                violation_error_message="Cette personne a déjà été notifiée de cet événement.",
            )
        ]

    def __str__(self):
        return self.titre
