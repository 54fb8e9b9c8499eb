"""Qui peut faire quoi dans l'espace partagé (voir docs/permissions.md, section « Espace partagé »).

L'appartenance suit le territoire de l'institution : tout membre d'une institution qui a un territoire voit
l'espace national, l'espace de sa région et celui de son département ; une institution régionale voit aussi
les espaces des départements de sa région ; une institution nationale voit tout. Les animateurs invitent
en plus des personnes d'autres institutions (modèle `Membre`).
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q
from django.utils.functional import cached_property

from core.enums import ROLES_EDITION, ROLES_PILOTAGE, Portee
from core.models import Departement


@dataclass(frozen=True)
class Territoire:
    tous: bool = False
    national: bool = False
    regions: frozenset = frozenset()
    regions_entieres: frozenset = frozenset()  # régions dont on voit aussi les départements
    departements: frozenset = frozenset()
    animateur_partout: bool = False
    anime_national: bool = False
    regions_animees: frozenset = frozenset()
    departements_animes: frozenset = frozenset()
    contributeur: bool = False


def territoire_de(user):
    """Les espaces où l'utilisateur est chez lui, calculés une fois par requête (une requête au plus)."""
    if not user.is_authenticated:
        return Territoire()
    if hasattr(user, "_territoire_espace"):
        return user._territoire_espace
    perimetre = user.perimetre
    acces = [a for a in perimetre.acces if a.portee != Portee.AUCUNE]
    collectivites = {a.collectivite_id for a in acces if a.portee == Portee.COLLECTIVITE}
    directs = {a.departement_id for a in acces if a.portee == Portee.DEPARTEMENTALE}
    region_de, par_collectivite = {}, defaultdict(set)
    if collectivites or directs:
        lignes = Departement.objects.filter(Q(pk__in=directs) | Q(collectivites__in=collectivites))
        for pk, region_id, collectivite_id in lignes.values_list("pk", "region_id", "collectivites"):
            region_de[pk] = region_id
            if collectivite_id in collectivites:
                par_collectivite[collectivite_id].add(pk)

    def departements_de(a):
        if a.portee == Portee.DEPARTEMENTALE:
            return {a.departement_id}
        return par_collectivite[a.collectivite_id]

    regions, regions_entieres, departements = set(), set(), set()
    regions_animees, departements_animes = set(), set()
    for a in acces:
        anime = a.role in ROLES_PILOTAGE
        if a.portee == Portee.REGIONALE:
            regions.add(a.region_id)
            regions_entieres.add(a.region_id)
            if anime:
                regions_animees.add(a.region_id)
        elif a.portee in (Portee.DEPARTEMENTALE, Portee.COLLECTIVITE):
            for pk in departements_de(a):
                departements.add(pk)
                regions.add(region_de[pk])
                if anime:
                    departements_animes.add(pk)
    territoire = Territoire(
        tous=perimetre.national,
        national=bool(acces),
        regions=frozenset(regions),
        regions_entieres=frozenset(regions_entieres),
        departements=frozenset(departements),
        animateur_partout=perimetre.administrateur_national,
        anime_national=any(a.portee == Portee.NATIONALE and a.role in ROLES_PILOTAGE for a in acces),
        regions_animees=frozenset(regions_animees),
        departements_animes=frozenset(departements_animes),
        contributeur=any(a.role in ROLES_EDITION for a in perimetre.acces) or perimetre.superutilisateur,
    )
    user._territoire_espace = territoire
    return territoire


class Droits:
    """Les droits d'un utilisateur sur un espace, calculés une fois (une requête par question posée)."""

    def __init__(self, user, espace):
        self.user, self.espace = user, espace

    @cached_property
    def voit(self):
        from .models import Espace

        return Espace.objects.visibles_par(self.user).filter(pk=self.espace.pk).exists()

    @cached_property
    def anime(self):
        from .models import Espace

        return self.voit and Espace.objects.animes_par(self.user).filter(pk=self.espace.pk).exists()

    @cached_property
    def invite(self):
        return self.espace.membres.filter(utilisateur_id=self.user.pk).exists()

    @cached_property
    def contribue(self):
        """Déposer et commenter : les contributeurs, référents et administrateurs, les invités, les animateurs."""
        return self.voit and (territoire_de(self.user).contributeur or self.anime or self.invite)

    def modifie(self, ressource):
        return self.anime or (self.contribue and ressource.auteur_id == self.user.pk)


def peut_voir_espace(user, espace):
    return Droits(user, espace).voit


def peut_animer(user, espace):
    return Droits(user, espace).anime


def peut_contribuer(user, espace):
    return Droits(user, espace).contribue


def peut_telecharger(user, version):
    return version.telechargeable and peut_voir_espace(user, version.ressource.espace)
