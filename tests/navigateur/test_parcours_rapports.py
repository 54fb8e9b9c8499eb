from contextlib import contextmanager

import pytest
from playwright.sync_api import expect

from demo.donnees import creer_donnees_demo

from .conftest import violations_graves
from .test_parcours_contrat import se_connecter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@contextmanager
def taches_dans_le_processus():
    """Le classeur national est produit dans le processus (le vrai worker est testé dans tests/rapports)."""
    from config.celery import app

    ancien = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = ancien


def test_rapport_d_execution_et_page_nationale(page, live_server, settings, tmp_path):
    """Un référent du Département ouvre le rapport 2025, enregistre l'avis de l'ODPE ; la DGCS voit l'état de
    chaque rapport et prépare le classeur national. Axe : aucune violation grave."""
    settings.MEDIA_ROOT = tmp_path
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "nav"}}
    creer_donnees_demo()
    se_connecter(page, live_server, "referent.cd13@demo.gouv.fr")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/contrats/cd-13-2025-2027/")
    page.get_by_role("link", name="Rapport d'exécution").click()
    page.get_by_role("link", name="Ouvrir le rapport 2025").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rapport annuel d'exécution 2025")
    expect(page.get_by_text("Proposé au préfet et à l'ARS").first).to_be_visible()
    assert violations_graves(page) == []

    page.get_by_role("link", name="Étape suivante : Avis de l'ODPE").click()
    page.get_by_label("Date de l'acte").fill("2026-10-05")
    page.get_by_role("button", name="Enregistrer l'étape").click()
    expect(page.get_by_text("Indiquez l'avis rendu par l'ODPE.")).to_be_visible()  # l'erreur, à côté du champ
    assert violations_graves(page) == []
    page.get_by_label("Avis de l'ODPE").select_option(label="Favorable avec réserves")
    page.get_by_role("button", name="Enregistrer l'étape").click()
    page.wait_for_url(f"{live_server.url}/rapports/cd-13-2025-2027/2025/")
    expect(page.get_by_text("Avis de l'ODPE : Favorable avec réserves")).to_be_visible()

    page.context.clear_cookies()
    se_connecter(page, live_server, "lecteur.dgcs@demo.gouv.fr")
    page.wait_for_url(f"{live_server.url}/")
    page.get_by_role("link", name="Rapports nationaux").first.click()
    ligne = page.get_by_role("row").filter(has_text="Département Bouches-du-Rhône")
    texte = ligne.inner_text().lower()  # les badges DSFR sont en capitales
    assert "en retard" in texte and "étape : avis de l'odpe" in texte
    assert violations_graves(page) == []
    with taches_dans_le_processus():
        page.get_by_role("button", name="Préparer le classeur national").click()
        page.get_by_role("link", name="Télécharger le classeur national").wait_for()
    assert violations_graves(page) == []
