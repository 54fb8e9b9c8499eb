from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property

from .enums import Analyse, Portee, Role, TypeCollectivite


class Region(models.Model):
    code = models.CharField("code INSEE", max_length=3, unique=True)
    nom = models.CharField(max_length=100)

    class Meta:
        ordering = ["nom"]
        verbose_name = "région"

    def __str__(self):
        return self.nom


class Departement(models.Model):
    code = models.CharField("code INSEE", max_length=3, unique=True)
    nom = models.CharField(max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departements")

    class Meta:
        ordering = ["code"]
        verbose_name = "département"

    def __str__(self):
        return f"{self.nom} ({self.code})"


class Collectivite(models.Model):
    """La partie qui contracte : un conseil départemental ou une collectivité à statut particulier,
    couvrant un ou plusieurs départements INSEE (Alsace : 67 et 68 ; Corse : 2A et 2B)."""

    nom = models.CharField(max_length=150, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    type = models.CharField(max_length=30, choices=TypeCollectivite.choices)
    departements = models.ManyToManyField(Departement, related_name="collectivites")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="collectivites")

    class Meta:
        ordering = ["nom"]
        verbose_name = "collectivité"

    def __str__(self):
        return self.nom

    @cached_property
    def departement_ids(self):
        """Lu une fois, et seulement quand on le demande : seules les institutions départementales (DDETS,
        préfecture…) en ont besoin pour savoir si elles couvrent la collectivité."""
        return {d.pk for d in self.departements.all()}


class TypeInstitution(models.Model):
    """Référentiel : CD, ARS, DREETS, DDETS, préfecture, DGCS… modifiable par l'administration nationale."""

    code = models.SlugField(max_length=30, unique=True)
    libelle = models.CharField("libellé", max_length=150)
    portee = models.CharField("portée", max_length=20, choices=Portee.choices)
    signataire_contrat = models.BooleanField(
        "signataire du contrat",
        default=False,
        help_text="Ses référents peuvent modifier les contrats de leur territoire (CD, ARS, préfecture).",
    )
    ordre = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["ordre", "libelle"]
        verbose_name = "type d'institution"
        verbose_name_plural = "types d'institution"

    def __str__(self):
        return self.libelle


class Institution(models.Model):
    nom = models.CharField(max_length=200)
    type = models.ForeignKey(TypeInstitution, on_delete=models.PROTECT, related_name="institutions")
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT)
    departement = models.ForeignKey(Departement, null=True, blank=True, on_delete=models.PROTECT)
    collectivite = models.ForeignKey(Collectivite, null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        ordering = ["nom"]
        constraints = [models.UniqueConstraint(fields=["nom"], name="institution_nom_unique")]

    def __str__(self):
        return self.nom


class UtilisateurManager(UserManager):
    def _create_user(self, email, password, **extra_fields):
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class Utilisateur(AbstractUser):
    """Un agent, identifié par son adresse e-mail (ProConnect viendra s'y brancher)."""

    username = None
    email = models.EmailField("adresse e-mail", unique=True)
    fonction = models.CharField(max_length=150, blank=True)
    institutions = models.ManyToManyField(Institution, through="Adhesion", related_name="membres")

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []
    objects = UtilisateurManager()

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = "utilisateur"

    def __str__(self):
        return self.get_full_name() or self.email

    @property
    def perimetre(self):
        """Ce que l'utilisateur voit, calculé une fois par requête à partir de ses adhésions."""
        from .perimetre import Perimetre

        if not hasattr(self, "_perimetre"):
            self._perimetre = Perimetre.de(self)
        return self._perimetre


class AdhesionQuerySet(models.QuerySet):
    def nationales(self):
        return self.filter(institution__type__portee=Portee.NATIONALE)

    def couvrant_collectivite(self, collectivite):
        return self.filter(
            Q(institution__type__portee=Portee.NATIONALE)
            | Q(institution__collectivite=collectivite)
            | Q(institution__region_id=collectivite.region_id)
            | Q(institution__departement__in=collectivite.departements.all())
        )


class Adhesion(models.Model):
    """Appartenance d'un utilisateur à une institution, avec un rôle."""

    utilisateur = models.ForeignKey(Utilisateur, on_delete=models.CASCADE, related_name="adhesions")
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="adhesions")
    role = models.CharField("rôle", max_length=20, choices=Role.choices, default=Role.LECTEUR)

    objects = AdhesionQuerySet.as_manager()

    class Meta:
        verbose_name = "adhésion"
        constraints = [
            models.UniqueConstraint(
                fields=["utilisateur", "institution"],
                name="adhesion_unique",
                violation_error_message="Cet utilisateur est déjà membre de cette institution.",
            )
        ]

    def __str__(self):
        return f"{self.utilisateur} — {self.institution} ({self.get_role_display()})"


class FichierDepose(models.Model):
    """Un fichier déposé par un utilisateur, sur n'importe quel chemin : contrôlé par `core.fichiers` avant
    l'enregistrement, analysé ensuite par l'antivirus (`core.antivirus`, une tâche Celery par fichier), servi
    seulement par `core.telechargement`, et seulement quand il est téléchargeable.

    Le modèle concret nomme son champ de fichier et celui du nom d'origine (`CHAMP_FICHIER`, `CHAMP_NOM`)."""

    CHAMP_FICHIER = "fichier"
    CHAMP_NOM = "nom"

    # Un fichier créé hors des services (import, administration) n'a jamais été analysé : il le dit. Les
    # services posent « en attente » quand l'antivirus est configuré et programment l'analyse.
    analyse = models.CharField("analyse antivirus", max_length=20, choices=Analyse.choices, default=Analyse.NON_ANALYSE)

    class Meta:
        abstract = True

    @property
    def fichier_depose(self):
        return getattr(self, self.CHAMP_FICHIER)

    @property
    def nom_depose(self):
        return getattr(self, self.CHAMP_NOM) or self.fichier_depose.name.rsplit("/", 1)[-1]

    @property
    def type_mime_depose(self):
        from .fichiers import type_mime_de

        return getattr(self, "type_mime", "") or type_mime_de(self.nom_depose)

    @property
    def telechargeable(self):
        """Sain, ou jamais analysé faute d'antivirus : en production (CLAMD_HOST), rien n'est servi avant
        d'avoir été déclaré sain par ClamAV."""
        from . import antivirus

        if not self.fichier_depose:
            return False
        return self.analyse == Analyse.SAIN or (self.analyse == Analyse.NON_ANALYSE and not antivirus.configure())

    def apres_analyse(self):
        """Appelé quand l'analyse change l'état du fichier (les modèles qui le montrent en cache s'en servent)."""


class TacheEnAttente(models.Model):
    """Une tâche Celery que le broker n'a pas pu prendre (Redis injoignable) : gardée en base et confiée au broker
    à son retour (`core.taches.rejouer`). Les tâches sont idempotentes : une tâche rejouée deux fois ne fait
    rien de plus."""

    tache = models.CharField("nom de la tâche", max_length=200)
    arguments = models.JSONField(default=list, blank=True)
    arguments_nommes = models.JSONField("arguments nommés", default=dict, blank=True)
    cree_le = models.DateTimeField("mise en attente le", auto_now_add=True)
    essais = models.PositiveIntegerField("nouveaux essais", default=0)
    derniere_erreur = models.CharField("dernière erreur", max_length=500, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = "tâche en attente"
        verbose_name_plural = "tâches en attente"

    def __str__(self):
        return f"{self.tache}{tuple(self.arguments)}"
