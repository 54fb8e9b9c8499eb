"""Qui peut faire quoi sur un contrat. Le tableau complet est dans docs/permissions.md ; les vues et les
gabarits n'appellent que ces fonctions."""

from core.permissions import administrateur_national


def droit_nominatif(user, contrat, codename):
    """Permission d'objet django-guardian accordée nommément à cet utilisateur sur ce contrat (une requête)."""
    from .models import ContratUserObjectPermission

    return ContratUserObjectPermission.objects.filter(
        user=user, content_object=contrat, permission__codename=codename
    ).exists()


def peut_voir_contrat(user, contrat):
    return user.perimetre.voit(contrat.collectivite) or droit_nominatif(user, contrat, "view_contrat")


def peut_modifier_contrat(user, contrat):
    """Référent (ou administrateur local) d'une institution signataire du territoire — CD, ARS, préfecture —
    ou personne désignée nommément sur ce contrat (permission d'objet django-guardian)."""
    if user.perimetre.superutilisateur:
        return True
    return user.perimetre.pilote(contrat.collectivite) or droit_nominatif(user, contrat, "change_contrat")


def peut_gerer_referentiels(user):
    return administrateur_national(user)
