import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core.fichiers import chemin_aleatoire
from core.models import Departement, FichierDepose, Institution, Region

from .enums import Accord, Avis, Liste, Nature, StatutPratique

LONGUEUR_ENTITE = 100
LONGUEUR_INTITULE = 100
LONGUEUR_DESCRIPTION = 1000


class Modalite(models.Model):
    """Une valeur d'une des listes du formulaire (thématique, public visé…), modifiable par l'administration."""

    liste = models.CharField(max_length=30, choices=Liste.choices)
    libelle = models.CharField("libellé", max_length=150)
    ordre = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True, help_text="Une valeur inactive n'est plus proposée aux déclarants.")

    class Meta:
        ordering = ["liste", "ordre", "libelle"]
        verbose_name = "valeur de liste"
        constraints = [
            models.UniqueConstraint(
                fields=["liste", "libelle"],
                name="modalite_unique",
                violation_error_message="Cette valeur existe déjà dans la liste.",
            )
        ]

    def __str__(self):
        return self.libelle


def empreinte(jeton):
    return hashlib.sha256(jeton.encode()).hexdigest()


class PratiqueQuerySet(models.QuerySet):
    def publiees(self):
        return self.filter(statut=StatutPratique.PUBLIEE)

    def pour_liste(self):
        return self.select_related(
            "thematique", "public", "echelle", "type_intervention", "relais", "departement", "region"
        )

    def au_comite(self):
        return self.filter(nature=Nature.DECLAREE).exclude(statut=StatutPratique.BROUILLON)

    def en_attente_d_accord(self, collectivite_ids):
        return self.au_comite().filter(accord=Accord.ATTENDU, departement__collectivites__in=collectivite_ids)

    def par_jeton(self, jeton):
        return self.filter(jeton_empreinte=empreinte(jeton))


