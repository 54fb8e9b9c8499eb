"""La matrice de docs/permissions.md, appliquée aux vues du contrat : chaque rôle du territoire, d'un autre
territoire et national obtient exactement ce qui est écrit, ni plus ni moins."""

import pytest
from django.urls import reverse
from guardian.shortcuts import assign_perm

LECTURE = {
    "referent_cd13",
    "admin_cd13",
    "contributeur_cd13",
    "lecteur_cd13",
    "referent_ars_paca",
    "lecteur_ars_paca",
    "referent_prefecture13",
    "contributeur_ddets13",
    "referent_ddets13",
    "lecteur_dreets_paca",
    "lecteur_dgcs",
    "admin_dgcs",
    "lecteur_dgs",
}
MODIFICATION = {"referent_cd13", "admin_cd13", "referent_ars_paca", "referent_prefecture13"}
TOUS = [
    "referent_cd13",
    "admin_cd13",
    "contributeur_cd13",
    "lecteur_cd13",
    "referent_cd47",
    "referent_ars_paca",
    "lecteur_ars_paca",
    "referent_ars_na",
    "referent_prefecture13",
    "referent_prefecture06",
    "contributeur_ddets13",
    "referent_ddets13",
    "lecteur_dreets_paca",
    "lecteur_ddets47",
    "lecteur_dgcs",
    "admin_dgcs",
    "lecteur_dgs",
    "association",
    "sans_institution",
]
VUES_LECTURE = ["contractualisation:contrat", "contractualisation:historique"]
VUES_MODIFICATION = [
    "contractualisation:contrat_modifier",
    "contractualisation:objectifs_modifier",
    "contractualisation:signataires_modifier",
    "contractualisation:financements_modifier",
    "contractualisation:avenant_ajouter",
]


@pytest.mark.parametrize("acteur", TOUS)
def test_lecture_du_contrat_selon_la_matrice(client, acteurs, contrat13, acteur):
    client.force_login(acteurs[acteur])
    for vue in VUES_LECTURE:
        reponse = client.get(reverse(vue, args=[contrat13.slug]))
        assert reponse.status_code == (200 if acteur in LECTURE else 403), (vue, acteur)


@pytest.mark.parametrize("acteur", TOUS)
def test_modification_du_contrat_selon_la_matrice(client, acteurs, contrat13, acteur):
    client.force_login(acteurs[acteur])
    for vue in VUES_MODIFICATION:
        url = reverse(vue, args=[contrat13.slug])
        attendu = 200 if acteur in MODIFICATION else 403
        assert client.get(url).status_code == attendu, (vue, acteur)
        if acteur not in MODIFICATION:
            assert client.post(url, {"statut": "echu"}).status_code == 403, (vue, acteur)
    contrat13.refresh_from_db()
    assert contrat13.statut == "en_preparation"


@pytest.mark.parametrize("acteur", TOUS)
def test_liste_des_contrats_limitee_au_territoire(client, acteurs, contrat13, contrat47, acteur):
    client.force_login(acteurs[acteur])
    page = client.get(reverse("accueil")).content.decode()
    assert (contrat13.get_absolute_url() in page) == (acteur in LECTURE)
    nationaux = {"lecteur_dgcs", "admin_dgcs", "lecteur_dgs"}
    voit_47 = acteur in nationaux | {"referent_cd47", "referent_ars_na", "lecteur_ddets47"}
    assert (contrat47.get_absolute_url() in page) == voit_47


@pytest.mark.parametrize("acteur", TOUS)
def test_referentiels_reserves_a_l_administration_nationale(client, acteurs, acteur):
    client.force_login(acteurs[acteur])
    attendu = 200 if acteur == "admin_dgcs" else 403
    assert client.get(reverse("contractualisation:referentiels")).status_code == attendu
    assert client.get(reverse("contractualisation:referentiel", args=["objectifs"])).status_code == attendu
    reponse = client.post(
        reverse("contractualisation:referentiel_ajouter", args=["sources"]),
        {"code": "caf", "libelle": "CAF", "categorie": "autre", "ordre": 9},
    )
    assert reponse.status_code == (302 if acteur == "admin_dgcs" else 403)


def test_permission_nominative_guardian(client, acteurs, contrat13, contrat47):
    """Un agent désigné nommément sur un contrat (django-guardian) le voit et le modifie, et celui-là seulement."""
    agent = acteurs["lecteur_ddets47"]
    assign_perm("contractualisation.change_contrat", agent, contrat13)
    assign_perm("contractualisation.view_contrat", agent, contrat13)
    client.force_login(agent)
    assert client.get(reverse("contractualisation:contrat_modifier", args=[contrat13.slug])).status_code == 200
    assert contrat13.get_absolute_url() in client.get(reverse("accueil")).content.decode()
    assert client.get(reverse("contractualisation:contrat_modifier", args=[contrat47.slug])).status_code == 403


def test_anonyme_renvoye_vers_la_connexion(client, contrat13):
    reponse = client.get(contrat13.get_absolute_url())
    assert reponse.status_code == 302
    assert reponse["Location"].startswith(reverse("login"))
