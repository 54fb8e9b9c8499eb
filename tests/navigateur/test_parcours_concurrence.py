"""Deux personnes enregistrent le même tableau de financement : la seconde voit l'écran de conflit (qui, quand,
les deux versions, ses montants gardés), et choisit de remplacer ou d'abandonner."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from demo.donnees import creer_donnees_demo

from .conftest import violations_graves
from .test_parcours_contrat import se_connecter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def ouvrir_le_tableau(page, live_server, email):
    se_connecter(page, live_server, email)
    page.get_by_role("link", name="Département Bouches-du-Rhône").click()
    page.get_by_role("link", name="Modifier les financements").click()
    expect(page.get_by_role("heading", name="Tableau de financement")).to_be_visible()
    return page.locator("input.fr-input:not([disabled])").first


def test_deux_enregistrements_du_tableau_de_financement(navigateur, live_server):
    creer_donnees_demo()
    contextes = [navigateur.new_context(viewport={"width": 1280, "height": 720}, locale="fr-FR") for _ in range(2)]
    premiere, seconde = (c.new_page() for c in contextes)
    case_premiere = ouvrir_le_tableau(premiere, live_server, "referent.cd13@demo.gouv.fr")
    case_seconde = ouvrir_le_tableau(seconde, live_server, "referent.prefecture13@demo.gouv.fr")

    case_premiere.fill("12 000")
    premiere.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(premiere.get_by_text("Le tableau de financement a été enregistré.")).to_be_visible()

    case_seconde.fill("15 500")
    seconde.get_by_role("button", name="Enregistrer", exact=True).click()
    alerte = seconde.get_by_role("alert").filter(has_text="Modification concurrente")
    expect(alerte).to_be_visible()
    expect(alerte).to_contain_text("Ce tableau de financement a été modifié par quelqu'un d'autre")
    tableau = seconde.locator(".ce-conflit table")
    expect(tableau.locator("tr.ce-conflit__differe")).to_have_count(1)
    expect(tableau.locator("tr.ce-conflit__differe")).to_contain_text("15 500,00")
    expect(tableau.locator("tr.ce-conflit__differe")).to_contain_text("12 000,00")
    expect(case_seconde).to_have_value("15 500")  # sa saisie est gardée dans le tableau
    assert violations_graves(seconde) == []
    expect(seconde.locator("#conflit-titre")).to_be_focused()  # la page s'ouvre sur le refus, pas sur son en-tête
    if os.environ.get("CE_CAPTURES"):
        captures = Path(os.environ["CE_CAPTURES"])
        seconde.screenshot(path=str(captures / "concurrence-financements.png"))
        tableau.scroll_into_view_if_needed()
        seconde.screenshot(path=str(captures / "concurrence-financements-tableau.png"))
        seconde.get_by_role("button", name="Remplacer la version actuelle par la mienne").scroll_into_view_if_needed()
        seconde.screenshot(path=str(captures / "concurrence-financements-boutons.png"))

    # « Abandonner mes modifications » recharge la version actuelle, celle de la première personne.
    seconde.get_by_role("link", name="Abandonner mes modifications").click()
    expect(seconde.locator(".ce-conflit")).to_have_count(0)
    expect(seconde.locator("input.fr-input:not([disabled])").first).to_have_value("12 000,00")
    for contexte in contextes:
        contexte.close()
