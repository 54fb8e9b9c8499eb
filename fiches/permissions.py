"""Qui peut faire quoi sur une fiche (docs/permissions.md). `suivi` et `rapports` s'en servent aussi."""

from contractualisation.permissions import peut_modifier_contrat, peut_voir_contrat


def peut_voir_fiche(user, fiche):
    return peut_voir_contrat(user, fiche.contrat)


def peut_contribuer_contrat(user, contrat):
    """Contributeur, référent ou administrateur d'une institution du territoire (comité technique)."""
    return user.perimetre.contribue_a(contrat.collectivite) or peut_modifier_contrat(user, contrat)


def peut_modifier_fiche(user, fiche):
    """Les contributeurs du contrat, et le référent nommé de la fiche (« modifier les fiches que je pilote »)."""
    return fiche.referent_id == user.pk or peut_contribuer_contrat(user, fiche.contrat)


def peut_commenter_fiche(user, fiche):
    """Les membres du comité technique : toute personne d'une institution du territoire (même lectrice),
    et ceux qui peuvent modifier la fiche. Les lecteurs nationaux lisent sans commenter."""
    return peut_modifier_et_commenter(user, fiche)[1]


def peut_modifier_et_commenter(user, fiche):
    """Les deux droits que montre la page d'une fiche, le droit de modifier évalué une seule fois (pour un lecteur,
    il demande une requête : la permission nominative sur le contrat)."""
    from core.enums import Portee

    modifier = peut_modifier_fiche(user, fiche)
    commenter = modifier or any(
        a.portee != Portee.NATIONALE for a in user.perimetre.acces_sur(fiche.contrat.collectivite)
    )
    return modifier, commenter
