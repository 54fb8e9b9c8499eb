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


# Chaque violation de la Content-Security-Policy fait échouer le parcours : Chromium l'écrit dans la console
# (« Refused to … because it violates the following Content Security Policy directive »), et l'événement
# `securitypolicyviolation` du document la décrit (script ajouté par Playwright, hors de la politique de la page).
SIGNALER_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation : ${e.violatedDirective} bloque ${e.blockedURI || "(en ligne)"} `
    + `dans ${e.documentURI} (${e.sourceFile || ""}:${e.lineNumber || ""}) « ${e.sample || ""} »`);
});
"""
violations_csp = []


def noter_violation(message):
    texte = message.text
    if "Content Security Policy" in texte or texte.startswith("CSP violation"):
        violations_csp.append(f"{message.page.url if message.page else '?'} : {texte}")


class NavigateurSurveille:
    """Le navigateur de la session, dont chaque contexte (donc chaque page) signale les violations CSP."""

    def __init__(self, browser):
        self._browser = browser

    def new_context(self, **options):
        contexte = self._browser.new_context(**options)
        contexte.add_init_script(SIGNALER_VIOLATIONS)
        contexte.on("console", noter_violation)
        return contexte

    def new_page(self, **options):
        return self.new_context(**options).new_page()

    def __getattr__(self, nom):
        return getattr(self._browser, nom)


@pytest.fixture(scope="session")
def navigateur():
    from playwright.sync_api import expect, sync_playwright

    # Les assertions attendent autant que les actions : sous la charge de la CI (deux processus de tests, un
    # navigateur chacun), une réponse htmx peut dépasser les 5 s par défaut de Playwright.
    expect.set_options(timeout=15000)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield NavigateurSurveille(browser)
        browser.close()


@pytest.fixture(autouse=True)
def aucune_violation_csp():
    """Levée après la fermeture des pages du test (fixture autouse : installée la première, défaite la dernière)."""
    violations_csp.clear()
    yield
    violations, violations_csp[:] = list(violations_csp), []
    assert not violations, "Violations de la Content-Security-Policy :\n" + "\n".join(violations)


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
