"""Qui peut faire quoi sur un contrat. Le tableau complet est dans docs/permissions.md ; les vues et les
gabarits n'appellent que ces fonctions."""

from core.permissions import administrateur_national


def peut_voir_contrat(user, contrat):
    return user.perimetre.voit(contrat.collectivite) or user.has_perm("contractualisation.view_contrat", contrat)


def peut_modifier_contrat(user, contrat):
    """Référent (ou administrateur local) d'une institution signataire du territoire — CD, ARS, préfecture —
    ou personne désignée nommément sur ce contrat (permission d'objet django-guardian)."""
    return user.perimetre.pilote(contrat.collectivite) or user.has_perm("contractualisation.change_contrat", contrat)


def peut_gerer_referentiels(user):
    return administrateur_national(user)
