from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from core.models import Collectivite

from .enums import CategorieSource, QualiteSignataire, StatutContrat, TypeIndicateur

# --- Référentiels nationaux (données, jamais du code) -------------------------------------------


class Cycle(models.Model):
    libelle = models.CharField("libellé", max_length=50, unique=True)
    annee_debut = models.PositiveSmallIntegerField("année de début")
    annee_fin = models.PositiveSmallIntegerField("année de fin")
    texte_reference = models.CharField("texte de référence", max_length=300, blank=True)
    ouvert = models.BooleanField("ouvert aux nouveaux contrats", default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-annee_debut"]
        constraints = [
            models.CheckConstraint(
                condition=Q(annee_fin__gte=models.F("annee_debut")),
                name="cycle_annees_ordonnees",
                violation_error_message="L'année de fin doit suivre l'année de début.",
            )
        ]

    def __str__(self):
        return f"Cycle {self.libelle}"

    @property
    def annees(self):
        return list(range(self.annee_debut, self.annee_fin + 1))


class Engagement(models.Model):
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="engagements")
    numero = models.PositiveSmallIntegerField("numéro")
    titre = models.CharField(max_length=300)

    history = HistoricalRecords()

    class Meta:
        ordering = ["cycle", "numero"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "numero"],
                name="engagement_numero_unique",
                violation_error_message="Ce numéro d'engagement existe déjà dans ce cycle.",
            )
        ]

    def __str__(self):
        return self.titre if self.numero == 0 else f"Engagement {self.numero} : {self.titre}"


class SourceFinancement(models.Model):
    code = models.SlugField(max_length=20, unique=True)
    libelle = models.CharField("libellé", max_length=100)
    categorie = models.CharField("catégorie", max_length=20, choices=CategorieSource.choices)
    ordre = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["ordre"]
        verbose_name = "source de financement"
        verbose_name_plural = "sources de financement"

    def __str__(self):
        return self.libelle


class Objectif(models.Model):
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="objectifs")
    engagement = models.ForeignKey(Engagement, on_delete=models.PROTECT, related_name="objectifs")
    numero = models.PositiveSmallIntegerField("numéro")
    titre = models.CharField(max_length=500)
    mesure = models.CharField(
        max_length=300, blank=True, help_text="La mesure de la stratégie à laquelle il se rattache."
    )
    obligatoire = models.BooleanField(default=False)
    sources = models.ManyToManyField(
        SourceFinancement,
        blank=True,
        related_name="objectifs",
        verbose_name="sources de financement de l'État",
    )
    provisoire = models.BooleanField(
        default=False,
        help_text="Intitulé ou caractère obligatoire à confirmer par le texte officiel du cycle.",
    )

    history = HistoricalRecords(m2m_fields=[sources])

    class Meta:
        ordering = ["cycle", "numero"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "numero"],
                name="objectif_numero_unique",
                violation_error_message="Ce numéro d'objectif existe déjà dans ce cycle.",
            )
        ]

    def __str__(self):
        return f"Objectif n° {self.numero} — {self.titre}"


class IndicateurHarmonise(models.Model):
    """Indicateur du tableau de bord (Annexe 2.3) ou de l'objectif CRIP : un nombre saisi, ou un ratio
    calculé à partir de deux autres indicateurs."""

    code = models.SlugField(max_length=40, unique=True)
    numero = models.PositiveSmallIntegerField("numéro de ligne", null=True, blank=True)
    libelle = models.CharField("libellé", max_length=400)
    objectif_numero = models.PositiveSmallIntegerField("objectif (numéro)", null=True, blank=True)
    famille = models.CharField(max_length=50, help_text="PMI, CRIP…")
    type = models.CharField(max_length=10, choices=TypeIndicateur.choices, default=TypeIndicateur.NOMBRE)
    numerateur = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    denominateur = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=200, blank=True)
    periodicite = models.CharField("périodicité", max_length=20, default="annuelle")
    ordre = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["famille", "ordre"]
        verbose_name = "indicateur harmonisé"
        verbose_name_plural = "indicateurs harmonisés"
        constraints = [
            models.CheckConstraint(
                condition=Q(type=TypeIndicateur.NOMBRE) | (Q(numerateur__isnull=False) & Q(denominateur__isnull=False)),
                name="indicateur_ratio_complet",
                violation_error_message="Un ratio doit désigner son numérateur et son dénominateur.",
            )
        ]

    def __str__(self):
        return self.libelle

    @property
    def formule(self):
        if self.type != TypeIndicateur.RATIO:
            return ""
        return f"ligne {self.numerateur.numero} / ligne {self.denominateur.numero}"


# --- Le contrat d'une collectivité --------------------------------------------------------------


class ContratQuerySet(models.QuerySet):
    def visibles_par(self, user):
        perimetre = user.perimetre
        if perimetre.national:
            return self
        directs = ContratUserObjectPermission.objects.filter(user=user).values("content_object_id")
        return self.filter(Q(collectivite__in=perimetre.collectivites_visibles()) | Q(pk__in=directs))

    def pour_liste(self):
        return self.select_related("collectivite__region", "cycle").annotate(
            nb_objectifs=models.Count("objectifs_contrat", distinct=True)
        )


