"""Opérations métier sur les fiches actions : les vues analysent la requête puis appellent ces fonctions."""

from collections import defaultdict

from django.db import transaction
from django.db.models import Max, Q, Sum
from django.utils import timezone

from contractualisation.services import marquer_modifie
from core.limites import COMMENTAIRE, verifier

from .enums import StatutFiche, TypeExemple
from .exemples import cle
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


def lignes_de_l_exemple(fiche, exemple):
    if exemple.type == TypeExemple.QUANTITATIF:
        return fiche.indicateurs_quantitatifs
    return fiche.indicateurs_qualitatifs


def exemple_deja_insere(fiche, exemple):
    libelles = lignes_de_l_exemple(fiche, exemple).values_list("libelle", flat=True)
    return any(cle(libelle) == cle(exemple.libelle) for libelle in libelles)


@transaction.atomic
def inserer_exemple(fiche, exemple):
    """Complétion guidée : l'exemple du référentiel devient un indicateur de la fiche, à ajuster ensuite. Un exemple
    déjà présent (même intitulé) n'est pas inséré une seconde fois : None. La fiche est verrouillée le temps de
    vérifier, pour qu'un double clic n'insère pas deux fois."""
    list(Fiche.objects.select_for_update().filter(pk=fiche.pk).values_list("pk", flat=True))
    if exemple_deja_insere(fiche, exemple):
        return None
    ordre = lignes_de_l_exemple(fiche, exemple).count()
    if exemple.type == TypeExemple.QUANTITATIF:
        indicateur = IndicateurQuantitatif.objects.create(
            fiche=fiche, libelle=exemple.libelle, unite=exemple.unite, ordre=ordre
        )
    else:
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
    verifier(texte, COMMENTAIRE, "texte", "Votre commentaire")
    return Commentaire.objects.create(fiche=fiche, auteur=auteur, texte=texte, reponse_a=reponse_a)
