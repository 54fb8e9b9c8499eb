"""Opérations du suivi : les vues analysent la requête, vérifient la permission, puis appellent ces fonctions."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core import antivirus
from core.fichiers import verifie
from core.limites import COMMENTAIRE, verifier
from core.taches import lancer
from fiches.models import Fiche

from .enums import StatutDecision, StatutReleve, StatutReunion, TypeNotification
from .models import (
    Decision,
    Participant,
    PieceJointe,
    PointFiche,
    Rectificatif,
    Releve,
    Reunion,
    TransitionReleve,
    ValeurIndicateur,
)
from .notifications import notifier

MESSAGE_VERROU = (
    "Le compte rendu de cette réunion est validé : il ne se modifie plus. Ajoutez un rectificatif si une "
    "correction est nécessaire."
)

# --- Réunions ------------------------------------------------------------------------------------


def fiches_par_defaut(contrat):
    """L'ordre du jour proposé : les « actions à impact » du contrat."""
    return Fiche.objects.filter(contrat=contrat, action_a_impact=True)


@transaction.atomic
def planifier_reunion(contrat, auteur, *, fiches, utilisateurs=(), externes=(), **champs):
    """Crée la réunion, son ordre du jour et ses participants, puis invite chacun (e-mail avec .ics)."""
    reunion = Reunion.objects.create(contrat=contrat, cree_par=auteur, **champs)
    PointFiche.objects.bulk_create(PointFiche(reunion=reunion, fiche=f, ordre=i) for i, f in enumerate(fiches))
    Participant.objects.bulk_create(
        [Participant(reunion=reunion, utilisateur=u) for u in utilisateurs]
        + [Participant(reunion=reunion, **e) for e in externes]
    )
    notifier(
        utilisateurs,
        TypeNotification.INVITATION_REUNION,
        f"invitation-reunion-{reunion.pk}",
        f"Invitation : {reunion.get_type_display()} du {timezone.localtime(reunion.date):%d/%m/%Y à %H:%M}",
        reverse("suivi:ordre_du_jour", args=[reunion.pk]),
        email_deja_envoye=True,  # l'invitation part avec son .ics (tâche ci-dessous)
    )
    from .tasks import envoyer_invitations

    lancer(envoyer_invitations, reunion.pk)
    return reunion


@transaction.atomic
def modifier_reunion(reunion, auteur, *, fiches, utilisateurs, externes=(), **champs):
    """Change la date, le lieu, l'ordre du jour ou les invités d'une réunion non validée. Les fiches retirées
    perdent leur point (et ce qui y était saisi) ; si la date ou le lieu changent, chacun reçoit l'invitation
    mise à jour."""
    verifier_modifiable(reunion)
    change_horaire = any(getattr(reunion, nom) != valeur for nom, valeur in champs.items())
    for nom, valeur in champs.items():
        setattr(reunion, nom, valeur)
    reunion.save()
    fiche_ids = [f.pk for f in fiches]
    reunion.points.exclude(fiche_id__in=fiche_ids).delete()
    deja = set(reunion.points.values_list("fiche_id", flat=True))
    PointFiche.objects.bulk_create(
        PointFiche(reunion=reunion, fiche=f, ordre=i) for i, f in enumerate(fiches) if f.pk not in deja
    )
    for i, fiche_id in enumerate(fiche_ids):
        reunion.points.filter(fiche_id=fiche_id).update(ordre=i)
    invites = set(reunion.participants.filter(utilisateur__isnull=False).values_list("utilisateur_id", flat=True))
    nouveaux = [u for u in utilisateurs if u.pk not in invites]
    reunion.participants.filter(utilisateur__isnull=False).exclude(
        utilisateur_id__in=[u.pk for u in utilisateurs]
    ).delete()
    Participant.objects.bulk_create(
        [Participant(reunion=reunion, utilisateur=u) for u in nouveaux]
        + [Participant(reunion=reunion, **e) for e in externes]
    )
    if change_horaire:
        reunion.participants.update(invitation_envoyee_le=None, rappel_envoye_le=None)
    notifier(
        nouveaux,
        TypeNotification.INVITATION_REUNION,
        f"invitation-reunion-{reunion.pk}",
        f"Invitation : {reunion.get_type_display()} du {timezone.localtime(reunion.date):%d/%m/%Y à %H:%M}",
        reverse("suivi:ordre_du_jour", args=[reunion.pk]),
        email_deja_envoye=True,
    )
    from .tasks import envoyer_invitations

    lancer(envoyer_invitations, reunion.pk)
    return reunion


