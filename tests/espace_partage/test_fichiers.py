"""Le corpus de mauvais fichiers : chacun est refusé avec un message, rien n'est stocké, jamais d'erreur 500."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from espace_partage.fichiers import verifier_fichier, verifier_nom
from espace_partage.models import Ressource, VersionFichier

from .conftest import PDF, espace_departement, fichiers_stockes, xlsx

pytestmark = pytest.mark.django_db


def png():
    from PIL import Image

    flux = io.BytesIO()
    Image.new("RGB", (2, 2), "white").save(flux, "PNG")
    return flux.getvalue()


def office(nom_interne_macro=None, dossier="word"):
    flux = io.BytesIO()
    with zipfile.ZipFile(flux, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{dossier}/document.xml", "<document/>")
        if nom_interne_macro:
            archive.writestr(nom_interne_macro, b'Attribute VB_Name = "Module1"')
    return flux.getvalue()


def odt(macro=False):
    flux = io.BytesIO()
    with zipfile.ZipFile(flux, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
        if macro:
            archive.writestr("Basic/Standard/Module1.xml", "<script:module>Sub Main</script:module>")
    return flux.getvalue()


MAUVAIS = {
    "html_avec_entete_png": ("photo.png", b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>", "image"),
    "html_renomme_en_pdf": ("rapport.pdf", b"<!DOCTYPE html><html><body>Bonjour</body></html>", "ne correspond pas"),
    "html_renomme_en_txt": ("notes.txt", b"<html><script>alert(document.cookie)</script></html>", "HTML"),
    "executable_renomme": ("rapport.pdf", b"MZ\x90\x00\x03" + b"\x00" * 400, "EXE"),
    "executable_renomme_en_csv": ("donnees.csv", b"MZ\x90\x00\x03" + b"\x00" * 400, "ne correspond pas"),
    "docx_avec_macro": ("modele.docx", office("word/vbaProject.bin"), "macros"),
    "xlsx_avec_macro": ("tableau.xlsx", office("xl/vbaProject.bin", dossier="xl"), "macros"),
    "odt_avec_macro_basic": ("compte-rendu.odt", odt(macro=True), "macros"),
    "docm": ("modele.docm", office("word/vbaProject.bin"), ".docm"),
    "xlsm": ("tableau.xlsm", office("xl/vbaProject.bin", dossier="xl"), ".xlsm"),
    "svg_avec_script": ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "SVG"),
    "svg_renomme_en_png": ("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', ""),
    "pdf_avec_javascript": (
        "formulaire.pdf",
        PDF.replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >>"),
        "JavaScript",
    ),
    "vide": ("vide.pdf", b"", "vide"),
    "sans_extension": ("rapport", PDF, "sans extension"),
    "html": ("page.html", b"<html></html>", "(.html)"),
}


@pytest.mark.parametrize("cas", MAUVAIS)
def test_mauvais_fichier_refuse_avec_message_et_rien_stocke(client, acteurs, media, cas):
    nom, contenu, extrait = MAUVAIS[cas]
    client.force_login(acteurs["contributeur_cd13"])
    espace = espace_departement("13")
    reponse = client.post(
        reverse("espace_partage:ajouter", args=[espace.pk]),
        {
            "titre": "Ma ressource",
            "resume": "Un résumé conservé après l'erreur.",
            "section": "modeles",
            "fichier": SimpleUploadedFile(nom, contenu),
        },
    )
    assert reponse.status_code == 200
    erreurs = " ".join(reponse.context["form"].errors.get("fichier", []))
    assert erreurs and extrait in erreurs, erreurs
    page = reponse.content.decode()
    assert "Un résumé conservé après l&#x27;erreur." in page  # rien de ce qui a été saisi n'est perdu
    assert not Ressource.objects.exists() and not VersionFichier.objects.exists()
    assert fichiers_stockes(media) == []


def test_fichier_trop_gros_refuse_avec_la_limite_en_clair(client, acteurs, media, settings):
    settings.CONTRAT_ENFANCE = {**settings.CONTRAT_ENFANCE, "TAILLE_MAX_FICHIER": 2 * 1024 * 1024}
    client.force_login(acteurs["contributeur_cd13"])
    gros = PDF + b"0" * (3 * 1024 * 1024)
    reponse = client.post(
        reverse("espace_partage:ajouter", args=[espace_departement("13").pk]),
        {
            "titre": "Gros",
            "resume": "Trop lourd.",
            "section": "modeles",
            "fichier": SimpleUploadedFile("gros.pdf", gros),
        },
    )
    assert reponse.status_code == 200
    assert reponse.context["form"].errors["fichier"] == [
        "Le fichier pèse 3\u00a0Mo : la taille maximale autorisée est de 2\u00a0Mo."
    ]
    assert fichiers_stockes(media) == []


def test_limite_par_defaut_20_mo():
    from espace_partage.fichiers import taille_lisible, taille_max

    assert taille_lisible(taille_max()) == "20\u00a0Mo"


def corps_multipart(nom_fichier, contenu):
    """Un envoi fabriqué à la main : le client de test de Django retirerait lui-même le chemin du nom."""
    limite = "----frontiere"
    champs = {"titre": "Chemin", "resume": "Nom piégé.", "section": "modeles"}
    parties = [
        f'--{limite}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in champs.items()
    ]
    parties.append(
        f'--{limite}\r\nContent-Disposition: form-data; name="fichier"; filename="{nom_fichier}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + contenu
        + f"\r\n--{limite}--\r\n".encode()
    )
    return b"".join(parties), f"multipart/form-data; boundary={limite}"


@pytest.mark.parametrize("nom", ["../../config/settings", "..\\..\\windows\\system32\\cmd", "../"])
def test_nom_avec_separateurs_refuse(client, acteurs, media, nom):
    client.force_login(acteurs["contributeur_cd13"])
    corps, type_contenu = corps_multipart(nom, b"print('bonjour')\n")
    reponse = client.generic(
        "POST", reverse("espace_partage:ajouter", args=[espace_departement("13").pk]), corps, type_contenu
    )
    assert reponse.status_code == 200
    assert reponse.context["form"].errors["fichier"]
    assert not VersionFichier.objects.exists() and fichiers_stockes(media) == []


@pytest.mark.parametrize("nom", ["dossier/rapport.pdf", "..\\rapport.pdf", "../rapport.pdf", ".htaccess"])
def test_le_controle_refuse_lui_meme_les_chemins(nom):
    with pytest.raises(ValidationError, match="chemin"):
        verifier_nom(nom)


@pytest.mark.parametrize(
    "nom,contenu",
    [
        ("guide.pdf", PDF),
        ("pixel.png", png()),
        ("liste.csv", "nom;département\nÉcole;13\n".encode()),
        ("notes.txt", "Compte rendu — réunion du comité".encode("cp1252")),
        ("modele.docx", office()),
        ("compte-rendu.odt", odt()),
    ],
)
def test_bons_fichiers_acceptes(nom, contenu):
    verifie = verifier_fichier(SimpleUploadedFile(nom, contenu))
    assert verifie.taille == len(contenu) and len(verifie.empreinte) == 64


def test_un_vrai_classeur_xlsx_est_accepte():
    assert verifier_fichier(xlsx()).type_mime.endswith("spreadsheetml.sheet")
