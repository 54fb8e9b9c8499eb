"""Rien de ce qui est tapé n'est perdu, dans un vrai navigateur : « Insérer » un exemple pendant la modification
d'une rubrique garde la saisie ; le compteur suit la frappe et signale un texte trop long sans le couper ; un
commentaire trop long revient avec son texte et le message sous le champ.

Avec CAPTURES_SAISIE=/un/dossier, les captures 1280×720 du compteur et du commentaire refusé y sont enregistrées."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from contractualisation.models import Contrat
from core.models import Utilisateur
from demo.donnees import creer_donnees_demo
from fiches import services
from fiches.models import Commentaire

from .conftest import violations_graves
from .test_parcours_contrat import se_connecter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CAPTURES = os.environ.get("CAPTURES_SAISIE", "")


def capturer(page, nom):
    if CAPTURES:
        Path(CAPTURES).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(CAPTURES) / f"saisie-{nom}.png"))


@pytest.fixture
def fiche(db):
    creer_donnees_demo()
    contrat = Contrat.objects.get(collectivite__slug="cd-13")
    oc = contrat.objectifs_contrat.get(objectif__numero=8)
    referent = Utilisateur.objects.get(email="contributeur.cd13@demo.gouv.fr")
    return services.creer_fiche(contrat, oc, titre="Soutien scolaire des enfants confiés", referent=referent)


@pytest.fixture
def ecran(navigateur):
    contexte = navigateur.new_context(viewport={"width": 1280, "height": 720}, locale="fr-FR")
    page = contexte.new_page()
    page.set_default_timeout(15000)
    yield page
    contexte.close()


def test_inserer_un_exemple_pendant_la_modification_garde_la_saisie(ecran, live_server, fiche):
    page = ecran
    se_connecter(page, live_server, "contributeur.cd13@demo.gouv.fr")
    page.goto(f"{live_server.url}/fiches/fiche/{fiche.pk}/")
    exemple = fiche.objectif_contrat.objectif.exemples_indicateurs.filter(type="qualitatif").first()

    page.get_by_role("link", name="Modifier : Indicateurs qualitatifs de mise en œuvre de l'action").click()
    rubrique = page.locator("section.ce-rubrique--edition")
    rubrique.get_by_label("Indicateur", exact=True).fill("Assiduité aux séances de tutorat")
    questions = rubrique.get_by_label("Questions clés", exact=False)
    questions.press_sequentially("Les enfants viennent-ils ?")
    expect(rubrique.get_by_text("26 / 1\u202f000 caractères")).to_be_visible()  # compteur en direct

    rubrique.get_by_role("button", name=f"Insérer l'exemple dans le formulaire : {exemple.libelle}").click()
    expect(page.get_by_text("est ajouté en bas du formulaire, avec ce que vous avez déjà saisi")).to_be_visible()
    rubrique = page.locator("section.ce-rubrique--edition")
    libelles = rubrique.get_by_label("Indicateur", exact=True)
    expect(libelles).to_have_count(2)
    expect(libelles.nth(0)).to_have_value("Assiduité aux séances de tutorat")  # la saisie est là
    expect(rubrique.get_by_label("Questions clés", exact=False).nth(0)).to_have_value("Les enfants viennent-ils ?")
    expect(libelles.nth(1)).to_have_value(exemple.libelle)
    expect(rubrique.get_by_text("Déjà dans la rubrique")).to_be_visible()
    assert not fiche.indicateurs_qualitatifs.exists()  # rien d'enregistré avant « Enregistrer »
    assert violations_graves(page) == []

    rubrique.get_by_role("button", name="Enregistrer la rubrique").click()
    expect(page.locator("#rubrique-indicateurs_qualitatifs")).to_contain_text("Rubrique enregistrée.")
    assert set(fiche.indicateurs_qualitatifs.values_list("libelle", flat=True)) == {
        "Assiduité aux séances de tutorat",
        exemple.libelle,
    }


def test_le_compteur_suit_la_frappe_et_un_texte_trop_long_n_est_pas_coupe(ecran, live_server, fiche):
    page = ecran
    se_connecter(page, live_server, "contributeur.cd13@demo.gouv.fr")
    page.goto(f"{live_server.url}/fiches/fiche/{fiche.pk}/")
    page.get_by_role("link", name="Modifier : Constat du diagnostic").click()
    zone = page.locator("section.ce-rubrique--edition textarea")
    expect(page.get_by_text("0 / 20\u202f000 caractères")).to_be_visible()
    zone.press_sequentially("Un enfant confié sur trois")
    compteur = page.locator("section.ce-rubrique--edition .ce-compteur")
    expect(compteur).to_have_text("26 / 20\u202f000 caractères")
    expect(compteur).to_have_class(re.compile(r"\bfr-hint-text\b"))
    # L'annonce aux lecteurs d'écran attend une pause dans la frappe.
    annonce = page.locator("section.ce-rubrique--edition .ce-compteur + [aria-live=polite]")
    expect(annonce).to_have_text("26 / 20\u202f000 caractères")
    assert "-compteur" in zone.get_attribute("aria-describedby")

    trop = ("Un enfant confié sur trois a un retard scolaire. " * 409).strip() + "!"  # 20 041, collés d'un coup
    assert len(trop) == 20041
    zone.fill(trop)
    expect(zone).to_have_value(trop)  # pas coupé à 20 000 : rien n'est perdu en silence
    expect(compteur).to_have_text("20\u202f041 / 20\u202f000 caractères : 41 de trop")
    expect(compteur).to_have_class(re.compile(r"\bfr-error-text\b"))
    compteur.scroll_into_view_if_needed()
    capturer(page, "compteur")
    assert violations_graves(page) == []

    page.get_by_role("button", name="Enregistrer la rubrique").click()
    expect(page.get_by_text("Le texte compte 20\u202f041 caractères ; la limite est de 20\u202f000.")).to_be_visible()
    zone = page.locator("section.ce-rubrique--edition textarea")
    expect(zone).to_have_value(trop)
    zone.fill(trop[:20000])
    page.get_by_role("button", name="Enregistrer la rubrique").click()
    expect(page.locator("#rubrique-constat")).to_contain_text("Rubrique enregistrée.")


def test_commentaire_trop_long_revient_avec_son_texte(ecran, live_server, fiche):
    page = ecran
    se_connecter(page, live_server, "contributeur.cd13@demo.gouv.fr")
    page.goto(f"{live_server.url}/fiches/fiche/{fiche.pk}/")
    zone = page.get_by_label("Votre commentaire")
    texte = ("Le lien avec les établissements scolaires reste à construire. " * 90)[:5214]
    zone.fill(texte)
    page.get_by_role("button", name="Publier le commentaire").click()
    message = page.get_by_text("Votre commentaire compte 5\u202f214 caractères ; la limite est de 5\u202f000.")
    expect(message).to_be_visible()
    expect(page.get_by_label("Votre commentaire")).to_have_value(texte)
    assert not Commentaire.objects.filter(fiche=fiche).exists()
    message.scroll_into_view_if_needed()
    capturer(page, "commentaire")
    assert violations_graves(page) == []

    page.get_by_label("Votre commentaire").fill(texte[:4000])
    page.get_by_role("button", name="Publier le commentaire").click()
    expect(page.get_by_text("Votre commentaire a été publié.")).to_be_visible()
    assert Commentaire.objects.get(fiche=fiche).texte == texte[:4000].strip()
