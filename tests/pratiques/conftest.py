import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.utils import timezone

from core.enums import Role
from core.models import Departement
from core.referentiels import GROUPE_COMITE_SELECTION
from pratiques.enums import Accord, Liste, StatutPratique
from pratiques.models import Modalite, Pratique
from tests import factories


@pytest.fixture(autouse=True)
def compteurs_remis_a_zero():
    """Le limiteur d'envois compte dans le cache : chaque test part de zéro."""
    cache.clear()
    yield
    cache.clear()


def modalite(liste, libelle=None):
    qs = Modalite.objects.filter(liste=liste)
    return qs.get(libelle=libelle) if libelle else qs.first()


def pratique(statut=StatutPratique.DEPOSEE, departement="13", accord=Accord.ATTENDU, **champs):
    dep = Departement.objects.select_related("region").get(code=departement)
    valeurs = {
        "statut": statut,
        "etape": 4,
        "conditions_acceptees": True,
        "courriel_declarant": "declarant@exemple.fr",
        "date_mise_en_oeuvre": timezone.localdate().replace(year=2020),
        "entite": "Association Les Petits Pas",
        "intitule": "Accueil de jour parents-enfants",
        "description": "Un lieu d'accueil pour les familles.",
        "echelle": modalite(Liste.ECHELLE),
        "type_intervention": modalite(Liste.TYPE_INTERVENTION),
        "thematique": modalite(Liste.THEMATIQUE),
        "public": modalite(Liste.PUBLIC),
        "relais": modalite(Liste.RELAIS),
        "region": dep.region,
        "departement": dep,
        "contact_nom": "Camille Durand",
        "contact_fonction": "Directrice",
        "contact_courriel": "contact@exemple.fr",
        "accord": accord,
        "deposee_le": timezone.now(),
    }
    if statut == StatutPratique.PUBLIEE:
        valeurs["publiee_le"] = timezone.now()
        valeurs["accord"] = Accord.ACCORDE
    valeurs.update(champs)
    return Pratique.objects.create(**valeurs)


@pytest.fixture
def comite(db):
    """Deux membres du comité de sélection : l'un de l'ONPE, l'autre d'une association."""
    onpe = factories.membre(factories.institution("fep"), Role.CONTRIBUTEUR)
    association = factories.membre(
        factories.institution("association", None, nom="Association Les Petits Pas"), Role.CONTRIBUTEUR
    )
    groupe = Group.objects.get(name=GROUPE_COMITE_SELECTION)
    groupe.user_set.add(onpe, association)
    return {"onpe": onpe, "association": association}
