"""Le périmètre d'un utilisateur : quelles collectivités il voit, et avec quel rôle.

Une institution nationale (DGCS, DGS…) voit tout ; une institution régionale (ARS, DREETS) voit les
collectivités de sa région ; une institution départementale (DDETS, préfecture, PJJ…) celles qui couvrent
son département ; un conseil départemental sa propre collectivité.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q

from .enums import ROLES_EDITION, ROLES_PILOTAGE, Portee, Role


@dataclass(frozen=True)
class Acces:
    institution_id: int
    institution_nom: str
    portee: str
    collectivite_id: int | None
    region_id: int | None
    departement_id: int | None
    role: str
    signataire: bool

    def couvre(self, collectivite):
        if self.portee == Portee.NATIONALE:
            return True
        if self.portee == Portee.COLLECTIVITE:
            return self.collectivite_id == collectivite.pk
        if self.portee == Portee.REGIONALE:
            return self.region_id == collectivite.region_id
        if self.portee == Portee.DEPARTEMENTALE:
            return self.departement_id in collectivite.departement_ids
        return False


class Perimetre:
    def __init__(self, acces, superutilisateur=False):
        self.acces = tuple(acces)
        self.superutilisateur = superutilisateur

    @classmethod
    def de(cls, user):
        """Lu dans le cache (une requête SQL de moins sur chaque page) ; les signaux de `apps.py` l'effacent
        dès qu'une adhésion, une institution ou un type d'institution de l'utilisateur change."""
        if not user.is_authenticated:
            return cls(())
        acces = cache.get(cle_cache(user.pk))
        if acces is None:
            acces = acces_de(user)
            cache.set(cle_cache(user.pk), acces, 3600)
        return cls(acces, superutilisateur=user.is_superuser)

    @property
    def national(self):
        return self.superutilisateur or any(a.portee == Portee.NATIONALE for a in self.acces)

    @property
    def administrateur_national(self):
        return self.superutilisateur or any(
            a.portee == Portee.NATIONALE and a.role == Role.ADMINISTRATEUR for a in self.acces
        )

    @property
    def libelle_institutions(self):
        return ", ".join(sorted({a.institution_nom for a in self.acces}))

    @property
    def institution_ids(self):
        return {a.institution_id for a in self.acces}

    def acces_sur(self, collectivite):
        return [a for a in self.acces if a.couvre(collectivite)]

    def voit(self, collectivite):
        return self.superutilisateur or bool(self.acces_sur(collectivite))

    def contribue_a(self, collectivite):
        """Membre du comité technique qui peut écrire (contributeur, référent ou administrateur local)."""
        return any(a.role in ROLES_EDITION and a.portee != Portee.NATIONALE for a in self.acces_sur(collectivite))

    def pilote(self, collectivite):
        """Référent d'une institution signataire (CD, ARS, préfecture) du territoire."""
        return any(
            a.role in ROLES_PILOTAGE and a.signataire and a.portee != Portee.NATIONALE
            for a in self.acces_sur(collectivite)
        )

    def collectivites_visibles(self):
        """Les collectivités visibles, en sous-requête.

        Usage : `.filter(collectivite__in=perimetre.collectivites_visibles())`."""
        from .models import Collectivite

        if self.national:
            return Collectivite.objects.values("pk")
        collectivites = {a.collectivite_id for a in self.acces if a.portee == Portee.COLLECTIVITE}
        regions = {a.region_id for a in self.acces if a.portee == Portee.REGIONALE}
        departements = {a.departement_id for a in self.acces if a.portee == Portee.DEPARTEMENTALE}
        return Collectivite.objects.filter(
            Q(pk__in=collectivites) | Q(region_id__in=regions) | Q(departements__in=departements)
        ).values("pk")


def cle_cache(utilisateur_id):
    return f"perimetre:{utilisateur_id}"


def acces_de(user):
    from .models import Adhesion

    return tuple(
        Acces(
            institution_id=a.institution_id,
            institution_nom=a.institution.nom,
            portee=a.institution.type.portee,
            collectivite_id=a.institution.collectivite_id,
            region_id=a.institution.region_id,
            departement_id=a.institution.departement_id,
            role=a.role,
            signataire=a.institution.type.signataire_contrat,
        )
        for a in Adhesion.objects.filter(utilisateur=user).select_related("institution__type")
    )


def oublier_perimetres(sender, instance, **kwargs):
    """Efface du cache le périmètre des utilisateurs touchés par une adhésion, une institution ou un type
    d'institution enregistré ou supprimé."""
    from .models import Adhesion, Institution

    if isinstance(instance, Adhesion):
        utilisateurs = [instance.utilisateur_id]
    elif isinstance(instance, Institution):
        utilisateurs = Adhesion.objects.filter(institution=instance).values_list("utilisateur_id", flat=True)
    else:
        utilisateurs = Adhesion.objects.filter(institution__type=instance).values_list("utilisateur_id", flat=True)
    cles = [cle_cache(pk) for pk in utilisateurs]
    cache.delete_many(cles)
    # Encore après la validation : une requête servie entre-temps a pu remettre en cache l'ancien périmètre.
    transaction.on_commit(lambda: cache.delete_many(cles))
