import pytest
from playwright.sync_api import expect

from demo.donnees import MOT_DE_PASSE_DEMO, creer_donnees_demo

from .conftest import violations_graves

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def connecte(navigateur, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    creer_donnees_demo()
    contextes = []

    def ouvrir(email):
        contexte = navigateur.new_context(
            viewport={"width": 1280, "height": 900}, locale="fr-FR", accept_downloads=True
        )
        contextes.append(contexte)
        page = contexte.new_page()
        page.set_default_timeout(15000)
        page.goto(f"{live_server.url}/connexion/")
        page.get_by_label("Adresse e-mail").fill(email)
        page.get_by_label("Mot de passe").fill(MOT_DE_PASSE_DEMO)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url(f"{live_server.url}/")
        return page

    yield ouvrir
    for contexte in contextes:
        contexte.close()


def test_deposer_trouver_telecharger_mettre_en_avant(connecte):
    # Un contributeur du Département dépose une charte dans l'espace des Bouches-du-Rhône.
    page = connecte("contributeur.cd13@demo.gouv.fr")
    page.get_by_role("link", name="Espace partagé", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Espace partagé")
    assert violations_graves(page) == []
    page.get_by_role("link", name="Espace départemental — Bouches-du-Rhône (13)").first.click()
    assert violations_graves(page) == []
    page.get_by_role("link", name="Ajouter une ressource").click()
    page.get_by_label("Titre").fill("Charte d'accueil des assistants familiaux")
    page.get_by_label("Résumé").fill("Les engagements réciproques du service et des assistants familiaux.")
    page.locator("label.fr-label", has_text="Modèles").click()
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "charte-accueil.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_label("Thèmes").fill("accueil familial")
    assert violations_graves(page) == []
    page.get_by_role("button", name="Ajouter la ressource").click()
    expect(
        page.get_by_text("La ressource « Charte d'accueil des assistants familiaux » a été ajoutée.")
    ).to_be_visible()
    assert violations_graves(page) == []

    # Une autre personne du territoire la trouve par la recherche et la télécharge.
    page = connecte("referent.prefecture13@demo.gouv.fr")
    page.goto(page.url + "espace-partage/")
    page.get_by_label("Rechercher dans les espaces").fill("charte accueil")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_text("1 résultat")).to_be_visible()
    assert violations_graves(page) == []
    page.get_by_role("link", name="Charte d'accueil des assistants familiaux").click()
    with page.expect_download() as telechargement:
        page.get_by_role("link", name="Télécharger charte-accueil.pdf").click()
    fichier = telechargement.value
    assert fichier.suggested_filename == "charte-accueil.pdf"
    with open(fichier.path(), "rb") as contenu:
        assert contenu.read() == PDF

    # L'animatrice de l'espace (référente du Département) la met en avant pour le trimestre.
    page = connecte("referent.cd13@demo.gouv.fr")
    page.goto(page.url + "espace-partage/")
    page.get_by_role("link", name="Espace départemental — Bouches-du-Rhône (13)").first.click()
    page.get_by_role("link", name="Charte d'accueil des assistants familiaux").click()
    assert violations_graves(page) == []
    page.get_by_role("button", name="Mettre en avant ce trimestre").click()
    expect(page.get_by_text("mise en avant ce trimestre, en tête de l'espace")).to_be_visible()
    page.get_by_role("link", name="Espace départemental — Bouches-du-Rhône (13)").first.click()
    premiere = page.locator(".ce-ressource").first
    assert "Charte d'accueil des assistants familiaux" in premiere.inner_text()
    assert "MISE EN AVANT DU TRIMESTRE" in premiere.inner_text()  # badge DSFR, en capitales

    # Les autres pages d'animation restent accessibles.
    page.get_by_role("link", name="Publier une actualité").click()
    page.get_by_label("Titre").fill("Nouvelle charte")
    page.get_by_label("Texte").fill("La charte d'accueil des assistants familiaux est en ligne.")
    assert violations_graves(page) == []
    page.get_by_role("button", name="Publier").click()
    expect(page.get_by_role("heading", name="Nouvelle charte")).to_be_visible()
    page.get_by_role("link", name="Inviter").click()
    assert violations_graves(page) == []


def test_fichier_refuse_message_au_bon_endroit(connecte):
    page = connecte("contributeur.cd13@demo.gouv.fr")
    page.goto(page.url + "espace-partage/")
    page.get_by_role("link", name="Espace départemental — Bouches-du-Rhône (13)").first.click()
    page.get_by_role("link", name="Ajouter une ressource").click()
    page.get_by_label("Titre").fill("Logo")
    page.get_by_label("Résumé").fill("Le logo du service.")
    page.locator("label.fr-label", has_text="Outils pratiques").click()
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "logo.svg", "mimeType": "image/svg+xml", "buffer": b"<svg><script>alert(1)</script></svg>"}]
    )
    page.get_by_role("button", name="Ajouter la ressource").click()
    expect(page.get_by_text("Ce type de fichier n'est pas accepté (.svg)")).to_be_visible()
    assert page.get_by_label("Titre").input_value() == "Logo"
    assert violations_graves(page) == []
