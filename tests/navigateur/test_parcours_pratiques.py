"""Parcours complet d'une pratique inspirante : un déclarant anonyme la dépose, le Département donne son
accord, le comité demande un complément, le déclarant complète, le comité la retient et la publie ; elle
apparaît dans la bibliothèque publique et se retrouve par un filtre. Contrôle axe des pages publiques."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from playwright.sync_api import expect

from demo.donnees import MOT_DE_PASSE_DEMO, creer_donnees_demo

from .conftest import violations_graves

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INTITULE = "Café des parents en maison de quartier"


@pytest.fixture
def nouvelle_page(navigateur):
    """Une page par personne (contexte séparé : cookies distincts), toutes fermées à la fin du test."""
    contextes = []

    def ouvrir():
        contexte = navigateur.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
        contextes.append(contexte)
        page = contexte.new_page()
        page.set_default_timeout(15000)
        return page

    yield ouvrir
    for contexte in contextes:
        contexte.close()


def se_connecter(page, live_server, email):
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE_DEMO)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_server.url}/")


def changer_statut(page, statut, motif="", seance=None):
    page.get_by_label("Nouveau statut").select_option(label=statut)
    if motif:
        page.get_by_label("Motif ou message au déclarant").fill(motif)
    if seance:
        page.get_by_label("Séance du comité").select_option(label=seance)
    page.get_by_role("button", name="Enregistrer le statut").click()
    page.get_by_text(f"Statut enregistré : {statut}.").wait_for()


def test_parcours_pratique_inspirante(nouvelle_page, live_server):
    cache.clear()
    creer_donnees_demo()

    # 1. Un déclarant anonyme dépose une pratique.
    declarant = nouvelle_page()
    declarant.goto(f"{live_server.url}/pratiques/")
    assert violations_graves(declarant) == []
    declarant.get_by_role("link", name="Déclarer une pratique").click()
    assert violations_graves(declarant) == []
    declarant.get_by_role("button", name="Enregistrer et continuer").click()
    expect(declarant.get_by_text("Cochez la case pour confirmer")).to_be_visible()
    assert violations_graves(declarant) == []
    declarant.get_by_text("J'ai lu et j'accepte les conditions ci-dessus").click()
    declarant.get_by_label("Votre adresse e-mail").fill("declarant@association.fr")
    declarant.get_by_role("button", name="Enregistrer et continuer").click()

    declarant.get_by_label("Date de mise en œuvre").fill("12/09/2022")
    declarant.get_by_label("Nom de l'entité").fill("Association Les Petits Pas")
    declarant.get_by_label("Intitulé de la pratique").fill(INTITULE)
    description = declarant.get_by_label("Description de la pratique")
    texte = "Chaque jeudi, des parents se retrouvent autour d'un café avec une TISF et une éducatrice."
    description.fill(texte)
    expect(declarant.get_by_text(f"{len(texte)} / 1\u202f000 caractères")).to_be_visible()  # compteur en direct
    declarant.get_by_text("Locale", exact=True).click()
    declarant.get_by_label("Type d'intervention").select_option(label="Accueil de jour")
    declarant.get_by_label("Thématique").select_option(label="Maintien des liens parents-enfants")
    declarant.get_by_label("Public visé").select_option(label="Parents")
    declarant.get_by_text("Association", exact=True).click()
    assert violations_graves(declarant) == []
    declarant.get_by_role("button", name="Enregistrer et continuer").click()

    declarant.get_by_label("Région").select_option(label="Provence-Alpes-Côte d'Azur")
    declarant.get_by_label("Département").select_option(label="Bouches-du-Rhône (13)")
    declarant.get_by_label("Commune").fill("Marseille")
    declarant.get_by_role("button", name="Enregistrer et continuer").click()

    declarant.get_by_label("Nom et prénom").fill("Camille Durand")
    declarant.get_by_label("Fonction").fill("Directrice")
    declarant.get_by_label("Adresse e-mail de contact").fill("camille@association.fr")
    assert violations_graves(declarant) == []
    declarant.get_by_role("button", name="Envoyer la déclaration").click()
    expect(declarant.get_by_role("heading", name="Votre déclaration est envoyée")).to_be_visible()
    assert violations_graves(declarant) == []

    # 2. Le Département donne son accord.
    departement = nouvelle_page()
    se_connecter(departement, live_server, "referent.cd13@demo.gouv.fr")
    departement.goto(f"{live_server.url}/pratiques/")
    departement.get_by_role("link", name="Demandes d'accord du Département").click()
    departement.get_by_role("link", name=INTITULE).click()
    departement.get_by_text("Le Département donne son accord").click()
    departement.get_by_role("button", name="Transmettre la réponse").click()
    expect(departement.get_by_text("Votre réponse a été transmise au comité de sélection.")).to_be_visible()

    # 3. Le comité examine et demande un complément.
    comite = nouvelle_page()
    se_connecter(comite, live_server, "comite@demo.gouv.fr")
    comite.goto(f"{live_server.url}/pratiques/comite/")
    comite.get_by_role("link", name=INTITULE).click()
    expect(comite.get_by_text("Accord donné").first).to_be_visible()
    changer_statut(comite, "Recevable")
    changer_statut(comite, "En examen")
    comite.get_by_text("Réservé", exact=True).click()
    comite.get_by_label("Commentaire").fill("Combien de familles ?")
    comite.get_by_role("button", name="Enregistrer mon avis").click()
    changer_statut(comite, "Compléments demandés", motif="Indiquez le nombre de familles accueillies.")

    # 4. Le déclarant complète avec le lien reçu par e-mail.
    courriel = next(m for m in reversed(mail.outbox) if "Compléments demandés" in m.subject)
    lien = re.search(r"https?://\S+/pratiques/reprendre/\S+/", courriel.body).group(0)
    lien = re.sub(r"^https?://[^/]+", live_server.url, lien)
    declarant.goto(lien)
    expect(declarant.get_by_text("Indiquez le nombre de familles accueillies.")).to_be_visible()
    description = declarant.get_by_label("Description de la pratique")
    description.fill(description.input_value() + " Trente familles par an.")
    declarant.get_by_role("button", name="Enregistrer et continuer").click()
    declarant.get_by_role("button", name="Enregistrer et continuer").click()
    declarant.get_by_label("Votre réponse au comité").fill("Trente familles par an, ajouté à la description.")
    declarant.get_by_role("button", name="Renvoyer au comité").click()
    expect(declarant.get_by_role("heading", name="Votre déclaration est envoyée")).to_be_visible()

    # 5. Le comité retient la pratique en séance puis la publie.
    comite.reload()
    expect(comite.get_by_text("Trente familles par an, ajouté à la description.")).to_be_visible()
    changer_statut(comite, "Retenue", seance="Séance plénière du 02/10/2025")
    changer_statut(comite, "Publiée")

    # 6. Elle apparaît dans la bibliothèque publique et se retrouve par un filtre.
    public = nouvelle_page()
    public.goto(f"{live_server.url}/pratiques/")
    public.get_by_label("Thématique").select_option(label="Maintien des liens parents-enfants")
    public.get_by_label("Département").select_option(label="Bouches-du-Rhône (13)")
    public.get_by_label("Public visé").select_option(label="Parents")
    public.get_by_role("button", name="Rechercher").click()
    expect(public.get_by_role("status")).to_have_text("1 fiche publiée pour ces critères")
    assert violations_graves(public) == []
    public.get_by_role("link", name=INTITULE).click()
    expect(public.get_by_role("heading", level=1)).to_have_text(INTITULE)
    expect(public.get_by_text("Trente familles par an.")).to_be_visible()
    assert violations_graves(public) == []

    # Une fiche dispositif de l'ONPE, publique elle aussi.
    public.goto(f"{live_server.url}/pratiques/?nature=dispositif")
    public.get_by_role("link", name="Les unités d'accueil pédiatriques enfants en danger (UAPED)").click()
    expect(public.get_by_text("Clés de réussite")).to_be_visible()
    assert violations_graves(public) == []
