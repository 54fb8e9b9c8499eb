"""La politique vue par le navigateur : htmx lit sa configuration sans eval, n'injecte aucun style, et un script
en ligne glissé dans la page est bloqué (et fait échouer le parcours : voir conftest.py)."""

import pytest

from . import conftest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_htmx_sans_eval_et_script_en_ligne_bloque(page, live_server):
    reponse = page.goto(f"{live_server.url}/pratiques/")
    assert "script-src 'self' 'nonce-" in reponse.headers["content-security-policy"]
    page.wait_for_function("window.htmx !== undefined")
    config = page.evaluate("[htmx.config.allowEval, htmx.config.allowScriptTags, htmx.config.includeIndicatorStyles]")
    assert config == [False, False, False]
    assert page.evaluate("document.querySelectorAll('style').length") == 0

    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.pirate = 1'; "
        "document.body.append(s); }"
    )
    for _ in range(50):  # le message de la console arrive un peu après
        if any("script-src" in v for v in conftest.violations_csp):
            break
        page.wait_for_timeout(100)
    assert page.evaluate("window.pirate") is None
    assert any("script-src" in v for v in conftest.violations_csp)
    conftest.violations_csp.clear()  # la violation voulue : le parcours, lui, n'en a aucune
