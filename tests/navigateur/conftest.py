import os

import pytest
from axe_playwright_python.sync_playwright import Axe

# Playwright (API synchrone) tourne dans une boucle asyncio : Django doit accepter les requêtes ORM du test.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def navigateur():
    from playwright.sync_api import expect, sync_playwright

    # Les assertions attendent autant que les actions : sous la charge de la CI (deux processus de tests, un
    # navigateur chacun), une réponse htmx peut dépasser les 5 s par défaut de Playwright.
    expect.set_options(timeout=15000)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(navigateur):
    contexte = navigateur.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = contexte.new_page()
    page.set_default_timeout(15000)
    yield page
    contexte.close()


def violations_graves(page):
    """Les violations axe d'impact « serious » ou « critical » de la page affichée."""
    resultats = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}) : {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in resultats.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
