import pytest

from core.enums import Role
from core.models import Collectivite, Departement, Region

from . import factories


@pytest.fixture
def cd13():
    return Collectivite.objects.get(slug="cd-13")


@pytest.fixture
def contrat13(db):
    return factories.contrat("cd-13")


@pytest.fixture
def contrat47(db):
    return factories.contrat("cd-47")


@pytest.fixture
def acteurs(db):
    """Un utilisateur par rôle et par type d'institution, sur les Bouches-du-Rhône (PACA) ; d'autres ailleurs."""
    paca, na = Region.objects.get(code="93"), Region.objects.get(code="75")
    d13, d47, d06 = (Departement.objects.get(code=c) for c in ("13", "47", "06"))
    cd13 = factories.institution("cd", Collectivite.objects.get(slug="cd-13"), nom="CD 13")
    cd47 = factories.institution("cd", Collectivite.objects.get(slug="cd-47"), nom="CD 47")
    ars_paca = factories.institution("ars", paca, nom="ARS PACA")
    ars_na = factories.institution("ars", na, nom="ARS NA")
    return {
        "referent_cd13": factories.membre(cd13, Role.REFERENT),
        "admin_cd13": factories.membre(cd13, Role.ADMINISTRATEUR),
        "contributeur_cd13": factories.membre(cd13, Role.CONTRIBUTEUR),
        "lecteur_cd13": factories.membre(cd13, Role.LECTEUR),
        "referent_cd47": factories.membre(cd47, Role.REFERENT),
        "referent_ars_paca": factories.membre(ars_paca, Role.REFERENT),
        "lecteur_ars_paca": factories.membre(ars_paca, Role.LECTEUR),
        "referent_ars_na": factories.membre(ars_na, Role.REFERENT),
        "referent_prefecture13": factories.membre(
            factories.institution("prefecture", d13, nom="Préf 13"), Role.REFERENT
        ),
        "referent_prefecture06": factories.membre(
            factories.institution("prefecture", d06, nom="Préf 06"), Role.REFERENT
        ),
        "contributeur_ddets13": factories.membre(
            factories.institution("ddets", d13, nom="DDETS 13"), Role.CONTRIBUTEUR
        ),
        "referent_ddets13": factories.membre(factories.institution("ddets", d13, nom="DDETS 13 bis"), Role.REFERENT),
        "lecteur_dreets_paca": factories.membre(factories.institution("dreets", paca, nom="DREETS PACA"), Role.LECTEUR),
        "lecteur_ddets47": factories.membre(factories.institution("ddets", d47, nom="DDETS 47"), Role.LECTEUR),
        "lecteur_dgcs": factories.membre(factories.institution("dgcs"), Role.LECTEUR),
        "admin_dgcs": factories.membre(factories.institution("dgcs"), Role.ADMINISTRATEUR),
        "lecteur_dgs": factories.membre(factories.institution("dgs"), Role.LECTEUR),
        "association": factories.membre(factories.institution("association", None, nom="Asso"), Role.CONTRIBUTEUR),
        "sans_institution": factories.UtilisateurFactory(),
    }


@pytest.fixture(autouse=True)
def cache_vide():
    """Chaque test part d'un cache vide (fragments de pages, compteurs de tentatives de connexion)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
