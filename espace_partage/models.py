import uuid
from datetime import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Case, Q, Value, When
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.urls import reverse
from django.utils import timezone

from core.fichiers import chemin_aleatoire
from core.models import Departement, FichierDepose, Institution, Region

from .enums import Niveau, Section

LONGUEUR_RESUME = 400


def debut_du_trimestre(moment=None):
    moment = timezone.localtime(moment or timezone.now())
    mois = 3 * ((moment.month - 1) // 3) + 1
    return timezone.make_aware(datetime(moment.year, mois, 1))


class EspaceQuerySet(models.QuerySet):
    def visibles_par(self, user):
        from .permissions import territoire_de

        territoire = territoire_de(user)
        if territoire.tous:
            return self.all()
        condition = Q(pk__in=Membre.objects.filter(utilisateur_id=user.pk).values("espace_id"))
        if territoire.national:
            condition |= Q(niveau=Niveau.NATIONAL)
        condition |= Q(region_id__in=territoire.regions) | Q(departement_id__in=territoire.departements)
        condition |= Q(departement__region_id__in=territoire.regions_entieres)
        return self.filter(condition)

    def animes_par(self, user):
        from .permissions import territoire_de

        territoire = territoire_de(user)
        if territoire.animateur_partout:
            return self.all()
        condition = Q(pk__in=Membre.objects.filter(utilisateur_id=user.pk, animateur=True).values("espace_id"))
        if territoire.anime_national:
            condition |= Q(niveau=Niveau.NATIONAL)
        condition |= Q(region_id__in=territoire.regions_animees) | Q(departement_id__in=territoire.departements_animes)
        return self.filter(condition)

    def dans_l_ordre(self):
        return self.annotate(
            rang=Case(
                When(niveau=Niveau.NATIONAL, then=Value(0)),
                When(niveau=Niveau.REGIONAL, then=Value(1)),
                default=Value(2),
            )
        ).order_by("rang", "nom")


class Espace(models.Model):
    """Un espace documentaire : national, d'une région ou d'un département (créés à la migration)."""

    niveau = models.CharField(max_length=20, choices=Niveau.choices)
    nom = models.CharField(max_length=150)
    region = models.OneToOneField(Region, null=True, blank=True, on_delete=models.CASCADE, related_name="espace")
    departement = models.OneToOneField(
        Departement, null=True, blank=True, on_delete=models.CASCADE, related_name="espace"
    )

    objects = EspaceQuerySet.as_manager()

    class Meta:
        ordering = ["nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["niveau"],
                condition=Q(niveau=Niveau.NATIONAL),
                name="espace_national_unique",
                violation_error_message="Il n'y a qu'un espace national.",
            ),
            models.CheckConstraint(
                condition=(Q(niveau=Niveau.NATIONAL, region__isnull=True, departement__isnull=True))
                | Q(niveau=Niveau.REGIONAL, region__isnull=False, departement__isnull=True)
                | Q(niveau=Niveau.DEPARTEMENTAL, region__isnull=True, departement__isnull=False),
                name="espace_territoire_coherent",
                violation_error_message="Un espace régional a une région, un espace départemental un département.",
            ),
        ]

    def __str__(self):
        return self.nom

    def get_absolute_url(self):
        return reverse("espace_partage:espace", args=[self.pk])


class Membre(models.Model):
    """Une personne invitée dans un espace hors de son territoire, ou désignée animatrice."""

    espace = models.ForeignKey(Espace, on_delete=models.CASCADE, related_name="membres")
    utilisateur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="espaces_invites")
    animateur = models.BooleanField(default=False)
    invite_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    invite_le = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "membre invité"
        constraints = [
            models.UniqueConstraint(
                fields=["espace", "utilisateur"],
                name="membre_espace_unique",
                violation_error_message="Cette personne est déjà membre de cet espace.",
            )
        ]

    def __str__(self):
        return f"{self.utilisateur} — {self.espace}"


class Theme(models.Model):
    libelle = models.CharField("libellé", max_length=60, unique=True)

    class Meta:
        ordering = ["libelle"]
        verbose_name = "thème"

    def __str__(self):
        return self.libelle


class RessourceQuerySet(models.QuerySet):
    def visibles_par(self, user):
        return self.filter(espace__in=Espace.objects.visibles_par(user))

    def actives(self):
        return self.filter(archivee=False)

    def dans_l_ordre(self, moment=None):
        """La ressource mise en avant ce trimestre d'abord, puis les plus récentes."""
        return self.annotate(
            en_avant=Case(
                When(mise_en_avant_le__gte=debut_du_trimestre(moment), then=Value(True)),
                default=Value(False),
                output_field=models.BooleanField(),
            )
        ).order_by("-en_avant", "-cree_le", "-pk")

    def pour_liste(self):
        return self.select_related("auteur", "institution", "espace").prefetch_related(
            "objectifs",
            "themes",
            models.Prefetch("versions", queryset=VersionFichier.objects.order_by("-numero")),
        )

    def rechercher(self, texte):
        from .recherche import filtrer

        return filtrer(self, texte)


