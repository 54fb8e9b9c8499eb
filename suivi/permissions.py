"""Qui peut faire quoi dans le suivi d'un contrat (docs/permissions.md, section « Suivi »). Les vues et les
gabarits n'appellent que ces fonctions."""

from contractualisation.permissions import peut_voir_contrat
from core.enums import ROLES_PILOTAGE, Portee
from fiches.permissions import peut_contribuer_contrat, peut_modifier_fiche

from .enums import StatutReleve


def peut_voir_suivi(user, contrat):
    """Lecteurs du territoire, lecteurs nationaux et personnes désignées sur le contrat."""
    return peut_voir_contrat(user, contrat)


def peut_animer_reunions(user, contrat):
    """Planifier une réunion, tenir la séance, saisir le compte rendu et le valider : le comité technique."""
    return peut_contribuer_contrat(user, contrat)


def peut_saisir_valeurs(user, contrat):
    return peut_contribuer_contrat(user, contrat)


def chef_de_service(user, contrat):
    """Référent ou administrateur d'une institution du territoire (le « chef de service ou référent
    d'objectif » de l'étape 4 de l'aide aux indicateurs qualitatifs)."""
    return any(
        a.role in ROLES_PILOTAGE and a.portee != Portee.NATIONALE
        for a in user.perimetre.acces_sur(contrat.collectivite)
    )


def peut_rediger_releve(user, fiche, collecteur_ids=()):
    """Les contributeurs du contrat, le référent de la fiche et les collecteurs désignés de l'indicateur."""
    return user.pk in collecteur_ids or peut_modifier_fiche(user, fiche)


def peut_modifier_releve(user, releve):
    """Un relevé se modifie tant qu'il est en brouillon ; un relevé validé ne se modifie plus."""
    return releve.statut == StatutReleve.BROUILLON and (
        releve.auteur_id == user.pk or peut_modifier_fiche(user, releve.fiche)
    )


def peut_relire_releve(user, releve):
    """Le binôme : un membre du comité technique (ou le référent de la fiche) qui n'est pas l'auteur."""
    return (
        releve.statut == StatutReleve.SOUMIS and releve.auteur_id != user.pk and peut_modifier_fiche(user, releve.fiche)
    )


def peut_valider_releve(user, releve):
    """Le référent de la fiche ou un chef de service du territoire, jamais l'auteur."""
    if releve.statut != StatutReleve.RELU or releve.auteur_id == user.pk:
        return False
    return releve.fiche.referent_id == user.pk or chef_de_service(user, releve.fiche.contrat)