class Contrat(models.Model):
    collectivite = models.ForeignKey(Collectivite, on_delete=models.PROTECT, related_name="contrats")
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="contrats")
    slug = models.SlugField(max_length=100, unique=True)
    statut = models.CharField(max_length=20, choices=StatutContrat.choices, default=StatutContrat.EN_PREPARATION)
    date_projet_transmis = models.DateField("projet transmis le", null=True, blank=True)
    date_signature = models.DateField("signé le", null=True, blank=True)
    date_deliberation = models.DateField("délibération du", null=True, blank=True)
    reference_deliberation = models.CharField("référence de la délibération", max_length=200, blank=True)
    objectifs = models.ManyToManyField(Objectif, through="ObjectifContrat", related_name="contrats")
    modifie_le = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = ContratQuerySet.as_manager()

    class Meta:
        ordering = ["collectivite__nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["collectivite", "cycle"],
                name="contrat_unique_par_cycle",
                violation_error_message="Cette collectivité a déjà un contrat pour ce cycle.",
            ),
            models.CheckConstraint(
                condition=~Q(statut=StatutContrat.SIGNE) | Q(date_signature__isnull=False),
                name="contrat_signe_date",
                violation_error_message="Un contrat signé doit avoir sa date de signature.",
            ),
        ]

    def __str__(self):
        return f"Contrat {self.collectivite} — {self.cycle.libelle}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("contractualisation:contrat", args=[self.slug])


class ContratUserObjectPermission(UserObjectPermissionBase):
    """Droits accordés nommément sur un contrat (ex. un référent ARS désigné), via django-guardian."""

    content_object = models.ForeignKey(Contrat, on_delete=models.CASCADE)


class ContratGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Contrat, on_delete=models.CASCADE)


class ObjectifContrat(models.Model):
    """Un objectif retenu par le contrat (les objectifs obligatoires du cycle le sont toujours)."""

    contrat = models.ForeignKey(Contrat, on_delete=models.CASCADE, related_name="objectifs_contrat")
    objectif = models.ForeignKey(Objectif, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["objectif__numero"]
        verbose_name = "objectif retenu"
        constraints = [
            models.UniqueConstraint(
                fields=["contrat", "objectif"],
                name="objectif_contrat_unique",
                violation_error_message="Cet objectif est déjà retenu dans le contrat.",
            )
        ]

    def __str__(self):
        return str(self.objectif)


class Signataire(models.Model):
    contrat = models.ForeignKey(Contrat, on_delete=models.CASCADE, related_name="signataires")
    qualite = models.CharField("qualité", max_length=30, choices=QualiteSignataire.choices)
    nom = models.CharField("nom du signataire", max_length=200)
    institution = models.ForeignKey(
        "core.Institution", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    date_signature = models.DateField("date de signature", null=True, blank=True)
    ordre = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["ordre", "pk"]

    def __str__(self):
        return f"{self.get_qualite_display()} : {self.nom}"


class Financement(models.Model):
    """Montant programmé au niveau du contrat pour un objectif, une année et une source."""

    contrat = models.ForeignKey(Contrat, on_delete=models.CASCADE, related_name="financements")
    objectif = models.ForeignKey(Objectif, on_delete=models.PROTECT, related_name="+")
    annee = models.PositiveSmallIntegerField("année")
    source = models.ForeignKey(SourceFinancement, on_delete=models.PROTECT, related_name="+")
    montant = models.DecimalField(max_digits=14, decimal_places=2)

    history = HistoricalRecords()

    class Meta:
        ordering = ["objectif__numero", "annee", "source__ordre"]
        constraints = [
            models.UniqueConstraint(
                fields=["contrat", "objectif", "annee", "source"],
                name="financement_unique",
                violation_error_message="Ce montant est déjà saisi pour cet objectif, cette année et cette source.",
            ),
            models.CheckConstraint(
                condition=Q(montant__gte=Decimal("0")),
                name="financement_positif",
                violation_error_message="Le montant ne peut pas être négatif.",
            ),
        ]

    def __str__(self):
        return f"{self.objectif.numero} / {self.annee} / {self.source} : {self.montant}"


class Avenant(models.Model):
    contrat = models.ForeignKey(Contrat, on_delete=models.CASCADE, related_name="avenants")
    numero = models.PositiveSmallIntegerField("numéro")
    date = models.DateField("date de l'avenant")
    objet = models.TextField("ce que l'avenant modifie")
    cree_par = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["numero"]
        constraints = [
            models.UniqueConstraint(
                fields=["contrat", "numero"],
                name="avenant_numero_unique",
                violation_error_message="Un avenant porte déjà ce numéro pour ce contrat.",
            )
        ]

    def __str__(self):
        return f"Avenant n° {self.numero} du {self.date:%d/%m/%Y}"
