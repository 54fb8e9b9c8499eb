"""Fabriques de données de test, partagées par toutes les applications."""

import factory
from django.contrib.auth.hashers import make_password

from contractualisation import services
from contractualisation.models import Cycle
from core.enums import Role
from core.models import Adhesion, Collectivite, Departement, Institution, Region, TypeInstitution, Utilisateur

MOT_DE_PASSE = "Mot-de-passe-de-test-1"


class UtilisateurFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Utilisateur
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"agent{n}@test.gouv.fr")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.LazyFunction(lambda: make_password(MOT_DE_PASSE))


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    nom = factory.Sequence(lambda n: f"Institution {n}")
    type = factory.LazyFunction(lambda: TypeInstitution.objects.get(code="cd"))


def institution(code_type, territoire=None, nom=None):
    """Une institution d'un type donné sur un territoire (Collectivite, Region ou Departement)."""
    type_ = TypeInstitution.objects.get(code=code_type)
    champs = {}
    if isinstance(territoire, Collectivite):
        champs["collectivite"] = territoire
    elif isinstance(territoire, Region):
        champs["region"] = territoire
    elif isinstance(territoire, Departement):
        champs["departement"] = territoire
    if territoire is None and code_type in {"dgcs", "dgs", "fep"}:
        return Institution.objects.filter(type=type_).first()
    return InstitutionFactory(
        type=type_,
        nom=nom or f"{type_.code.upper()} {territoire or ''} {Institution.objects.count()}",
        **champs,
    )


def membre(institution_, role=Role.LECTEUR, **kwargs):
    user = UtilisateurFactory(**kwargs)
    Adhesion.objects.create(utilisateur=user, institution=institution_, role=role)
    return user


def contrat(collectivite_slug="cd-13", cycle="2025-2027", **champs):
    return services.creer_contrat(
        Collectivite.objects.get(slug=collectivite_slug), Cycle.objects.get(libelle=cycle), **champs
    )