class Pratique(models.Model):
    nature = models.CharField(max_length=20, choices=Nature.choices, default=Nature.DECLAREE)
    statut = models.CharField(max_length=20, choices=StatutPratique.choices, default=StatutPratique.BROUILLON)
    etape = models.PositiveSmallIntegerField("dernière étape remplie", default=1)

    # Étape 1 : conditions préalables et adresse du déclarant (pour reprendre la déclaration).
    conditions_acceptees = models.BooleanField(default=False)
    courriel_declarant = models.EmailField("adresse e-mail du déclarant", blank=True)
    jeton_empreinte = models.CharField(max_length=64, blank=True, db_index=True)
    jeton_cree_le = models.DateTimeField(
        "lien de reprise envoyé le",
        null=True,
        blank=True,
        help_text="Le lien secret de reprise expire PRATIQUES_DUREE_LIEN_REPRISE_JOURS jours après son envoi.",
    )
    declarant = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="pratiques_declarees"
    )
    institution_declarante = models.ForeignKey(
        Institution, null=True, blank=True, on_delete=models.SET_NULL, related_name="pratiques_declarees"
    )
    origine_url = models.CharField("fiche action d'origine", max_length=300, blank=True)

    # Étape 2 : présentation.
    date_mise_en_oeuvre = models.DateField("date de mise en œuvre", null=True, blank=True)
    entite = models.CharField("nom de l'entité", max_length=LONGUEUR_ENTITE, blank=True)
    intitule = models.CharField("intitulé de la pratique", max_length=LONGUEUR_INTITULE, blank=True)
    description = models.TextField("description de la pratique", max_length=LONGUEUR_DESCRIPTION, blank=True)
    echelle = models.ForeignKey(Modalite, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    type_intervention = models.ForeignKey(Modalite, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    thematique = models.ForeignKey(Modalite, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    public = models.ForeignKey(Modalite, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    relais = models.ForeignKey(Modalite, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    # Étape 3 : localisation.
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    departement = models.ForeignKey(Departement, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    commune = models.CharField(max_length=100, blank=True)

    # Étape 4 : contact.
    contact_nom = models.CharField("nom et prénom", max_length=150, blank=True)
    contact_fonction = models.CharField("fonction", max_length=150, blank=True)
    contact_courriel = models.EmailField("adresse e-mail de contact", blank=True)
    contact_telephone = models.CharField("téléphone", max_length=30, blank=True)

    # Fiche dispositif ONPE (niveau 2).
    objectifs = models.TextField("objectifs du projet", blank=True)
    moyens = models.TextField("moyens nécessaires", blank=True)
    cles_reussite = models.TextField("clés de réussite", blank=True)
    resultats_attendus = models.TextField("résultats attendus", blank=True)
    difficultes = models.TextField("difficultés susceptibles d'être rencontrées", blank=True)
    contexte = models.TextField(blank=True)
    public_detail = models.TextField("public", blank=True)
    territoire = models.TextField(blank=True)

    # Accord du Département d'implantation.
    accord = models.CharField(max_length=20, choices=Accord.choices, default=Accord.ATTENDU)
    accord_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accord_le = models.DateTimeField(null=True, blank=True)
    accord_commentaire = models.TextField("commentaire du Département", blank=True)

    valorisee = models.BooleanField(
        "mise en valeur", default=False, help_text="Pratique qui a particulièrement retenu l'attention du comité."
    )
    cree_le = models.DateTimeField(auto_now_add=True)
    modifie_le = models.DateTimeField(auto_now=True)
    deposee_le = models.DateTimeField(null=True, blank=True)
    publiee_le = models.DateTimeField(null=True, blank=True)

    objects = PratiqueQuerySet.as_manager()

    class Meta:
        ordering = ["-publiee_le", "-cree_le"]
        constraints = [
            models.CheckConstraint(
                condition=Q(statut=StatutPratique.BROUILLON)
                | Q(nature=Nature.DISPOSITIF)
                | Q(conditions_acceptees=True),
                name="pratique_deposee_conditions_acceptees",
                violation_error_message="Une pratique déposée doit avoir accepté les conditions préalables.",
            ),
            models.CheckConstraint(
                condition=~Q(statut=StatutPratique.PUBLIEE) | Q(nature=Nature.DISPOSITIF) | Q(accord=Accord.ACCORDE),
                name="pratique_publiee_accord_departement",
                violation_error_message="Une pratique ne peut être publiée sans l'accord du Département.",
            ),
        ]
        indexes = [models.Index(fields=["statut", "publiee_le"])]

    def __str__(self):
        return self.intitule or f"Déclaration n° {self.pk}"

    def get_absolute_url(self):
        return reverse("pratiques:detail", args=[self.pk])

    def nouveau_jeton(self):
        """Crée le lien secret de reprise ; seule son empreinte est gardée en base, avec sa date d'envoi. Le lien
        précédent cesse de fonctionner."""
        jeton = secrets.token_urlsafe(32)
        self.jeton_empreinte = empreinte(jeton)
        self.jeton_cree_le = timezone.now()
        return jeton

    @property
    def lien_expire(self):
        if self.jeton_cree_le is None:
            return True
        return timezone.now() >= self.jeton_cree_le + timedelta(days=settings.PRATIQUES_DUREE_LIEN_REPRISE_JOURS)

    @property
    def modifiable_par_declarant(self):
        return self.statut in (StatutPratique.BROUILLON, StatutPratique.COMPLEMENTS)


def taille_max_piece():
    return settings.PRATIQUES_TAILLE_MAX_PIECE


class PieceJointe(FichierDepose):
    """Une pièce jointe envoyée par le public avec sa déclaration (taille bornée par PRATIQUES_TAILLE_MAX_PIECE)."""

    EXTENSIONS = {"pdf", "png", "jpg", "jpeg", "odt", "ods", "odp", "docx", "xlsx", "pptx"}

    pratique = models.ForeignKey(Pratique, on_delete=models.CASCADE, related_name="pieces")
    fichier = models.FileField(upload_to=chemin_aleatoire, max_length=200)
    nom = models.CharField(max_length=200)
    taille = models.PositiveIntegerField()
    ajoutee_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["ajoutee_le"]
        verbose_name = "pièce jointe"

    def __str__(self):
        return self.nom


class Seance(models.Model):
    """Une séance du comité de sélection : les décisions y sont prises et figurent à son procès-verbal."""

    date = models.DateField()
    intitule = models.CharField("intitulé", max_length=150)
    creee_par = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-date"]
        verbose_name = "séance du comité"

    def __str__(self):
        return f"{self.intitule} du {self.date:%d/%m/%Y}"


class Transition(models.Model):
    """Journal des changements de statut, en ajout seul : qui, quand, de quoi vers quoi, pourquoi."""

    pratique = models.ForeignKey(Pratique, on_delete=models.CASCADE, related_name="transitions")
    de = models.CharField(max_length=20, choices=StatutPratique.choices)
    vers = models.CharField(max_length=20, choices=StatutPratique.choices)
    par = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    par_libelle = models.CharField(max_length=200, help_text="Nom affiché, gardé même si le compte disparaît.")
    le = models.DateTimeField(auto_now_add=True)
    motif = models.TextField(blank=True)
    seance = models.ForeignKey(Seance, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions")

    class Meta:
        ordering = ["le", "pk"]

    def __str__(self):
        return f"{self.get_de_display()} → {self.get_vers_display()}"


class AvisMembre(models.Model):
    pratique = models.ForeignKey(Pratique, on_delete=models.CASCADE, related_name="avis")
    membre = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    avis = models.CharField(max_length=20, choices=Avis.choices)
    commentaire = models.TextField(blank=True)
    modifie_le = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["modifie_le"]
        verbose_name = "avis d'un membre"
        constraints = [
            models.UniqueConstraint(
                fields=["pratique", "membre"],
                name="avis_unique_par_membre",
                violation_error_message="Ce membre a déjà donné son avis sur cette pratique.",
            )
        ]

    def __str__(self):
        return f"{self.membre} : {self.get_avis_display()}"