def verifier_modifiable(reunion):
    if reunion.verrouillee:
        raise ValidationError(MESSAGE_VERROU, code="verrouillee")
    if reunion.statut == StatutReunion.ANNULEE:
        raise ValidationError("Cette réunion est annulée.", code="annulee")


def enregistrer_point(point, auteur, *, elements_positifs, axes_amelioration):
    verifier_modifiable(point.reunion)
    point.elements_positifs = elements_positifs
    point.axes_amelioration = axes_amelioration
    point.modifie_par = auteur
    point.save(update_fields=["elements_positifs", "axes_amelioration", "modifie_par", "modifie_le"])
    return point


@transaction.atomic
def ajouter_decision(point, auteur, *, libelle, responsable=None, responsable_texte="", echeance=None):
    verifier_modifiable(point.reunion)
    decision = Decision.objects.create(
        point=point,
        libelle=libelle,
        responsable=responsable,
        responsable_texte=responsable_texte,
        echeance=echeance,
        cree_par=auteur,
    )
    if responsable is not None and responsable != auteur:
        notifier(
            [responsable],
            TypeNotification.DECISION_ASSIGNEE,
            f"decision-assignee-{decision.pk}",
            f"Décision qui vous est confiée (fiche {point.fiche.numero_complet}) : {libelle}",
            reverse("suivi:ordre_du_jour", args=[point.reunion_id]) + f"#point-{point.pk}",
        )
    return decision


def supprimer_decision(decision):
    verifier_modifiable(decision.point.reunion)
    decision.delete()


def changer_statut_decision(decision, statut):
    """Le suivi d'une décision (fait, abandonnée) continue après la validation du compte rendu : ce n'est pas
    une réécriture du passé, et l'historique garde chaque changement."""
    if statut not in StatutDecision.values:
        raise ValidationError("Statut de décision inconnu.")
    decision.statut = statut
    decision.save(update_fields=["statut", "modifie_le"])
    return decision


@transaction.atomic
def valider_compte_rendu(reunion, user):
    verifier_modifiable(reunion)
    if reunion.date > timezone.now():
        raise ValidationError("Le compte rendu d'une réunion à venir ne peut pas être validé.")
    reunion.statut = StatutReunion.VALIDEE
    reunion.valide_par = user
    reunion.valide_le = timezone.now()
    reunion.save(update_fields=["statut", "valide_par", "valide_le", "modifie_le"])
    return reunion


def ajouter_rectificatif(reunion, auteur, texte, point=None):
    if not reunion.verrouillee:
        raise ValidationError("Tant que le compte rendu n'est pas validé, corrigez-le directement.")
    if not texte.strip():
        raise ValidationError("Écrivez le rectificatif.")
    return Rectificatif.objects.create(reunion=reunion, point=point, auteur=auteur, texte=texte)


def annuler_reunion(reunion):
    verifier_modifiable(reunion)
    reunion.statut = StatutReunion.ANNULEE
    reunion.save(update_fields=["statut", "modifie_le"])


def numeros_des_reunions(fiche_ids):
    """{(fiche_id, reunion_id): k} : la k-ième réunion d'état d'avancement de chaque fiche (une requête)."""
    numeros, compteurs = {}, {}
    lignes = (
        PointFiche.objects.filter(fiche_id__in=fiche_ids)
        .exclude(reunion__statut=StatutReunion.ANNULEE)
        .order_by("reunion__date", "reunion_id")
        .values_list("fiche_id", "reunion_id")
    )
    for fiche_id, reunion_id in lignes:
        compteurs[fiche_id] = compteurs.get(fiche_id, 0) + 1
        numeros[(fiche_id, reunion_id)] = compteurs[fiche_id]
    return numeros


