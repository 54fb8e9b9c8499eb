import pytest
from django.db import connection
from django.urls import reverse

from espace_partage.models import Ressource

from .conftest import espace_departement, espace_national, ressource

pytestmark = pytest.mark.django_db
postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="recherche plein texte PostgreSQL")
sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="repli SQLite")


@pytest.fixture
def corpus(acteurs):
    auteur = acteurs["contributeur_cd13"]
    ressource(espace_national(), auteur, titre="Référentiel de la visite à domicile", fichier=False)
    ressource(
        espace_departement("13"),
        auteur,
        titre="Protocole de recueil des informations préoccupantes",
        resume="Circuit de la CRIP, délais et modèles de courriers.",
        fichier=False,
    )
    ressource(
        espace_departement("47"), acteurs["referent_cd47"], titre="Protocole CRIP du Lot-et-Garonne", fichier=False
    )
    return auteur


def titres(client, q):
    reponse = client.get(reverse("espace_partage:recherche"), {"q": q})
    assert reponse.status_code == 200
    return sorted(r.titre for r in reponse.context["page"].object_list)


@postgresql
def test_plein_texte_francais_sans_accents(client, acteurs, corpus):
    client.force_login(acteurs["lecteur_cd13"])
    assert titres(client, "visite a domicile") == ["Référentiel de la visite à domicile"]
    assert titres(client, "REFERENTIELS") == ["Référentiel de la visite à domicile"]  # racine et accents
    assert titres(client, "protocoles préoccupante") == ["Protocole de recueil des informations préoccupantes"]
    assert titres(client, "courrier") == ["Protocole de recueil des informations préoccupantes"]


@sqlite
def test_repli_sqlite_par_mots(client, acteurs, corpus):
    client.force_login(acteurs["lecteur_cd13"])
    assert titres(client, "visite domicile") == ["Référentiel de la visite à domicile"]
    assert titres(client, "protocoles") == ["Protocole de recueil des informations préoccupantes"]


def test_recherche_limitee_aux_espaces_visibles(client, acteurs, corpus):
    client.force_login(acteurs["referent_cd47"])
    assert titres(client, "protocole") == ["Protocole CRIP du Lot-et-Garonne"]
    client.force_login(acteurs["lecteur_dgcs"])
    assert len(titres(client, "protocole")) == 2


def test_recherche_par_theme(client, acteurs, corpus):
    r = Ressource.objects.get(titre__startswith="Référentiel")
    r.themes.create(libelle="Périnatalité")
    client.force_login(acteurs["lecteur_cd13"])
    assert titres(client, "périnatalité") == ["Référentiel de la visite à domicile"]


def test_les_ressources_archivees_ne_sont_pas_trouvees(client, acteurs, corpus):
    Ressource.objects.filter(titre__startswith="Référentiel").update(archivee=True)
    client.force_login(acteurs["lecteur_cd13"])
    assert titres(client, "domicile") == []


def test_aucun_resultat_est_annonce(client, acteurs, corpus):
    client.force_login(acteurs["lecteur_cd13"])
    reponse = client.get(reverse("espace_partage:recherche"), {"q": "introuvable"})
    assert "Aucun résultat pour « introuvable »" in reponse.content.decode()
