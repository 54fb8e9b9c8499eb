"""Qui peut faire quoi sur les pratiques inspirantes (tableau dans docs/permissions.md). Les vues et les
gabarits n'appellent que ces fonctions."""

from django.db.models import Q

from core.enums import ROLES_EDITION, ROLES_PILOTAGE, Portee
from core.referentiels import GROUPE_COMITE_SELECTION

TYPE_ONPE = "fep"


def membre_comite(user):
    if not user.is_authenticated:
        return False
    if not hasattr(user, "_membre_comite"):
        user._membre_comite = user.is_superuser or user.groups.filter(name=GROUPE_COMITE_SELECTION).exists()
    return user._membre_comite


def redacteur_onpe(user):
    """Équipe de l'ONPE / France Enfance Protégée (contributeur ou plus), ou membre du comité."""
    if not user.is_authenticated:
        return False
    from core.models import Adhesion

    return membre_comite(user) or (
        Adhesion.objects.filter(utilisateur=user, institution__type__code=TYPE_ONPE, role__in=ROLES_EDITION).exists()
    )


def peut_gerer_listes(user):
    return user.is_authenticated and (user.perimetre.administrateur_national or membre_comite(user))


def collectivites_representees(user):
    """Les collectivités dont l'utilisateur peut engager l'accord : référent ou administrateur du Département."""
    if not user.is_authenticated:
        return set()
    return {
        a.collectivite_id
        for a in user.perimetre.acces
        if a.portee == Portee.COLLECTIVITE and a.role in ROLES_PILOTAGE and a.collectivite_id
    }


def peut_donner_accord(user, pratique):
    from core.models import Collectivite

    ids = collectivites_representees(user)
    return bool(
        ids
        and pratique.departement_id
        and Collectivite.objects.filter(pk__in=ids, departements=pratique.departement_id).exists()
    )


def de_l_entite_declarante(user, pratique):
    """Le membre appartient à l'entité qui déclare : institution du déclarant, ou même nom d'entité."""
    if not user.is_authenticated:
        return False
    if pratique.institution_declarante_id and pratique.institution_declarante_id in user.perimetre.institution_ids:
        return True
    if pratique.declarant_id == user.pk:
        return True
    from core.models import Institution

    nom = pratique.entite.strip()
    return (
        bool(nom) and Institution.objects.filter(Q(pk__in=user.perimetre.institution_ids) & Q(nom__iexact=nom)).exists()
    )


def peut_donner_avis(user, pratique):
    return membre_comite(user) and not de_l_entite_declarante(user, pratique)
