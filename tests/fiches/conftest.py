import pytest
from django.test import Client

from contractualisation.models import SourceFinancement
from fiches import services


@pytest.fixture
def fiche13(contrat13, acteurs):
    oc = contrat13.objectifs_contrat.select_related("objectif").get(objectif__numero=7)
    return services.creer_fiche(
        contrat13, oc, titre="Développer l'accueil familial", referent=acteurs["contributeur_cd13"]
    )


@pytest.fixture
def sources():
    return {s.code: s for s in SourceFinancement.objects.all()}


def connecte(user):
    client = Client()
    client.force_login(user)
    return client
