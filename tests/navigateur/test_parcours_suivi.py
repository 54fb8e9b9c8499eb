"""Parcours d'une réunion d'état d'avancement : planifier, projeter et naviguer au clavier, voir s'afficher la
décision qu'une seconde personne tape depuis son ordinateur, valider et verrouiller le compte rendu."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from contractualisation.models import Contrat
from demo.donnees import creer_donnees_demo
from fiches.models import Fiche

from ..suivi import fabriques
from .conftest import violations_graves
from .test_parcours_contrat import se_connecter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reunion_planifiee_projetee_coeditee_puis_verrouillee(navigateur, page, live_server):
    creer_donnees_demo()
    contrat = Contrat.objects.get(collectivite__slug="cd-13")
    Fiche.objects.filter(contrat=contrat).delete()
    fabriques.fiche(contrat, objectif=1, titre="Visites à domicile en sortie de maternité", action_a_impact=True)
    fabriques.fiche(contrat, objectif=7, titre="Accueil familial renforcé", action_a_impact=True)
    fabriques.fiche(contrat, objectif=8, titre="Scolarité des enfants confiés")

    # 1. La référente planifie la réunion (ordre du jour proposé : les actions à impact).
    se_connecter(page, live_server, "referent.cd13@demo.gouv.fr")
    page.goto(f"{live_server.url}{contrat.get_absolute_url()}")
    page.get_by_role("link", name="Réunions et tableau de bord").click()
    assert violations_graves(page) == []
    page.get_by_role("link", name="Planifier une réunion").click()
    page.get_by_label("Date", exact=True).fill(timezone.localdate().isoformat())
    page.get_by_label("Heure de début").fill("00:05")
    page.get_by_label(re.compile(r"\bLieu\b")).fill("Hôtel du Département, salle 2")
    expect(page.get_by_label(re.compile("Visites à domicile"))).to_be_checked()
    expect(page.get_by_label(re.compile("Scolarité des enfants"))).not_to_be_checked()
    assert violations_graves(page) == []
    page.get_by_role("button", name="Planifier et inviter").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Réunion-bilan de suivi qualitatif")
    expect(page.get_by_text("Ordre du jour (2 fiches)")).to_be_visible()
    assert violations_graves(page) == []
    url_reunion = page.url

    # 2. Mode projection : une fiche par écran, ← / → au clavier.
    page.set_viewport_size({"width": 1280, "height": 720})
    page.get_by_role("link", name="Mode projection").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Visites à domicile en sortie de maternité")
    assert violations_graves(page) == []
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Accueil familial renforcé")
    page.keyboard.press("ArrowLeft")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Visites à domicile en sortie de maternité")

    # 3. Un second participant saisit depuis son ordinateur ; l'écran projeté se met à jour sans rechargement.
    contexte = navigateur.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    portable = contexte.new_page()
    portable.set_default_timeout(15000)
    se_connecter(portable, live_server, "contributeur.cd13@demo.gouv.fr")
    portable.goto(url_reunion)
    point = portable.locator("section.ce-point").first
    point.get_by_label("Éléments positifs observables").fill("Toutes les sorties de maternité sont suivies.")
    expect(point.get_by_text(re.compile("Enregistré à"))).to_be_visible()
    point.get_by_label("Décision").fill("Associer la CAF au comité de suivi")
    point.get_by_role("button", name="Ajouter la décision").click()
    expect(point.get_by_text("Associer la CAF au comité de suivi")).to_be_visible()
    assert violations_graves(portable) == []
    contexte.close()

    expect(page.get_by_text("Associer la CAF au comité de suivi")).to_be_visible(timeout=8000)
    expect(page.get_by_text("Toutes les sorties de maternité sont suivies.")).to_be_visible()
    page.screenshot(path="/tmp/suivi-projection-parcours.png")
    page.keyboard.press("Escape")
    expect(page).to_have_url(url_reunion)

    # 4. Validation : le compte rendu est verrouillé.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Valider le compte rendu").click()
    expect(page.get_by_text("Compte rendu validé", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Ajouter la décision")).to_have_count(0)
    expect(page.get_by_label("Éléments positifs observables")).to_have_count(0)
    expect(page.get_by_text("Associer la CAF au comité de suivi")).to_be_visible()
    assert violations_graves(page) == []