# --- Relevés qualitatifs -----------------------------------------------------------------------


def creer_releve(indicateur, auteur, **champs):
    return Releve.objects.create(fiche=indicateur.fiche, indicateur=indicateur, auteur=auteur, **champs)


@transaction.atomic
def modifier_releve(releve, **champs):
    # Le statut est relu en base : l'objet en main peut dater d'avant une soumission ou une validation.
    statut = Releve.objects.select_for_update().values_list("statut", flat=True).get(pk=releve.pk)
    if statut != StatutReleve.BROUILLON:
        raise ValidationError("Ce relevé n'est plus en brouillon : il ne peut plus être modifié.")
    for nom, valeur in champs.items():
        setattr(releve, nom, valeur)
    releve.full_clean()
    releve.save()
    return releve


def ajouter_piece(releve, auteur, fichier):
    if Releve.objects.filter(pk=releve.pk, statut=StatutReleve.VALIDE).exists():
        raise ValidationError("Ce relevé est validé : ses pièces ne changent plus.")
    controle = verifie(fichier, extensions=PieceJointe.EXTENSIONS)
    piece = PieceJointe(
        releve=releve, nom=controle.nom, taille=controle.taille, ajoute_par=auteur, analyse=antivirus.statut_initial()
    )
    fichier.seek(0)
    piece.fichier.save(controle.nom, fichier, save=False)
    piece.save()
    antivirus.programmer(piece)
    return piece


TRANSITIONS = {
    "soumettre": (StatutReleve.BROUILLON, StatutReleve.SOUMIS),
    "relire": (StatutReleve.SOUMIS, StatutReleve.RELU),
    "valider": (StatutReleve.RELU, StatutReleve.VALIDE),
    "renvoyer": (None, StatutReleve.BROUILLON),  # depuis soumis ou relu : retour à l'auteur
}


@transaction.atomic
def faire_transition(releve, user, action, commentaire=""):
    """Brouillon → soumis → relu (par un autre que l'auteur) → validé (référent de la fiche ou chef de
    service, jamais l'auteur). Chaque étape est inscrite au journal du relevé."""
    releve = Releve.objects.select_for_update().select_related("fiche").get(pk=releve.pk)
    if action not in TRANSITIONS:
        raise ValidationError("Action inconnue.")
    verifier(commentaire, COMMENTAIRE, sujet="Le commentaire")
    depart, arrivee = TRANSITIONS[action]
    if action == "renvoyer":
        if releve.statut not in (StatutReleve.SOUMIS, StatutReleve.RELU):
            raise ValidationError("Seul un relevé soumis ou relu peut être renvoyé à son auteur.")
    elif releve.statut != depart:
        raise ValidationError(f"Ce relevé est « {releve.get_statut_display()} » : cette étape n'est pas possible.")
    if action in ("relire", "valider") and releve.auteur_id == user.pk:
        raise ValidationError(
            "L'auteur d'un relevé ne peut ni le relire ni le valider : c'est le rôle d'une autre personne."
        )
    ancien = releve.statut
    releve.statut = arrivee
    if action == "relire":
        releve.relu_par = user
    elif action == "valider":
        releve.valide_par, releve.valide_le = user, timezone.now()
    elif action == "renvoyer":
        releve.relu_par = None
    releve.save()
    TransitionReleve.objects.create(releve=releve, de=ancien, vers=arrivee, par=user, commentaire=commentaire)
    url = reverse("suivi:releve", args=[releve.pk])
    if action == "soumettre":
        from .permissions import peut_modifier_fiche

        relecteurs = [u for u in membres_du_comite(releve.fiche.contrat) if u.pk != user.pk]
        relecteurs = [u for u in relecteurs if peut_modifier_fiche(u, releve.fiche)]
        notifier(
            relecteurs,
            TypeNotification.RELEVE_A_RELIRE,
            f"releve-a-relire-{releve.pk}-{releve.transitions.count()}",
            f"Relevé à relire : {releve.indicateur} (fiche {releve.fiche.numero_complet})",
            url,
        )
    elif action == "relire":
        valideurs = [releve.fiche.referent] if releve.fiche.referent_id else []
        notifier(
            [u for u in valideurs if u.pk != releve.auteur_id],
            TypeNotification.RELEVE_A_VALIDER,
            f"releve-a-valider-{releve.pk}-{releve.transitions.count()}",
            f"Relevé à valider : {releve.indicateur} (fiche {releve.fiche.numero_complet})",
            url,
        )
    return releve


