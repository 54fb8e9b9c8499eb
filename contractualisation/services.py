"""Opérations métier sur les contrats : les vues analysent la requête puis appellent ces fonctions."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from .enums import CategorieSource
from .extensions import financements_externes
from .models import Avenant, Contrat, Financement, Objectif, ObjectifContrat, SourceFinancement

ZERO = Decimal("0")


@transaction.atomic
def creer_contrat(collectivite, cycle, **dates):
    contrat = Contrat.objects.create(
        collectivite=collectivite,
        cycle=cycle,
        slug=slugify(f"{collectivite.slug}-{cycle.libelle}"),
        **dates,
    )
    ObjectifContrat.objects.bulk_create(
        ObjectifContrat(contrat=contrat, objectif=o) for o in cycle.objectifs.filter(obligatoire=True)
    )
    return contrat


@transaction.atomic
def choisir_objectifs(contrat, objectifs):
    """Fixe les objectifs retenus. Les objectifs obligatoires du cycle ne peuvent pas être retirés."""
    choisis = {o.pk for o in objectifs}
    manquants = [o for o in contrat.cycle.objectifs.filter(obligatoire=True) if o.pk not in choisis]
    if manquants:
        numeros = ", ".join(f"n° {o.numero}" for o in manquants)
        raise ValidationError(
            f"Les objectifs obligatoires du cycle {contrat.cycle.libelle} ne peuvent pas être retirés "
            f"(objectif {numeros}).",
            code="objectif_obligatoire",
        )
    hors_cycle = [o for o in objectifs if o.cycle_id != contrat.cycle_id]
    if hors_cycle:
        raise ValidationError("Un objectif choisi n'appartient pas au cycle du contrat.", code="hors_cycle")
    actuels = {oc.objectif_id: oc for oc in contrat.objectifs_contrat.all()}
    for objectif_id, oc in actuels.items():
        if objectif_id not in choisis:
            if Financement.objects.filter(contrat=contrat, objectif_id=objectif_id).exists():
                raise ValidationError(
                    f"L'objectif n° {oc.objectif.numero} porte des financements : supprimez-les avant de le retirer.",
                    code="objectif_finance",
                )
            oc.delete()  # une à une, pour que l'historique garde chaque retrait
    for objectif in objectifs:
        if objectif.pk not in actuels:
            ObjectifContrat.objects.create(contrat=contrat, objectif=objectif)


@transaction.atomic
def ajouter_avenant(contrat, auteur, numero, date, objet):
    return Avenant.objects.create(contrat=contrat, numero=numero, date=date, objet=objet, cree_par=auteur)


@transaction.atomic
def enregistrer_financements(contrat, montants):
    """`montants` : {(objectif_id, annee, source_id): Decimal ou None}. Une case vide supprime la ligne.
    Les objectifs financés par leurs fiches actions ne se saisissent pas ici : leurs cases sont ignorées."""
    existants = {(f.objectif_id, f.annee, f.source_id): f for f in contrat.financements.all()}
    externes = financements_externes(contrat)
    for cle, montant in montants.items():
        if cle[0] in externes:
            continue
        ligne = existants.get(cle)
        if montant is None:
            if ligne:
                ligne.delete()
        elif ligne is None:
            objectif_id, annee, source_id = cle
            Financement.objects.create(
                contrat=contrat, objectif_id=objectif_id, annee=annee, source_id=source_id, montant=montant
            )
        elif ligne.montant != montant:
            ligne.montant = montant
            ligne.save()


# --- Le tableau de financement objectif × année × source ----------------------------------------


@dataclass
class LigneAnnee:
    annee: int
    montants: list  # un montant (ou None) par source, dans l'ordre des colonnes
    total: Decimal


@dataclass
class BlocObjectif:
    objectif: Objectif
    annees: list
    totaux_sources: list
    total: Decimal
    total_etat: Decimal
    total_departement: Decimal
    depuis_fiches: bool = False  # montants calculés à partir des fiches actions de l'objectif

    @property
    def alerte_cofinancement(self):
        """Art. 2.2.2 : le Département finance chaque objectif au moins autant que l'État."""
        return self.total_departement < self.total_etat


@dataclass
class TableauFinancement:
    sources: list
    blocs: list = field(default_factory=list)
    totaux_sources: list = field(default_factory=list)
    total: Decimal = ZERO

    @property
    def objectifs_en_alerte(self):
        return [b.objectif for b in self.blocs if b.alerte_cofinancement]

    @property
    def vide(self):
        return self.total == ZERO


def tableau_financement(contrat, objectifs=None, financements=None):
    """Construit le tableau en quatre requêtes au plus. Pour un objectif dont les fiches actions portent des
    montants, ce sont eux qui comptent (une seule saisie) ; sinon les lignes de financement du contrat."""
    sources = list(SourceFinancement.objects.all())
    if objectifs is None:
        objectifs = [oc.objectif for oc in contrat.objectifs_contrat.select_related("objectif")]
    if financements is None:
        financements = list(contrat.financements.all())
    externes = financements_externes(contrat)
    montants = defaultdict(lambda: None)
    for f in financements:
        if f.objectif_id not in externes:
            montants[(f.objectif_id, f.annee, f.source_id)] = f.montant
    for objectif_id, par_case in externes.items():
        for (annee, source_id), montant in par_case.items():
            montants[(objectif_id, annee, source_id)] = montant

    tableau = TableauFinancement(sources=sources, totaux_sources=[ZERO] * len(sources))
    for objectif in objectifs:
        annees, totaux = [], [ZERO] * len(sources)
        for annee in contrat.cycle.annees:
            cellules = [montants[(objectif.pk, annee, s.pk)] for s in sources]
            for i, m in enumerate(cellules):
                totaux[i] += m or ZERO
            annees.append(LigneAnnee(annee, cellules, sum((m or ZERO for m in cellules), ZERO)))
        par_categorie = defaultdict(lambda: ZERO)
        for source, total in zip(sources, totaux, strict=True):
            par_categorie[source.categorie] += total
        tableau.blocs.append(
            BlocObjectif(
                objectif=objectif,
                annees=annees,
                totaux_sources=totaux,
                total=sum(totaux, ZERO),
                total_etat=par_categorie[CategorieSource.ETAT],
                total_departement=par_categorie[CategorieSource.DEPARTEMENT],
                depuis_fiches=objectif.pk in externes,
            )
        )
        tableau.totaux_sources = [a + b for a, b in zip(tableau.totaux_sources, totaux, strict=True)]
    tableau.total = sum(tableau.totaux_sources, ZERO)
    return tableau


def marquer_modifie(contrat):
    """Change la version du contrat (clé des caches de sa page et de la liste) sans entrée d'historique :
    à appeler quand une donnée qui s'y affiche change ailleurs (lignes de financement, montants des fiches…)."""
    Contrat.objects.filter(pk=contrat.pk).update(modifie_le=timezone.now())
