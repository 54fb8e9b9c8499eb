"""La fiche action enrichie (modèle 2025-2027, seed 001) et ses indicateurs.

Socle partagé : `suivi` et `rapports` s'appuient sur ces modèles ; on y ajoute des champs, on ne les renomme pas."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from contractualisation.models import Contrat, IndicateurHarmonise, Objectif, ObjectifContrat, SourceFinancement
from core.models import Institution

from .enums import Implication, StatutFiche, TypeExemple


class FicheQuerySet(models.QuerySet):
    def visibles_par(self, user):
        return self.filter(contrat__in=Contrat.objects.visibles_par(user))

    def du_contrat(self, contrat):
        return self.filter(contrat=contrat)

    def a_impact(self):
        return self.filter(action_a_impact=True)

    def pour_liste(self):
        return self.select_related("objectif_contrat__objectif", "referent", "referent_institution").annotate(
            total_prevu=models.Sum("montants__montant")
        )

    def pour_page(self):
        """Ce que la page d'une fiche lit à chaque requête (fiches/fragments.py) : de quoi vérifier les droits et
        faire les clés de ses fragments en cache (dont la version des commentaires), sans les lignes des rubriques."""
        return (
            self.select_related("contrat__collectivite", "objectif_contrat__objectif")
            .prefetch_related("contrat__collectivite__departements")
            .annotate(nombre_commentaires=models.Count("commentaires"), dernier_commentaire=models.Max("commentaires"))
        )


class Fiche(models.Model):
    contrat = models.ForeignKey(Contrat, on_delete=models.CASCADE, related_name="fiches")
    objectif_contrat = models.ForeignKey(ObjectifContrat, on_delete=models.PROTECT, related_name="fiches")
    numero = models.PositiveSmallIntegerField("numéro de la fiche dans l'objectif")
    titre = models.CharField("intitulé de l'action", max_length=300)
    referent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="référent (personne)",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="fiches_pilotees",
    )
    referent_institution = models.ForeignKey(
        Institution,
        verbose_name="référent (institution)",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    constat = models.TextField("constat du diagnostic", blank=True)
    objectif_operationnel = models.TextField("objectif opérationnel", blank=True)
    description = models.TextField("description de l'action", blank=True)
    points_vigilance = models.TextField("points de vigilance", blank=True)
    statut = models.CharField(max_length=20, choices=StatutFiche.choices, default=StatutFiche.BROUILLON)
    action_a_impact = models.BooleanField("action à impact", default=False)
    fiches_liees = models.ManyToManyField("self", blank=True, verbose_name="fiches liées")
    cree_le = models.DateTimeField(auto_now_add=True)
    modifie_le = models.DateTimeField(auto_now=True, db_index=True)  # clés de cache (rapports)

    history = HistoricalRecords()
    objects = FicheQuerySet.as_manager()

    class Meta:
        ordering = ["objectif_contrat__objectif__numero", "numero"]
        constraints = [
            models.UniqueConstraint(
                fields=["objectif_contrat", "numero"],
                name="fiche_numero_unique",
                violation_error_message="Une fiche porte déjà ce numéro pour cet objectif.",
            )
        ]

    def __str__(self):
        return f"Fiche action n° {self.numero_complet} — {self.titre}"

    @property
    def numero_complet(self):
        """« 7.2 » : objectif n° 7, fiche n° 2."""
        return f"{self.objectif_contrat.objectif.numero}.{self.numero}"


class IndicateurQuantitatif(models.Model):
    fiche = models.ForeignKey(Fiche, on_delete=models.CASCADE, related_name="indicateurs_quantitatifs")
    indicateur_harmonise = models.ForeignKey(
        IndicateurHarmonise, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    libelle = models.CharField("intitulé", max_length=300)
    unite = models.CharField("unité", max_length=50, blank=True)
    valeur_reference = models.DecimalField(
        "valeur de référence", max_digits=14, decimal_places=2, null=True, blank=True
    )
    annee_reference = models.PositiveSmallIntegerField("année de référence", null=True, blank=True)
    cibles = models.JSONField("cibles par année", default=dict, blank=True)  # {"2026": "120", …}
    source_donnees = models.CharField("source des données", max_length=300, blank=True)
    ordre = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["ordre", "pk"]
        verbose_name = "indicateur quantitatif"
        constraints = [
            models.CheckConstraint(
                condition=Q(annee_reference__isnull=True) | Q(annee_reference__gte=2000),
                name="indicateur_annee_reference_plausible",
                violation_error_message="L'année de référence doit être postérieure à 2000.",
            )
        ]

    def __str__(self):
        return self.libelle


class IndicateurQualitatif(models.Model):
    fiche = models.ForeignKey(Fiche, on_delete=models.CASCADE, related_name="indicateurs_qualitatifs")
    libelle = models.CharField("indicateur", max_length=300)
    questions_cles = models.TextField("questions clés", blank=True)
    ordre = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["ordre", "pk"]
        verbose_name = "indicateur qualitatif"

    def __str__(self):
        return self.libelle


class Partenaire(models.Model):
    """Un acteur à mobiliser : une institution connue ou une organisation saisie librement, son rôle, et
    son implication datée (l'historique garde chaque étape)."""

    fiche = models.ForeignKey(Fiche, on_delete=models.CASCADE, related_name="partenaires")
    institution = models.ForeignKey(Institution, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    organisation = models.CharField("organisation (si elle n'est pas dans la liste)", max_length=200, blank=True)
    role = models.CharField("rôle dans l'action", max_length=300, blank=True)
    implication = models.CharField(max_length=20, choices=Implication.choices, default=Implication.A_MOBILISER)
    implication_depuis = models.DateField("depuis le", default=timezone.localdate)
    ajoute_le = models.DateField("identifié le", default=timezone.localdate)

    history = HistoricalRecords()

    class Meta:
        ordering = ["ajoute_le", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(institution__isnull=False) | ~Q(organisation=""),
                name="partenaire_nomme",
                violation_error_message="Choisissez une institution ou saisissez le nom de l'organisation.",
            )
        ]

    def __str__(self):
        return str(self.institution) if self.institution_id else self.organisation


class MontantFiche(models.Model):
    """Moyens financiers prévisionnels : un montant par année et par source. Le tableau de financement
    du contrat en est calculé (pas de double saisie)."""

    fiche = models.ForeignKey(Fiche, on_delete=models.CASCADE, related_name="montants")
    annee = models.PositiveSmallIntegerField("année")
    source = models.ForeignKey(SourceFinancement, on_delete=models.PROTECT, related_name="+")
    montant = models.DecimalField(max_digits=14, decimal_places=2)

    history = HistoricalRecords()

    class Meta:
        ordering = ["annee", "source__ordre"]
        verbose_name = "montant prévisionnel"
        constraints = [
            models.UniqueConstraint(
                fields=["fiche", "annee", "source"],
                name="montant_fiche_unique",
                violation_error_message="Un montant est déjà saisi pour cette année et cette source.",
            ),
            models.CheckConstraint(
                condition=Q(montant__gte=Decimal("0")),
                name="montant_fiche_positif",
                violation_error_message="Le montant ne peut pas être négatif.",
            ),
        ]

    def __str__(self):
        return f"{self.annee} / {self.source} : {self.montant}"


class Jalon(models.Model):
    fiche = models.ForeignKey(Fiche, on_delete=models.CASCADE, related_name="jalons")
    date = models.DateField()
    libelle = models.CharField("étape", max_length=300)
    fait = models.BooleanField("réalisé", default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = "jalon"

    def __str__(self):
        return f"{self.date:%d/%m/%Y} : {self.libelle}"


class Commentaire(models.Model):
    fiche = models.ForeignKey(Fiche, on_delete=models.CASCADE, related_name="commentaires")
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reponse_a = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="reponses", verbose_name="en réponse à"
    )
    texte = models.TextField("commentaire")
    cree_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cree_le", "pk"]

    def __str__(self):
        return f"{self.auteur} le {self.cree_le:%d/%m/%Y}"


class ExempleIndicateur(models.Model):
    """Référentiel de la complétion guidée (proposition 2) : exemples d'indicateurs quantitatifs et de
    questions qualitatives propres à un objectif du cycle, insérables en un clic dans une fiche."""

    objectif = models.ForeignKey(Objectif, on_delete=models.CASCADE, related_name="exemples_indicateurs")
    type = models.CharField(max_length=20, choices=TypeExemple.choices)
    libelle = models.CharField("libellé", max_length=300)
    unite = models.CharField("unité", max_length=50, blank=True)
    questions_cles = models.TextField("questions clés", blank=True)
    ordre = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["objectif__cycle", "objectif__numero", "type", "ordre", "pk"]
        verbose_name = "exemple d'indicateur"
        verbose_name_plural = "exemples d'indicateurs"

    def __str__(self):
        return self.libelle
