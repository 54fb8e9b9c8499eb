"""La logique des pratiques inspirantes : déclaration, accord du Département, circuit du comité. Chaque
changement de statut passe par `changer_statut`, qui écrit une ligne de `Transition`."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core import antivirus
from core.fichiers import verifie

from . import notifications
from .enums import (
    DECISIONS_EN_SEANCE,
    MOTIF_OBLIGATOIRE,
    TRANSITIONS_COMITE,
    Accord,
    Nature,
    StatutPratique,
)
from .models import AvisMembre, PieceJointe, Pratique, Transition, taille_max_piece
from .permissions import de_l_entite_declarante, membre_comite, peut_donner_accord

NOMBRE_MAX_PIECES = 5


def lien_reprise(base, jeton):
    return base.rstrip("/") + reverse("pratiques:reprendre", args=[jeton])


def libelle(user, pratique=None):
    if user is not None and user.is_authenticated:
        return str(user)
    return f"Déclarant ({pratique.courriel_declarant})" if pratique else "Déclarant"


def creer_brouillon(courriel, base, declarant=None, **champs):
    """Ouvre une déclaration et envoie au déclarant le lien secret qui permet de la reprendre."""
    pratique = Pratique(courriel_declarant=courriel, conditions_acceptees=True, declarant=declarant, **champs)
    if declarant is not None and champs.get("institution_declarante") is None:
        pratique.institution_declarante_id = next(iter(sorted(declarant.perimetre.institution_ids)), None)
    jeton = pratique.nouveau_jeton()
    pratique.save()
    notifications.lien_de_reprise(pratique, lien_reprise(base, jeton))
    return pratique, jeton


NOMBRE_MAX_NOUVEAUX_LIENS = 5


def envoyer_nouveaux_liens(courriel, base):
    """Un lien expiré se remplace : chaque déclaration encore modifiable ouverte avec cette adresse reçoit un
    nouveau lien (l'ancien cesse de fonctionner). Rien n'est dit de ce qui existe ou non : la vue donne la même
    réponse dans tous les cas. Renvoie le nombre de liens envoyés."""
    brouillons = (
        Pratique.objects.filter(
            nature=Nature.DECLAREE,
            courriel_declarant__iexact=courriel.strip(),
            statut__in=[StatutPratique.BROUILLON, StatutPratique.COMPLEMENTS],
        )
        .exclude(jeton_empreinte="")
        .order_by("-modifie_le")[:NOMBRE_MAX_NOUVEAUX_LIENS]
    )
    envoyes = 0
    for pratique in brouillons:
        jeton = pratique.nouveau_jeton()
        pratique.save(update_fields=["jeton_empreinte", "jeton_cree_le"])
        notifications.lien_de_reprise(pratique, lien_reprise(base, jeton))
        envoyes += 1
    return envoyes


def enregistrer_etape(pratique, etape, donnees):
    if not pratique.modifiable_par_declarant:
        raise PermissionDenied("Cette déclaration a été déposée : elle n'est plus modifiable.")
    for champ, valeur in donnees.items():
        setattr(pratique, champ, valeur)
    pratique.etape = max(pratique.etape, etape)
    pratique.save()
    return pratique


def ajouter_pieces(pratique, fichiers):
    if pratique.pieces.count() + len(fichiers) > NOMBRE_MAX_PIECES:
        raise ValidationError(f"{NOMBRE_MAX_PIECES} pièces jointes au plus par déclaration.")
    for fichier in fichiers:
        controle = verifie(fichier, extensions=PieceJointe.EXTENSIONS, limite=taille_max_piece())
        piece = PieceJointe(
            pratique=pratique, nom=controle.nom, taille=controle.taille, analyse=antivirus.statut_initial()
        )
        fichier.seek(0)
        piece.fichier.save(controle.nom, fichier, save=False)
        piece.save()
        antivirus.programmer(piece)


def journaliser(pratique, de, vers, par, motif="", seance=None):
    return Transition.objects.create(
        pratique=pratique,
        de=de,
        vers=vers,
        par=par if par and par.is_authenticated else None,
        par_libelle=libelle(par, pratique),
        motif=motif,
        seance=seance,
    )


@transaction.atomic
def deposer(pratique, par=None, reponse=""):
    """Le déclarant envoie sa déclaration au comité, ou renvoie ses compléments (retour en examen)."""
    if pratique.etape < 4:
        raise ValidationError("Remplissez les quatre étapes avant d'envoyer la déclaration.")
    ancien = pratique.statut
    if ancien == StatutPratique.BROUILLON:
        pratique.statut = StatutPratique.DEPOSEE
        pratique.deposee_le = timezone.now()
    elif ancien == StatutPratique.COMPLEMENTS:
        pratique.statut = StatutPratique.EN_EXAMEN
    else:
        raise ValidationError("Cette déclaration a déjà été envoyée.")
    pratique.save()
    journaliser(pratique, ancien, pratique.statut, par, reponse)
    if ancien == StatutPratique.BROUILLON:
        notifications.accuse_de_depot(pratique)
        notifications.demande_d_accord(pratique)
    return pratique


@transaction.atomic
def changer_statut(pratique, vers, par, motif="", seance=None, base=""):
    if not membre_comite(par):
        raise PermissionDenied
    # Verrou de la ligne : deux membres qui changent le statut en même temps passent l'un après l'autre.
    pratique.statut = Pratique.objects.select_for_update().values_list("statut", flat=True).get(pk=pratique.pk)
    if vers not in TRANSITIONS_COMITE.get(pratique.statut, []):
        raise ValidationError(
            f"Passage impossible de « {pratique.get_statut_display()} » à « {StatutPratique(vers).label} »."
        )
    motif = motif.strip()
    if vers in MOTIF_OBLIGATOIRE and not motif:
        raise ValidationError({"motif": "Indiquez le message adressé au déclarant."})
    if vers in DECISIONS_EN_SEANCE and seance is None:
        raise ValidationError({"seance": "Une décision du comité est prise en séance : choisissez la séance."})
    if vers == StatutPratique.PUBLIEE and pratique.accord != Accord.ACCORDE:
        raise ValidationError("La publication attend l'accord du Département d'implantation.")
    ancien = pratique.statut
    pratique.statut = vers
    if vers == StatutPratique.PUBLIEE:
        pratique.publiee_le = timezone.now()
    pratique.save()
    journaliser(pratique, ancien, vers, par, motif, seance)
    if vers == StatutPratique.COMPLEMENTS:
        jeton = pratique.nouveau_jeton()
        pratique.save(update_fields=["jeton_empreinte", "jeton_cree_le"])
        notifications.demande_de_complements(pratique, motif, lien_reprise(base, jeton))
    elif vers in (StatutPratique.NON_RETENUE, StatutPratique.PUBLIEE):
        notifications.decision(pratique, motif)
    return pratique


@transaction.atomic
def repondre_accord(pratique, par, accorde, commentaire=""):
    if not peut_donner_accord(par, pratique):
        raise PermissionDenied
    if pratique.statut in (StatutPratique.PUBLIEE, StatutPratique.NON_RETENUE, StatutPratique.BROUILLON):
        raise ValidationError("Cette déclaration n'attend plus d'accord.")
    pratique.accord = Accord.ACCORDE if accorde else Accord.REFUSE
    pratique.accord_par = par
    pratique.accord_le = timezone.now()
    pratique.accord_commentaire = commentaire.strip()
    pratique.save()
    journaliser(
        pratique,
        pratique.statut,
        pratique.statut,
        par,
        f"{pratique.get_accord_display()} par le Département"
        + (f" : {commentaire.strip()}" if commentaire.strip() else ""),
    )
    return pratique


def donner_avis(pratique, membre, avis, commentaire=""):
    if not membre_comite(membre):
        raise PermissionDenied
    if de_l_entite_declarante(membre, pratique):
        raise PermissionDenied("Un membre de l'entité déclarante ne donne pas d'avis sur sa propre pratique.")
    objet, _ = AvisMembre.objects.update_or_create(
        pratique=pratique, membre=membre, defaults={"avis": avis, "commentaire": commentaire.strip()}
    )
    return objet


def valoriser(pratique, par, valorisee):
    if not membre_comite(par):
        raise PermissionDenied
    pratique.valorisee = valorisee
    pratique.save(update_fields=["valorisee", "modifie_le"])
    return pratique


@transaction.atomic
def enregistrer_fiche_dispositif(fiche, par, publier):
    """Les fiches dispositifs de l'ONPE ne passent pas par le comité : l'équipe de l'ONPE les publie."""
    ancien = fiche.statut if fiche.pk else StatutPratique.BROUILLON
    fiche.nature = Nature.DISPOSITIF
    fiche.conditions_acceptees = True
    fiche.etape = 4
    fiche.statut = StatutPratique.PUBLIEE if publier else StatutPratique.BROUILLON
    if publier and not fiche.publiee_le:
        fiche.publiee_le = timezone.now()
    if not fiche.declarant_id:
        fiche.declarant = par
    fiche.save()
    if ancien != fiche.statut:
        journaliser(fiche, ancien, fiche.statut, par, "Fiche dispositif de l'ONPE")
    return fiche
