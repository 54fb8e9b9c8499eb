"""La matrice de docs/permissions.md (section « Rapports et exports »), rôle par rôle : lire et télécharger,
rédiger, faire avancer le chemin, page et classeur nationaux."""

from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from rapports import services
from rapports.enums import EtapeRapport
from tests.contractualisation.test_permissions import LECTURE, TOUS

pytestmark = pytest.mark.django_db

REDACTION = {"referent_cd13", "admin_cd13", "contributeur_cd13", "referent_ars_paca", "referent_prefecture13"}
AVANCEMENT = {"referent_cd13", "admin_cd13", "referent_ars_paca", "referent_prefecture13"}
NATIONAL = {"lecteur_dgcs", "admin_dgcs", "lecteur_dgs"}


@pytest.fixture
def rapport(contrat, acteurs):
    rapport = services.ouvrir_rapport(contrat, 2025, acteurs["referent_cd13"])
    services.franchir_etape(
        rapport,
        EtapeRapport.PROPOSE,
        acteurs["referent_cd13"],
        date(2026, 5, 4),
        document=ContentFile(b"%PDF-1.4 courrier", name="courrier.pdf"),
    )
    return rapport


@pytest.mark.parametrize("acteur", TOUS)
def test_lecture_et_exports_selon_la_matrice(client, acteurs, rapport, acteur, monkeypatch):
    # La permission est vérifiée avant le rendu : le PDF lui-même est testé dans test_exports.py.
    monkeypatch.setattr("rapports.views.rendre_pdf", lambda d: b"%PDF-1.7")
    client.force_login(acteurs[acteur])
    slug = rapport.contrat.slug
    urls = [
        reverse("rapports:contrat", args=[slug]),
        reverse("rapports:rapport", args=[slug, 2025]),
        reverse("rapports:pdf", args=[slug, 2025]),
        reverse("rapports:xlsx", args=[slug, 2025]),
        reverse("rapports:plan_action", args=[slug]),
        reverse("rapports:tableau_bord", args=[slug]),
        reverse("rapports:document", args=[slug, 2025, rapport.etapes.get(etape="propose").pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == (200 if acteur in LECTURE else 403), (url, acteur)


@pytest.mark.parametrize("acteur", TOUS)
def test_redaction_selon_la_matrice(client, acteurs, rapport, acteur):
    client.force_login(acteurs[acteur])
    slug = rapport.contrat.slug
    for vue in ("rapports:rediger", "rapports:montants"):
        url = reverse(vue, args=[slug, 2025])
        assert client.get(url).status_code == (200 if acteur in REDACTION else 403), (vue, acteur)
    reponse = client.post(reverse("rapports:ouvrir", args=[slug, 2026]))
    assert reponse.status_code == (302 if acteur in REDACTION else 403), acteur
    if acteur not in REDACTION:
        url = reverse("rapports:rediger", args=[slug, 2025])
        assert client.post(url, {"synthese_globale": "intrus"}).status_code == 403
        rapport.refresh_from_db()
        assert rapport.synthese_globale == ""


@pytest.mark.parametrize("acteur", TOUS)
def test_chemin_du_rapport_selon_la_matrice(client, acteurs, rapport, acteur):
    client.force_login(acteurs[acteur])
    url = reverse("rapports:etape", args=[rapport.contrat.slug, 2025])
    page = client.get(url)
    assert page.status_code == (200 if acteur in AVANCEMENT else 403), acteur
    # La version que porte la page (l'étape où en est le rapport, core.concurrence), comme dans un navigateur.
    version = page.context["form"]["version"].value() if page.status_code == 200 else ""
    reponse = client.post(url, {"date": "2026-06-10", "avis_odpe": "favorable", "version": version})
    assert reponse.status_code == (302 if acteur in AVANCEMENT else 403), acteur
    rapport.refresh_from_db()
    assert (rapport.etape == EtapeRapport.AVIS_ODPE) == (acteur in AVANCEMENT)


@pytest.mark.parametrize("acteur", TOUS)
def test_page_et_classeur_nationaux_reserves_aux_directions_nationales(client, acteurs, rapport, acteur):
    client.force_login(acteurs[acteur])
    attendu = 200 if acteur in NATIONAL else 403
    assert client.get(reverse("rapports:national")).status_code == attendu, acteur
    assert client.get(reverse("rapports:national_etat")).status_code == attendu, acteur
    reponse = client.post(reverse("rapports:national_generer"), {"annee": 2025})
    assert reponse.status_code == (302 if acteur in NATIONAL else 403), acteur
    assert client.get(reverse("rapports:national_telecharger") + "?annee=2025").status_code == attendu, acteur


def test_un_document_d_un_autre_contrat_est_introuvable(client, acteurs, rapport, contrat47):
    client.force_login(acteurs["referent_cd47"])
    url = reverse("rapports:document", args=[contrat47.slug, 2025, rapport.etapes.get(etape="propose").pk])
    assert client.get(url).status_code == 404