class Ressource(models.Model):
    espace = models.ForeignKey(Espace, on_delete=models.PROTECT, related_name="ressources")
    section = models.CharField(max_length=20, choices=Section.choices)
    titre = models.CharField(max_length=200)
    resume = models.TextField(
        "résumé",
        max_length=LONGUEUR_RESUME,
        help_text=f"En quelques lignes : à quoi sert la ressource ({LONGUEUR_RESUME} caractères au plus).",
    )
    lien = models.URLField("lien", max_length=500, blank=True)
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="ressources_partagees"
    )
    institution = models.ForeignKey(Institution, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    objectifs = models.ManyToManyField(
        "contractualisation.Objectif", blank=True, related_name="ressources", verbose_name="objectifs du contrat"
    )
    themes = models.ManyToManyField(Theme, blank=True, related_name="ressources", verbose_name="thèmes")
    cree_le = models.DateTimeField("date", default=timezone.now)
    modifie_le = models.DateTimeField(auto_now=True)
    mise_en_avant_le = models.DateTimeField("mise en avant le", null=True, blank=True)
    archivee = models.BooleanField("archivée", default=False)

    objects = RessourceQuerySet.as_manager()

    class Meta:
        ordering = ["-cree_le"]
        constraints = [
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("resume"), LONGUEUR_RESUME),
                name="ressource_resume_court",
                violation_error_message=f"Le résumé tient en {LONGUEUR_RESUME} caractères au plus.",
            )
        ]

    def __str__(self):
        return self.titre

    def get_absolute_url(self):
        return reverse("espace_partage:ressource", args=[self.pk])

    @property
    def derniere_version(self):
        versions = self.versions.all()  # préchargées, de la plus récente à la plus ancienne
        return versions[0] if versions else None

    @property
    def mise_en_avant_ce_trimestre(self):
        return bool(self.mise_en_avant_le and self.mise_en_avant_le >= debut_du_trimestre())


def chemin_fichier(instance, nom):
    """Conservée pour la migration 0001 ; les fichiers sont rangés par core.fichiers.chemin_aleatoire."""
    return f"espace_partage/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class VersionFichier(FichierDepose):
    CHAMP_NOM = "nom_original"

    ressource = models.ForeignKey(Ressource, on_delete=models.CASCADE, related_name="versions")
    numero = models.PositiveSmallIntegerField("numéro")
    fichier = models.FileField(upload_to=chemin_aleatoire, max_length=200, blank=True)
    nom_original = models.CharField("nom du fichier", max_length=200)
    taille = models.PositiveBigIntegerField()
    type_mime = models.CharField(max_length=120)
    empreinte = models.CharField("empreinte SHA-256", max_length=64)
    depose_par = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    depose_le = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["ressource", "-numero"]
        verbose_name = "version de fichier"
        verbose_name_plural = "versions de fichier"
        constraints = [
            models.UniqueConstraint(
                fields=["ressource", "numero"],
                name="version_numero_unique",
                violation_error_message="Cette version existe déjà.",
            )
        ]

    def __str__(self):
        return f"{self.nom_original} (version {self.numero})"

    def get_absolute_url(self):
        return reverse("espace_partage:telecharger", args=[self.pk])

    @property
    def extension(self):
        return self.nom_original.rsplit(".", 1)[-1].upper()

    def apres_analyse(self):
        # La ressource change d'aspect (téléchargeable ou non) : les fragments en cache qui la montrent aussi.
        Ressource.objects.filter(pk=self.ressource_id).update(modifie_le=timezone.now())


class Commentaire(models.Model):
    ressource = models.ForeignKey(Ressource, on_delete=models.CASCADE, related_name="commentaires")
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    texte = models.TextField(max_length=2000)
    cree_le = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["cree_le", "pk"]

    def __str__(self):
        return f"Commentaire de {self.auteur} sur {self.ressource}"


class Actualite(models.Model):
    """Une brève de l'animateur : courte, datée, en tête de l'espace."""

    espace = models.ForeignKey(Espace, on_delete=models.CASCADE, related_name="actualites")
    titre = models.CharField(max_length=150)
    texte = models.TextField(max_length=600)
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    publiee_le = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-publiee_le", "-pk"]
        verbose_name = "actualité"

    def __str__(self):
        return self.titre


class PreferenceResume(models.Model):
    """L'abonnement d'une personne au résumé par e-mail des nouveautés (désactivé par défaut)."""

    utilisateur = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preference_resume"
    )
    actif = models.BooleanField("recevoir le résumé des nouveautés", default=False)
    dernier_envoi = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "abonnement au résumé"

    def __str__(self):
        return f"Résumé de {self.utilisateur}"


class PieceJointe(models.Model):
    """Une ressource de l'espace rattachée à un autre objet (fiche action, réunion…) sans nouveau dépôt."""

    ressource = models.ForeignKey(Ressource, on_delete=models.CASCADE, related_name="pieces_jointes")
    type_objet = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    id_objet = models.PositiveBigIntegerField()
    objet = GenericForeignKey("type_objet", "id_objet")
    ajoutee_par = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    ajoutee_le = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "pièce jointe"
        indexes = [models.Index(fields=["type_objet", "id_objet"])]
        constraints = [
            models.UniqueConstraint(
                fields=["ressource", "type_objet", "id_objet"],
                name="piece_jointe_unique",
                violation_error_message="Cette ressource est déjà jointe.",
            )
        ]

    def __str__(self):
        return f"{self.ressource} → {self.type_objet} {self.id_objet}"
