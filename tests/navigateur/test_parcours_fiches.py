"""Parcours d'un contributeur : il crée une fiche, remplit chaque rubrique sur place (htmx), insère un
indicateur guidé en un clic, consulte l'historique ; une seconde personne voit son enregistrement périmé refusé."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from demo.donnees import creer_donnees_demo

from .conftest import violations_graves
from .test_parcours_contrat import se_connecter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def modifier(page, titre):
    page.get_by_role("link", name=f"Modifier : {titre}").click()
    rubrique = page.locator("section.ce-rubrique--edition")
    expect(rubrique).to_be_visible()
    return rubrique


def enregistrer(page, rubrique):
    ident = rubrique.get_attribute("id")
    rubrique.get_by_role("button", name="Enregistrer la rubrique").click()
    expect(page.locator(f"#{ident}")).to_contain_text("Rubrique enregistrée.")
    expect(page.locator("section.ce-rubrique--edition")).to_have_count(0)


def test_contributeur_remplit_une_fiche_et_le_second_enregistrement_perime_est_refuse(page, navigateur, live_server):
    creer_donnees_demo()
    se_connecter(page, live_server, "contributeur.cd13@demo.gouv.fr")
    page.get_by_role("link", name="Département Bouches-du-Rhône").click()
    page.get_by_role("link", name="Fiches actions").click()
    assert violations_graves(page) == []
    page.get_by_role("link", name="Nouvelle fiche action").click()
    choix = page.get_by_label("Objectif du contrat")
    libelle = choix.locator("option", has_text="Objectif n° 8 —").inner_text()
    choix.select_option(label=libelle)
    page.get_by_label("Intitulé de l'action").fill("Soutien scolaire des enfants confiés")
    page.get_by_role("button", name="Créer la fiche").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Fiche action n° 8.1 — Soutien scolaire")
    assert violations_graves(page) == []

    rubrique = modifier(page, "Identification de la fiche")
    expect(rubrique.get_by_role("heading", level=2)).to_be_focused()  # le clavier suit la rubrique ouverte
    rubrique.get_by_label("Statut").select_option(label="Validée")
    rubrique.get_by_text("Action à impact").first.click()
    enregistrer(page, rubrique)
    expect(page.locator("#rubrique-identite")).to_contain_text("Validée")

    for titre, texte in (
        ("Constat du diagnostic", "Un enfant confié sur trois a un retard scolaire."),
        ("Objectif opérationnel", "Accompagner 200 enfants par an."),
        ("Description de l'action", "Tutorat par des étudiants et lien avec les établissements."),
        ("Points de vigilance", "Disponibilité des tuteurs en période d'examens."),
    ):
        rubrique = modifier(page, titre)
        rubrique.locator("textarea").fill(texte)
        enregistrer(page, rubrique)
        expect(page.get_by_text(texte)).to_be_visible()

    rubrique = modifier(page, "Identification des acteurs à mobiliser")
    rubrique.get_by_label("Organisation", exact=False).fill("Association de la fondation étudiante")
    rubrique.get_by_label("Rôle dans l'action", exact=False).fill("Recrutement des tuteurs")
    enregistrer(page, rubrique)
    expect(page.locator("#rubrique-acteurs")).to_contain_text("Association de la fondation étudiante")

    rubrique = modifier(page, "Moyens financiers prévisionnels")
    rubrique.get_by_label("Année").select_option("2026")
    rubrique.get_by_label("Source").select_option(label="BOP 304")
    rubrique.get_by_label("Montant (€)").fill("douze mille")
    rubrique.get_by_role("button", name="Enregistrer la rubrique").click()
    expect(page.get_by_text("Saisissez un montant en euros")).to_be_visible()  # message à côté du champ
    expect(page.get_by_label("Montant (€)")).to_have_value("douze mille")  # rien n'est perdu
    page.get_by_label("Montant (€)").fill("12 000")
    enregistrer(page, page.locator("section.ce-rubrique--edition"))
    expect(page.locator("#rubrique-moyens")).to_contain_text("12\u202f000,00")

    rubrique = modifier(page, "Calendrier prévisionnel")
    rubrique.get_by_label("Date").fill("2026-03-02")
    rubrique.get_by_label("Étape").fill("Premiers binômes formés")
    enregistrer(page, rubrique)
    expect(page.locator("#rubrique-calendrier")).to_contain_text("02/03/2026")

    # Complétion guidée : l'exemple de l'objectif devient un indicateur en un clic, après confirmation.
    page.on("dialog", lambda dialogue: dialogue.accept())
    quantitatifs = page.locator("#rubrique-indicateurs_quantitatifs")
    quantitatifs.get_by_role("button", name="Insérer l'exemple : Nombre d'enfants protégés bénéficiant").click()
    expect(page.locator("#rubrique-indicateurs_quantitatifs table")).to_contain_text(
        "Nombre d'enfants protégés bénéficiant d'un soutien scolaire"
    )
    rubrique = modifier(page, "Indicateurs quantitatifs de mise en œuvre de l'action")
    rubrique.get_by_label("Cible 2026", exact=False).first.fill("150")
    enregistrer(page, rubrique)
    expect(page.locator("#rubrique-indicateurs_quantitatifs")).to_contain_text("2026 : 150")

    qualitatifs = page.locator("#rubrique-indicateurs_qualitatifs")
    qualitatifs.get_by_role("button", name="Insérer l'exemple : Continuité du parcours scolaire").click()
    expect(page.locator("#rubrique-indicateurs_qualitatifs ul").first).to_contain_text(
        "Continuité du parcours scolaire"
    )
    assert violations_graves(page) == []

    url_fiche = page.url
    page.get_by_role("link", name="Historique", exact=True).click()
    expect(page.get_by_role("heading", name="Historique de la fiche")).to_be_visible()
    expect(page.get_by_text("Un enfant confié sur trois a un retard scolaire.")).to_be_visible()
    assert violations_graves(page) == []

    # Deux personnes ouvrent la même rubrique ; la seconde à enregistrer est refusée, les deux versions affichées.
    page.goto(url_fiche)
    rubrique = modifier(page, "Points de vigilance")
    autre = navigateur.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR").new_page()
    se_connecter(autre, live_server, "referent.cd13@demo.gouv.fr")
    autre.goto(url_fiche)
    sienne = modifier(autre, "Points de vigilance")
    sienne.locator("textarea").fill("Version de la référente : prévoir un tuteur remplaçant.")
    enregistrer(autre, sienne)
    autre.context.close()

    rubrique.locator("textarea").fill("Version du contributeur : examens de juin.")
    rubrique.get_by_role("button", name="Enregistrer la rubrique").click()
    expect(page.get_by_text("Modification concurrente : votre saisie n'a pas été enregistrée")).to_be_visible()
    expect(page.locator(".ce-conflit")).to_contain_text("Version de la référente")
    if os.environ.get("CE_CAPTURES"):
        page.locator(".ce-conflit").scroll_into_view_if_needed()
        page.screenshot(path=str(Path(os.environ["CE_CAPTURES"]) / "concurrence-rubrique.png"))
    expect(page.locator("section.ce-rubrique--edition textarea")).to_have_value(
        "Version du contributeur : examens de juin."
    )
    assert violations_graves(page) == []
    # Il fusionne les deux textes ; « Enregistrer » de nouveau est encore refusé (rien ne s'écrase sans le vouloir).
    page.locator("section.ce-rubrique--edition textarea").fill(
        "Version de la référente : prévoir un tuteur remplaçant. Version du contributeur : examens de juin."
    )
    # (on attend la réponse : l'écran de conflit précédent est encore affiché, et htmx ignorerait un clic sur
    # « Remplacer » tant que cette requête est en cours)
    with page.expect_response(lambda r: "/modifier/" in r.url and r.request.method == "POST") as reponse:
        page.get_by_role("button", name="Enregistrer la rubrique").click()
    assert reponse.value.status == 409
    expect(page.locator(".ce-conflit")).to_be_visible()
    expect(page.locator("section.ce-rubrique--edition textarea")).to_have_value(
        "Version de la référente : prévoir un tuteur remplaçant. Version du contributeur : examens de juin."
    )
    # Il choisit de remplacer la version qu'il vient de voir par la sienne : accepté.
    page.get_by_role("button", name="Remplacer la version actuelle par la mienne").click()
    expect(page.locator("#rubrique-points_vigilance")).to_contain_text("Rubrique enregistrée.")
    expect(page.locator("#rubrique-points_vigilance")).to_contain_text(
        "prévoir un tuteur remplaçant. Version du contributeur"
    )


def test_lectures_de_la_fiche_accessibles(page, live_server):
    creer_donnees_demo()
    se_connecter(page, live_server, "lecteur.dgcs@demo.gouv.fr")
    page.goto(f"{live_server.url}/fiches/cd-13-2025-2027/")
    page.get_by_role("link", name="Fiche action n° 7.1").click()
    expect(page.get_by_role("link", name="Modifier : Constat du diagnostic")).to_have_count(0)  # lecteur national
    for lien in ("Fiche et annexes de réunion", "Vue calendaire"):
        page.get_by_role("link", name=lien).click()
        assert violations_graves(page) == [], lien
