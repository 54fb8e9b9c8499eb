"""Opérations sur le rapport annuel d'exécution : fonctions simples, sans `request`."""

from django.core.exceptions import ValidationError
from django.db import transaction

from core import antivirus
from core.fichiers import verifie

from .enums import ORDRE_ETAPES, EtapeRapport
from .models import EtapeFranchie, MontantExecute, RapportExecution


def annees_possibles(contrat):
    """Les années de rapport d'un contrat : une par année du cycle, à compter de l'année de signature."""
    premiere = contrat.date_signature.year if contrat.date_signature else contrat.cycle.annee_debut
    return list(range(premiere, max(premiere, contrat.cycle.annee_fin) + 1))


@transaction.atomic
def ouvrir_rapport(contrat, annee, auteur):
    """Crée le rapport de l'année (étape « projet ») s'il n'existe pas encore ; le rend dans tous les cas."""
    if annee not in annees_possibles(contrat):
        raise ValidationError(f"Le contrat ne prévoit pas de rapport pour {annee}.", code="annee")
    rapport, cree = RapportExecution.objects.get_or_create(contrat=contrat, annee=annee)
    if cree:
        debut, _ = rapport.periode
        EtapeFranchie.objects.create(rapport=rapport, etape=EtapeRapport.PROJET, date=debut, auteur=auteur)
    return rapport


@transaction.atomic
def rediger(rapport, synthese_globale, perspectives):
    rapport.synthese_globale = synthese_globale
    rapport.perspectives = perspectives
    rapport.save()  # simple-history garde chaque version (qui, quand, avant/après)
    return rapport


@transaction.atomic
def franchir_etape(rapport, etape, auteur, date, commentaire="", document=None, avis_odpe=""):
    """Enregistre l'étape suivante du chemin, et seulement elle : on ne saute pas l'avis de l'ODPE."""
    rapport = RapportExecution.objects.select_for_update().get(pk=rapport.pk)
    attendue = rapport.etape_suivante
    if attendue is None:
        raise ValidationError("Le rapport est déjà transmis : son chemin est terminé.", code="termine")
    if etape != attendue:
        raise ValidationError(
            f"L'étape suivante est « {attendue.label} » : le chemin du rapport se suit dans l'ordre.", code="ordre"
        )
    derniere = rapport.etapes.order_by("-pk").first()
    if derniere and date < derniere.date:
        raise ValidationError(
            f"Cette date précède celle de l'étape précédente ({derniere.date:%d/%m/%Y}).", code="date"
        )
    if etape == EtapeRapport.AVIS_ODPE:
        if not avis_odpe:
            raise ValidationError("Indiquez l'avis rendu par l'ODPE.", code="avis")
        rapport.avis_odpe, rapport.date_avis_odpe = avis_odpe, date
    franchie = EtapeFranchie(rapport=rapport, etape=etape, date=date, commentaire=commentaire, auteur=auteur)
    if document:
        controle = verifie(document, extensions=EtapeFranchie.EXTENSIONS)
        franchie.nom_document, franchie.analyse = controle.nom, antivirus.statut_initial()
        document.seek(0)
        franchie.document.save(controle.nom, document, save=False)
    franchie.save()
    antivirus.programmer(franchie)
    rapport.etape = etape
    rapport.save()
    return franchie


@transaction.atomic
def enregistrer_montants(rapport, montants):
    """`montants` : {(objectif_id, source_id): (engagé, dépensé)}, None pour une case vide.
    Deux cases vides suppriment la ligne."""
    existants = {(m.objectif_id, m.source_id): m for m in rapport.montants.all()}
    for (objectif_id, source_id), (engage, depense) in montants.items():
        ligne = existants.get((objectif_id, source_id))
        if engage is None and depense is None:
            if ligne:
                ligne.delete()
        elif ligne is None:
            MontantExecute.objects.create(
                rapport=rapport, objectif_id=objectif_id, source_id=source_id, engage=engage, depense=depense
            )
        elif (ligne.engage, ligne.depense) != (engage, depense):
            ligne.engage, ligne.depense = engage, depense
            ligne.save()
    rapport.save(update_fields=["modifie_le"])


def rang(etape):
    return ORDRE_ETAPES.index(etape)
