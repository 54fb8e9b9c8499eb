import pytest

from demo.donnees import creer_donnees_demo
from espace_partage import donnees_demo
from espace_partage.models import Actualite, Ressource, VersionFichier

from .conftest import espace_departement, espace_national, espace_region

pytestmark = pytest.mark.django_db


def test_donnees_de_demo_realistes_et_idempotentes(media):
    creer_donnees_demo()
    for espace in (espace_national(), espace_region("93"), espace_departement("13")):
        assert espace.ressources.count() >= 2
        assert espace.ressources.filter(mise_en_avant_le__isnull=False).count() == 1
    nombre = Ressource.objects.count()
    donnees_demo.peupler()
    assert Ressource.objects.count() == nombre and Actualite.objects.count() == 2
    pdf = VersionFichier.objects.get(nom_original="protocole-crip-13.pdf")
    with pdf.fichier.open("rb") as flux:
        contenu = flux.read()
    assert contenu.startswith(b"%PDF") and pdf.taille == len(contenu) > 1000
    assert VersionFichier.objects.filter(nom_original__endswith=".csv").count() == 3
