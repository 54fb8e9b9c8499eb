"""Qui peut faire quoi sur les rapports et les exports (docs/permissions.md, section « Rapports et exports »)."""

from contractualisation.permissions import peut_modifier_contrat, peut_voir_contrat
from core.enums import ROLES_EDITION, Portee
from core.permissions import lecteur_national


def peut_voir_rapport(user, contrat):
    """Lire le rapport et télécharger les exports d'un contrat (PDF, Excel, plan d'action, tableau de bord) :
    quiconque voit le contrat, directions nationales comprises."""
    return peut_voir_contrat(user, contrat)


def peut_rediger_rapport(user, contrat):
    """Le Département prépare le rapport : ses contributeurs, référents et administrateurs rédigent les parties
    écrites et saisissent les crédits engagés et dépensés ; les pilotes du contrat (CD, ARS, préfecture) aussi."""
    if peut_modifier_contrat(user, contrat):
        return True
    return any(
        a.portee == Portee.COLLECTIVITE and a.role in ROLES_EDITION
        for a in user.perimetre.acces_sur(contrat.collectivite)
    )


def peut_faire_avancer_rapport(user, contrat):
    """Enregistrer une étape du chemin (proposé, avis de l'ODPE, arrêté, délibération, transmis) : les pilotes
    du contrat, c'est-à-dire les référents des institutions signataires du territoire."""
    return peut_modifier_contrat(user, contrat)


def peut_voir_page_nationale(user):
    """La page nationale et le classeur national : les directions nationales (DGCS, DGS, ONPE/FEP)."""
    return lecteur_national(user)
