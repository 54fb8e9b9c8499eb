import pytest
from playwright.sync_api import expect

from demo.donnees import MOT_DE_PASSE_DEMO, creer_donnees_demo

from .conftest import violations_graves

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def se_connecter(page, live_server, email):
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE_DEMO)
    page.get_by_role("button", name="Se connecter").click()


def test_connexion_accueil_et_page_contrat_accessibles(page, live_server):
    creer_donnees_demo()
    page.goto(f"{live_server.url}/connexion/")
    assert violations_graves(page) == []

    se_connecter(page, live_server, "lecteur.dgcs@demo.gouv.fr")
    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Les contrats de tous les territoires")
    expect(page.get_by_text("3 contrats")).to_be_visible()
    assert violations_graves(page) == []

    page.get_by_label("Région").select_option(label="Grand Est")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_text("1 contrat", exact=True)).to_be_visible()

    page.get_by_role("link", name="Collectivité européenne d'Alsace").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Collectivité européenne d'Alsace")
    expect(page.get_by_text("Objectif n° 7").first).to_be_visible()
    assert violations_graves(page) == []


def test_referent_modifie_le_contrat_au_clavier(page, live_server):
    creer_donnees_demo()
    se_connecter(page, live_server, "referent.cd47@demo.gouv.fr")
    page.get_by_role("link", name="Département Lot-et-Garonne").click()
    page.get_by_role("link", name="Choisir les objectifs").click()
    assert violations_graves(page) == []
    case_objectif_1 = page.get_by_label("n° 1 —", exact=False)
    case_objectif_1.focus()
    page.keyboard.press("Space")  # décocher un objectif obligatoire, au clavier
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("ne peuvent pas être retirés (objectif n° 1)")).to_be_visible()
    assert violations_graves(page) == []