def membres_du_comite(contrat):
    """Les utilisateurs qui écrivent sur le contrat (contributeurs, référents, administrateurs du territoire)."""
    from core.enums import ROLES_EDITION, Portee
    from core.models import Adhesion

    adhesions = (
        Adhesion.objects.couvrant_collectivite(contrat.collectivite)
        .filter(role__in=ROLES_EDITION)
        .exclude(institution__type__portee=Portee.NATIONALE)
        .select_related("utilisateur")
    )
    return list({a.utilisateur_id: a.utilisateur for a in adhesions}.values())


# --- Valeurs des indicateurs --------------------------------------------------------------------


@transaction.atomic
def enregistrer_valeurs(contrat, auteur, valeurs):
    """`valeurs` : {(indicateur_harmonise_id, annee, semestre): (valeur ou None, source)}. None efface."""
    existantes = {
        (v.indicateur_harmonise_id, v.annee, v.semestre): v
        for v in ValeurIndicateur.objects.filter(contrat=contrat, indicateur_harmonise__isnull=False)
    }
    for cle, (valeur, source) in valeurs.items():
        actuelle = existantes.get(cle)
        if valeur is None:
            if actuelle is not None:
                actuelle.delete()
            continue
        if actuelle is None:
            ValeurIndicateur.objects.create(
                contrat=contrat,
                indicateur_harmonise_id=cle[0],
                annee=cle[1],
                semestre=cle[2],
                valeur=valeur,
                source=source,
                saisi_par=auteur,
            )
        elif actuelle.valeur != valeur or actuelle.source != source:
            actuelle.valeur, actuelle.source, actuelle.saisi_par = valeur, source, auteur
            actuelle.save()


def enregistrer_valeur_fiche(indicateur, auteur, annee, valeur, source="", semestre=0):
    """Valeur d'un indicateur de fiche ; s'il est rattaché à un indicateur harmonisé, la valeur est celle du
    contrat (une seule saisie pour le tableau de bord et la fiche)."""
    contrat = indicateur.fiche.contrat
    if indicateur.indicateur_harmonise_id:
        cle = {"contrat": contrat, "indicateur_harmonise_id": indicateur.indicateur_harmonise_id}
    else:
        cle = {"contrat": contrat, "indicateur": indicateur}
    return ValeurIndicateur.objects.update_or_create(
        **cle, annee=annee, semestre=semestre, defaults={"valeur": valeur, "source": source, "saisi_par": auteur}
    )[0]


@transaction.atomic
def enregistrer_valeurs_fiche(fiche, auteur, valeurs):
    """`valeurs` : {(indicateur, annee): valeur ou None} ; None efface la valeur de l'année."""
    for (indicateur, annee), valeur in valeurs.items():
        if indicateur.indicateur_harmonise_id:
            cle = {"contrat": fiche.contrat, "indicateur_harmonise_id": indicateur.indicateur_harmonise_id}
        else:
            cle = {"contrat": fiche.contrat, "indicateur": indicateur}
        if valeur is None:
            ValeurIndicateur.objects.filter(**cle, annee=annee, semestre=0).delete()
        else:
            actuelle = ValeurIndicateur.objects.filter(**cle, annee=annee, semestre=0).first()
            if actuelle is None or actuelle.valeur != valeur:
                enregistrer_valeur_fiche(indicateur, auteur, annee, valeur, indicateur.source_donnees)
