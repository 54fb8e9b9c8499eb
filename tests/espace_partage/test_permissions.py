"""Qui voit, alimente et anime quels espaces (docs/permissions.md, section « Espace partagé »)."""

import pytest
from django.urls import reverse

from espace_partage import services
from espace_partage.models import Espace
from espace_partage.permissions import Droits

from .conftest import espace_departement, espace_national, espace_region, ressource

pytestmark = pytest.mark.django_db

# acteur → (espaces vus parmi national, PACA, Nouvelle-Aquitaine, 13, 06, 47 ; espaces animés)
TOUS = {"national", "paca", "na", "13", "06", "47"}
MATRICE = {
    "lecteur_cd13": ({"national", "paca", "13"}, set()),
    "contributeur_cd13": ({"national", "paca", "13"}, set()),
    "referent_cd13": ({"national", "paca", "13"}, {"13"}),
    "admin_cd13": ({"national", "paca", "13"}, {"13"}),
    "referent_cd47": ({"national", "na", "47"}, {"47"}),
    "referent_ars_paca": ({"national", "paca", "13", "06"}, {"paca"}),
    "lecteur_ars_paca": ({"national", "paca", "13", "06"}, set()),
    "referent_ars_na": ({"national", "na", "47"}, {"na"}),
    "referent_prefecture13": ({"national", "paca", "13"}, {"13"}),
    "referent_prefecture06": ({"national", "paca", "06"}, {"06"}),
    "contributeur_ddets13": ({"national", "paca", "13"}, set()),
    "lecteur_ddets47": ({"national", "na", "47"}, set()),
    "lecteur_dgcs": (TOUS, set()),
    "admin_dgcs": (TOUS, TOUS),
    "association": (set(), set()),
    "sans_institution": (set(), set()),
}


def espaces_tests():
    return {
        "national": espace_national(),
        "paca": espace_region("93"),
        "na": espace_region("75"),
        "13": espace_departement("13"),
        "06": espace_departement("06"),
        "47": espace_departement("47"),
    }


def test_un_espace_national_un_par_region_et_par_departement():
    from core.models import Departement, Region

    assert Espace.objects.filter(niveau="national").count() == 1
    assert Espace.objects.filter(niveau="regional").count() == Region.objects.count()
    assert Espace.objects.filter(niveau="departemental").count() == Departement.objects.count()
    services.creer_espaces()  # idempotent
    assert Espace.objects.count() == 1 + Region.objects.count() + Departement.objects.count()


@pytest.mark.parametrize("nom", MATRICE)
def test_espaces_vus_et_animes(acteurs, nom):
    user = acteurs[nom]
    vus, animes = MATRICE[nom]
    espaces = espaces_tests()
    assert {cle for cle, e in espaces.items() if Droits(user, e).voit} == vus
    assert {cle for cle, e in espaces.items() if Droits(user, e).anime} == animes
    visibles = set(Espace.objects.visibles_par(user).filter(pk__in=[e.pk for e in espaces.values()]))
    assert visibles == {espaces[c] for c in vus}


@pytest.mark.parametrize(
    "nom,contribue",
    [
        ("lecteur_cd13", False),
        ("contributeur_cd13", True),
        ("referent_cd13", True),
        ("contributeur_ddets13", True),
        ("lecteur_dgcs", False),
        ("admin_dgcs", True),
        ("referent_cd47", False),
        ("association", False),
    ],
)
def test_qui_depose_dans_l_espace_du_13(acteurs, nom, contribue):
    assert Droits(acteurs[nom], espace_departement("13")).contribue is contribue


def test_une_invitation_ouvre_l_espace_a_une_autre_institution(acteurs):
    espace13 = espace_departement("13")
    association = acteurs["association"]
    assert not Droits(association, espace13).voit
    services.inviter(espace13, acteurs["referent_cd13"], association)
    association = type(association).objects.get(pk=association.pk)  # nouveau calcul des droits
    droits = Droits(association, espace13)
    assert droits.voit and droits.contribue and not droits.anime
    assert not Droits(association, espace_departement("47")).voit


class TestEspaceDepartementalFermeAuxAutresDepartements:
    """Un agent d'un autre département ne liste, ne trouve, ni ne télécharge les fichiers du 13."""

    @pytest.fixture
    def version13(self, acteurs):
        r = ressource(espace_departement("13"), acteurs["contributeur_cd13"], titre="Protocole local bouchonnier")
        return r.versions.get()

    @pytest.mark.parametrize("nom", ["referent_cd47", "lecteur_ddets47", "referent_prefecture06", "association"])
    def test_refus_partout(self, client, acteurs, version13, nom):
        client.force_login(acteurs[nom])
        ressource13 = version13.ressource
        espace13 = ressource13.espace
        assert client.get(reverse("espace_partage:espace", args=[espace13.pk])).status_code == 403
        assert client.get(reverse("espace_partage:archives", args=[espace13.pk])).status_code == 403
        assert client.get(reverse("espace_partage:ajouter", args=[espace13.pk])).status_code == 403
        assert client.get(ressource13.get_absolute_url()).status_code == 403
        assert client.get(version13.get_absolute_url()).status_code == 403
        assert client.post(ressource13.get_absolute_url(), {"texte": "Intrusion"}).status_code == 403
        reponse = client.get(reverse("espace_partage:recherche"), {"q": "bouchonnier"})
        assert "Protocole local bouchonnier" not in reponse.content.decode()
        accueil = client.get(reverse("espace_partage:accueil")).content.decode()
        assert "Protocole local bouchonnier" not in accueil and espace13.nom not in accueil
        choix = client.get(reverse("espace_partage:choisir"), {"q": "bouchonnier"}).content.decode()
        assert "Protocole local bouchonnier" not in choix

    def test_le_meme_parcours_reussit_pour_un_membre_du_13(self, client, acteurs, version13):
        client.force_login(acteurs["lecteur_cd13"])
        assert client.get(version13.ressource.espace.get_absolute_url()).status_code == 200
        assert client.get(version13.get_absolute_url()).status_code == 200
        reponse = client.get(reverse("espace_partage:recherche"), {"q": "bouchonnier"})
        assert "Protocole local bouchonnier" in reponse.content.decode()


@pytest.mark.parametrize(
    "nom,attendu", [("lecteur_cd13", 403), ("contributeur_cd13", 403), ("referent_cd13", 302), ("admin_dgcs", 302)]
)
def test_seuls_les_animateurs_mettent_en_avant_archivent_publient(client, acteurs, nom, attendu):
    r = ressource(espace_departement("13"), acteurs["contributeur_cd13"])
    client.force_login(acteurs[nom])
    assert client.post(reverse("espace_partage:mettre_en_avant", args=[r.pk])).status_code == attendu
    assert client.post(reverse("espace_partage:archiver", args=[r.pk])).status_code == attendu
    url = reverse("espace_partage:actualite", args=[r.espace_id])
    assert client.post(url, {"titre": "Réunion", "texte": "Le 12."}).status_code == attendu
    assert client.get(reverse("espace_partage:inviter", args=[r.espace_id])).status_code == (
        403 if attendu == 403 else 200
    )


def test_l_auteur_depose_une_nouvelle_version_pas_un_autre_contributeur(client, acteurs):
    r = ressource(espace_departement("13"), acteurs["contributeur_cd13"])
    client.force_login(acteurs["contributeur_ddets13"])
    assert client.get(reverse("espace_partage:nouvelle_version", args=[r.pk])).status_code == 403
    client.force_login(acteurs["contributeur_cd13"])
    assert client.get(reverse("espace_partage:nouvelle_version", args=[r.pk])).status_code == 200
