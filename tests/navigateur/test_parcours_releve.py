"""Un relevé qualitatif de bout en bout dans le navigateur : rédigé avec une pièce, soumis, relu par le binôme,
validé par la référente ; puis le tableau de bord PMI. Contrôle axe sur chaque page."""

import re

import pytest
from playwright.sync_api import expect

from contractualisation.models import Contrat
from demo.donnees import creer_donnees_demo
from fiches.models import Fiche

from ..suivi import fabriques
from .conftest import violations_graves
from .test_parcours_contrat import se_connecter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_releve_redige_relu_valide_puis_fige(navigateur, page, live_server, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    creer_donnees_demo()
    contrat = Contrat.objects.get(collectivite__slug="cd-13")
    Fiche.objects.filter(contrat=contrat).delete()
    from core.models import Utilisateur

    referente = Utilisateur.objects.get(email="referent.cd13@demo.gouv.fr")
    fiche = fabriques.fiche(contrat, objectif=3, titre="Bilans de santé en école maternelle", referent=referente)
    fabriques.indicateur_qualitatif(fiche, libelle="Ressenti des familles après le bilan de santé PMI")
    piece = tmp_path / "questionnaire.pdf"
    piece.write_bytes(b"%PDF-1.4 questionnaire")

    se_connecter(page, live_server, "contributeur.cd13@demo.gouv.fr")
    page.goto(f"{live_server.url}/suivi/fiches/{fiche.pk}/releves/")
    assert violations_graves(page) == []
    page.get_by_role("link", name="Nouveau relevé").click()
    page.get_by_label(re.compile("Date de l.observation")).fill("2026-05-14")
    page.get_by_label(re.compile("Situation observée")).fill("École maternelle Jean-Jaurès")
    page.get_by_label(re.compile("Faits concrets")).fill("")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Ce champ est obligatoire.")).to_be_visible()
    expect(page.get_by_label(re.compile("Situation observée"))).to_have_value("École maternelle Jean-Jaurès")
    assert violations_graves(page) == []
    page.get_by_label(re.compile("Faits concrets")).fill("85 % des retours parentaux sont positifs.")
    page.get_by_label(re.compile("Ajouter une pièce")).set_input_files(str(piece))
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("link", name="questionnaire.pdf")).to_be_visible()
    page.get_by_role("button", name="Soumettre à relecture").click()
    expect(page.get_by_text("Soumis à relecture").first).to_be_visible()
    expect(page.get_by_role("button", name="J'ai relu ce relevé")).to_have_count(0)  # pas l'auteur
    assert violations_graves(page) == []
    url_releve = page.url

    contexte = navigateur.new_context(locale="fr-FR")
    binome = contexte.new_page()
    se_connecter(binome, live_server, "contributeur.ddets13@demo.gouv.fr")
    binome.goto(url_releve)
    binome.get_by_role("button", name="J'ai relu ce relevé").click()
    expect(binome.get_by_text("Relu", exact=True)).to_be_visible()
    contexte.close()

    contexte = navigateur.new_context(locale="fr-FR")
    valideuse = contexte.new_page()
    se_connecter(valideuse, live_server, "referent.cd13@demo.gouv.fr")
    valideuse.goto(url_releve)
    valideuse.get_by_role("button", name="Valider le relevé").click()
    expect(valideuse.get_by_text(re.compile("il ne se modifie plus"))).to_be_visible()
    expect(valideuse.get_by_role("link", name="Modifier")).to_have_count(0)
    assert violations_graves(valideuse) == []
    valideuse.goto(f"{live_server.url}/suivi/contrats/{contrat.slug}/pmi/")
    assert violations_graves(valideuse) == []
    valideuse.get_by_role("link", name="Saisir les valeurs").click()
    assert violations_graves(valideuse) == []
    contexte.close()
