"""Le rapport annuel d'exécution d'un contrat (contrat, art. 3 ; instruction du 25 avril 2023, IV)."""

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from contractualisation.models import Contrat, Objectif, SourceFinancement
from core.fichiers import chemin_aleatoire
from core.models import FichierDepose

from .enums import ORDRE_ETAPES, AvisOdpe, EtapeRapport


def un_an_apres(jour):
    """Le même jour un an plus tard (le 29 février devient le 28)."""
    try:
        return jour.replace(year=jour.year + 1)
    except ValueError:
        return jour.replace(year=jour.year + 1, day=28)


def periode(contrat, annee):
    """La période couverte par le rapport de l'année `annee` : un an à compter de la date anniversaire de la
    signature (instruction : « l'année écoulée entre la date de signature et cette même date à l'année N+1 »).
    Sans date de signature, l'année civile."""
    signature = contrat.date_signature
    if signature is None:
        debut = date(annee, 1, 1)
    else:
        try:
            debut = signature.replace(year=annee)
        except ValueError:
            debut = signature.replace(year=annee, day=28)
    return debut, un_an_apres(debut) - timedelta(days=1)


class RapportQuerySet(models.QuerySet):
    def visibles_par(self, user):
        return self.filter(contrat__in=Contrat.objects.visibles_par(user))


class RapportExecution(models.Model):
    contrat = models.ForeignKey(Contrat, on_delete=models.CASCADE, related_name="rapports")
    annee = models.PositiveSmallIntegerField("année", help_text="L'année où commence la période couverte.")
    etape = models.CharField("étape", max_length=20, choices=EtapeRapport.choices, default=EtapeRapport.PROJET)
    synthese_globale = models.TextField(
        "synthèse globale",
        blank=True,
        help_text="Le bilan global des actions conduites par le Département et ses partenaires sur le territoire.",
    )
    perspectives = models.TextField("perspectives", blank=True)
    avis_odpe = models.CharField("avis de l'ODPE", max_length=20, choices=AvisOdpe.choices, blank=True)
    date_avis_odpe = models.DateField("date de l'avis de l'ODPE", null=True, blank=True)
    cree_le = models.DateTimeField(auto_now_add=True)
    modifie_le = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = RapportQuerySet.as_manager()

    class Meta:
        ordering = ["contrat", "annee"]
        verbose_name = "rapport annuel d'exécution"
        verbose_name_plural = "rapports annuels d'exécution"
        constraints = [
            models.UniqueConstraint(
                fields=["contrat", "annee"],
                name="rapport_unique_par_annee",
                violation_error_message="Ce contrat a déjà un rapport d'exécution pour cette année.",
            ),
            models.CheckConstraint(
                condition=Q(avis_odpe="") | Q(date_avis_odpe__isnull=False),
                name="rapport_avis_odpe_date",
                violation_error_message="L'avis de l'ODPE doit être daté.",
            ),
        ]

    def __str__(self):
        return f"Rapport d'exécution {self.annee} — {self.contrat.collectivite}"

    @property
    def periode(self):
        return periode(self.contrat, self.annee)

    @property
    def echeance(self):
        """Transmis au plus tard un an après la signature : la fin de la période couverte."""
        return self.periode[1]

    @property
    def rang_etape(self):
        return ORDRE_ETAPES.index(self.etape)

    @property
    def etape_suivante(self):
        rang = self.rang_etape + 1
        return EtapeRapport(ORDRE_ETAPES[rang]) if rang < len(ORDRE_ETAPES) else None


def chemin_document(instance, nom):
    """Conservée pour la migration 0001 ; les documents sont rangés par core.fichiers.chemin_aleatoire."""
    return f"rapports/{instance.rapport.contrat_id}/{instance.rapport.annee}/{instance.etape}-{nom}"


class EtapeFranchie(FichierDepose):
    """Un pas du chemin du rapport : qui l'a enregistré, quand, la date de l'acte et son document. Jamais modifié
    (sauf l'état de l'analyse antivirus du document)."""

    CHAMP_FICHIER = "document"
    CHAMP_NOM = "nom_document"
    EXTENSIONS = {"pdf", "odt", "docx", "xlsx", "ods", "png", "jpg", "jpeg"}

    rapport = models.ForeignKey(RapportExecution, on_delete=models.CASCADE, related_name="etapes")
    etape = models.CharField("étape", max_length=20, choices=EtapeRapport.choices)
    date = models.DateField("date de l'acte")
    commentaire = models.TextField(blank=True)
    document = models.FileField(upload_to=chemin_aleatoire, max_length=200, blank=True)
    nom_document = models.CharField("nom du document", max_length=200, blank=True)
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    enregistre_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["enregistre_le", "pk"]
        verbose_name = "étape franchie"
        constraints = [
            models.UniqueConstraint(
                fields=["rapport", "etape"],
                name="etape_unique_par_rapport",
                violation_error_message="Cette étape est déjà enregistrée pour ce rapport.",
            )
        ]

    def __str__(self):
        return f"{self.get_etape_display()} le {self.date:%d/%m/%Y}"


class MontantExecute(models.Model):
    """Crédits engagés et dépensés sur la période du rapport, par objectif et source de financement."""

    rapport = models.ForeignKey(RapportExecution, on_delete=models.CASCADE, related_name="montants")
    objectif = models.ForeignKey(Objectif, on_delete=models.PROTECT, related_name="+")
    source = models.ForeignKey(SourceFinancement, on_delete=models.PROTECT, related_name="+")
    engage = models.DecimalField("engagé", max_digits=14, decimal_places=2, null=True, blank=True)
    depense = models.DecimalField("dépensé", max_digits=14, decimal_places=2, null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["objectif__numero", "source__ordre"]
        verbose_name = "montant exécuté"
        constraints = [
            models.UniqueConstraint(
                fields=["rapport", "objectif", "source"],
                name="montant_execute_unique",
                violation_error_message="Ce montant est déjà saisi pour cet objectif et cette source.",
            ),
            models.CheckConstraint(
                condition=(Q(engage__isnull=True) | Q(engage__gte=Decimal("0")))
                & (Q(depense__isnull=True) | Q(depense__gte=Decimal("0"))),
                name="montant_execute_positif",
                violation_error_message="Un montant ne peut pas être négatif.",
            ),
        ]

    def __str__(self):
        return f"{self.objectif.numero} / {self.source} : {self.engage} engagés, {self.depense} dépensés"
