"""Opérations métier sur les fiches actions : les vues analysent la requête puis appellent ces fonctions."""

from collections import defaultdict

from django.db import transaction
from django.db.models import Max, Q, Sum
from django.utils import timezone

from contractualisation.services import marquer_modifie

from .enums import StatutFiche, TypeExemple
from .models import Commentaire, Fiche, IndicateurQualitatif, IndicateurQuantitatif, MontantFiche

# Les champs d'une fiche dont on peut remettre une valeur antérieure depuis l'historique.
CHAMPS_RESTAURABLES = ("titre", "constat", "objectif_operationnel", "description", "points_vigilance", "statut")


def montants_par_objectif(contrat):
    """Fournisseur du tableau de financement du contrat (contractualisation.extensions), en une requête :
    {objectif_id: {(annee, source_id): montant}} pour les objectifs dont des fiches portent des montants.
    Une fiche abandonnée ne compte plus."""
    lignes = (
        MontantFiche.objects.filter(fiche__contrat=contrat)
        .exclude(fiche__statut=StatutFiche.ABANDONNEE)
        .values_list("fiche__objectif_contrat__objectif_id", "annee", "source_id")
        .annotate(total=Sum("montant"))
        .order_by()
    )
    resultat = defaultdict(dict)
    for objectif_id, annee, source_id, total in lignes:
        resultat[objectif_id][(annee, source_id)] = total
    return dict(resultat)


@transaction.atomic
def creer_fiche(contrat, objectif_contrat, **champs):
    dernier = Fiche.objects.filter(objectif_contrat=objectif_contrat).aggregate(n=Max("numero"))["n"] or 0
    return Fiche.objects.create(contrat=contrat, objectif_contrat=objectif_contrat, numero=dernier + 1, **champs)


def toucher(fiche, montants_changes=False, liees=()):
    """Après la modification d'une rubrique : la fiche change de version (clé de sa page et de la liste en cache) ;
    `liees`, les fiches dont la page l'affiche (numéro, titre) ou dont le lien vers elle vient d'être posé ou
    retiré (un lien vaut des deux côtés), aussi. Si ses montants ont changé, le contrat aussi (son tableau de
    financement en cache est recalculé)."""
    fiche.modifie_le = timezone.now()
    Fiche.objects.filter(Q(pk=fiche.pk) | Q(pk__in=liees)).update(modifie_le=fiche.modifie_le)
    if montants_changes:
        marquer_modifie(fiche.contrat)


@transaction.atomic
def inserer_exemple(fiche, exemple):
    """Complétion guidée : l'exemple du référentiel devient un indicateur de la fiche, à ajuster ensuite."""
    if exemple.type == TypeExemple.QUANTITATIF:
        ordre = fiche.indicateurs_quantitatifs.count()
        indicateur = IndicateurQuantitatif.objects.create(
            fiche=fiche, libelle=exemple.libelle, unite=exemple.unite, ordre=ordre
        )
    else:
        ordre = fiche.indicateurs_qualitatifs.count()
        indicateur = IndicateurQualitatif.objects.create(
            fiche=fiche, libelle=exemple.libelle, questions_cles=exemple.questions_cles, ordre=ordre
        )
    toucher(fiche)
    return indicateur


@transaction.atomic
def restaurer_valeur(fiche, version, champ):
    """Remet dans la fiche la valeur que `champ` avait dans `version` (un enregistrement d'historique)."""
    if champ not in CHAMPS_RESTAURABLES:
        raise ValueError(champ)
    setattr(fiche, champ, getattr(version, champ))
    fiche.save()
    if champ == "titre":  # affiché sur la page des fiches liées
        Fiche.objects.filter(fiches_liees=fiche).update(modifie_le=fiche.modifie_le)
    if champ == "statut":
        marquer_modifie(fiche.contrat)


def commenter(fiche, auteur, texte, reponse_a=None):
    if reponse_a is not None and reponse_a.fiche_id != fiche.pk:
        raise ValueError("reponse_a")
    return Commentaire.objects.create(fiche=fiche, auteur=auteur, texte=texte, reponse_a=reponse_a)
