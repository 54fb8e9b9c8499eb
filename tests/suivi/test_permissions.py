"""La section « Suivi » de docs/permissions.md, case par case : le comité technique du territoire anime les
réunions et saisit ; les lecteurs du territoire et les lecteurs nationaux lisent ; les autres sont refusés."""

import pytest
from django.urls import reverse
from django.utils import timezone

from suivi import services
from suivi.models import Decision, Reunion

from ..contractualisation.test_permissions import LECTURE, TOUS
from . import fabriques

pytestmark = pytest.mark.django_db

ANIMATION = {
    "referent_cd13",
    "admin_cd13",
    "contributeur_cd13",
    "referent_ars_paca",
    "referent_prefecture13",
    "contributeur_ddets13",
    "referent_ddets13",
}


@pytest.fixture
def suivi13(acteurs, contrat13):
    fiche = fabriques.fiche(contrat13, referent=acteurs["referent_cd13"])
    indicateur = fabriques.indicateur_qualitatif(fiche)
    reunion = fabriques.reunion(contrat13, acteurs["referent_cd13"], [fiche], jours=-1)
    releve = services.creer_releve(
        indicateur, acteurs["contributeur_cd13"], date_observation=timezone.localdate(), situation="s", faits="f"
    )
    return {
        "fiche": fiche,
        "indicateur": indicateur,
        "reunion": reunion,
        "point": reunion.points.get(),
        "releve": releve,
    }


def urls_lecture(contrat, s):
    r, p = s["reunion"].pk, s["point"].pk
    return [
        reverse("suivi:tableau_de_bord", args=[contrat.slug]),
        reverse("suivi:tableau_pmi", args=[contrat.slug]),
        reverse("suivi:ordre_du_jour", args=[r]),
        reverse("suivi:projection", args=[r]),
        reverse("suivi:projection_cases", args=[r, p]),
        reverse("suivi:invitation", args=[r]),
        reverse("suivi:releves_fiche", args=[s["fiche"].pk]),
        reverse("suivi:releve", args=[s["releve"].pk]),
    ]


@pytest.mark.parametrize("acteur", TOUS)
def test_lecture_du_suivi_selon_la_matrice(client, acteurs, contrat13, suivi13, acteur):
    client.force_login(acteurs[acteur])
    for url in urls_lecture(contrat13, suivi13):
        assert client.get(url).status_code == (200 if acteur in LECTURE else 403), (url, acteur)


@pytest.mark.parametrize("acteur", TOUS)
def test_animation_et_saisie_selon_la_matrice(client, acteurs, contrat13, suivi13, acteur):
    client.force_login(acteurs[acteur])
    r, p = suivi13["reunion"].pk, suivi13["point"].pk
    attendu = 200 if acteur in ANIMATION else 403
    for url in (
        reverse("suivi:reunion_creer", args=[contrat13.slug]),
        reverse("suivi:valeurs_pmi", args=[contrat13.slug]),
        reverse("suivi:collecte", args=[suivi13["indicateur"].pk]),
        reverse("suivi:releve_creer", args=[suivi13["fiche"].pk]),
        reverse("suivi:valeurs_fiche", args=[suivi13["fiche"].pk]),
        reverse("suivi:reunion_modifier", args=[r]),
    ):
        assert client.get(url).status_code == attendu, (url, acteur)
    reponse = client.post(reverse("suivi:decision_ajouter", args=[r, p]), {f"d{p}-libelle": "Décision de " + acteur})
    assert reponse.status_code == (302 if acteur in ANIMATION else 403), acteur
    assert Decision.objects.filter(libelle="Décision de " + acteur).exists() == (acteur in ANIMATION)
    reponse = client.post(reverse("suivi:reunion_valider", args=[r]))
    assert reponse.status_code == (302 if acteur in ANIMATION else 403), acteur
    assert Reunion.objects.get(pk=r).verrouillee == (acteur in ANIMATION)


@pytest.mark.parametrize("acteur", ["lecteur_cd13", "lecteur_dgcs", "referent_cd47"])
def test_lecteurs_et_autres_territoires_ne_voient_pas_les_boutons_d_animation(client, acteurs, suivi13, acteur):
    client.force_login(acteurs[acteur])
    page = client.get(reverse("suivi:ordre_du_jour", args=[suivi13["reunion"].pk])).content.decode()
    assert "Valider le compte rendu" not in page and "Ajouter la décision" not in page
