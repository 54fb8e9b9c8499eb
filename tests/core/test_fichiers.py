"""Le contrôle unique des fichiers déposés (core.fichiers) et la réponse unique de téléchargement
(core.telechargement), sur les quatre chemins de dépôt : espace partagé (ressource et nouvelle version), pièce d'un
relevé, document d'une étape du rapport, pièces jointes d'une pratique.

Le même corpus hostile passe par les vraies vues, en HTTP : chaque fichier est refusé avec un message français sous
le champ, rien n'est stocké, les autres champs restent remplis, jamais d'erreur 500. Chaque téléchargement répond
`attachment`, `nosniff` et la CSP `default-src 'none'; sandbox`, et rien n'est servi avant l'antivirus quand
CLAMD_HOST est configuré (faux clamd sur une vraie socket : tests/clamd.py).

La première partie reprend les tests de l'ancien tests/espace_partage/test_fichiers.py (assertions gardées)."""

import html
import io
import re
import zipfile
import zlib
from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from config.celery import app as celery_app
from core import antivirus
from core import tasks as taches
from core.enums import Analyse, Role
from core.fichiers import nettoyer_nom, verifier_fichier, verifier_nom
from core.referentiels import GROUPE_COMITE_SELECTION
from espace_partage.models import Ressource, VersionFichier
from tests import factories
from tests.clamd import EICAR
from tests.espace_partage.conftest import PDF, espace_departement, fichiers_stockes, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def taches_dans_le_processus():
    """Les analyses s'exécutent dans le test, même quand REDIS_URL désigne un broker (CI PostgreSQL)."""
    avant = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = avant


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
    from core.fichiers import taille_lisible, taille_max

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


# --- Le même corpus hostile sur chaque chemin de dépôt, par les vraies vues -------------------------------------


def zip_de(parties):
    flux = io.BytesIO()
    with zipfile.ZipFile(flux, "w") as archive:
        for nom, contenu in parties.items():
            archive.writestr(nom, contenu)
    return flux.getvalue()


def image(format_):
    from PIL import Image

    flux = io.BytesIO()
    Image.new("RGB", (4, 4), "navy").save(flux, format_)
    return flux.getvalue()


def docx_vrai():
    import docx

    document = docx.Document()
    document.add_paragraph("Compte rendu de la réunion du comité de pilotage.")
    flux = io.BytesIO()
    document.save(flux)
    return flux.getvalue()


def pdf_avec(actions):
    return PDF.replace(b"/Type /Catalog", b"/Type /Catalog " + actions)


def pdf_flux_compresse(objets):
    """Un PDF 1.5 dont les objets sont rangés dans un flux d'objets compressé (ObjStm) : rien n'est lisible en clair."""
    flux = zlib.compress(objets)
    entete = b"2 0 obj << /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n" % len(flux)
    return (
        b"%PDF-1.5\n1 0 obj << /Type /Catalog /OpenAction 3 0 R >> endobj\n"
        + entete
        + flux
        + b"\nendstream\nendobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    )


ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 400
MZ = b"MZ\x90\x00\x03" + b"\x00" * 400
OLE_AVEC_MACROS = (
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "_VBA_PROJECT_CUR".encode("utf-16-le") + b"\x00" * 200
)
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
ACTION_PDF = "action automatique"
TRES_PETITE_LIMITE = 64 * 1024

# cas → (nom du fichier, contenu, un des morceaux attendus du message d'erreur)
CORPUS = {
    "executable_elf_renomme_pdf": ("rapport.pdf", ELF, ("type ELF",)),
    "executable_windows_renomme_docx": ("rapport.docx", MZ, ("type EXE",)),
    "polyglotte_pdf_zip": ("rapport.pdf", PDF + zip_de({"programme.exe": MZ}), ("polyglotte",)),
    "polyglotte_png_html": (
        "photo.png",
        image("PNG") + b"<html><script>alert(document.cookie)</script></html>",
        ("polyglotte",),
    ),
    "polyglotte_gif_html": ("photo.png", b"GIF89a/*<html><script>alert(1)</script></html>*/=1;", ("type GIF",)),
    "macro_docx": (
        "modele.docx",
        zip_de({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>", "word/vbaProject.bin": MZ}),
        ("macros",),
    ),
    "xlsm_renomme_xlsx": (
        "tableau.xlsx",
        zip_de(
            {
                "[Content_Types].xml": '<Types><Override PartName="/xl/workbook.xml" '
                'ContentType="application/vnd.ms-excel.sheet.macroEnabled.main+xml"/></Types>',
                "xl/workbook.xml": "<workbook/>",
                "xl/vbaProject.bin": MZ,
            }
        ),
        ("macros",),
    ),
    "doc_ole_avec_macros_renomme_docx": ("ancien.docx", OLE_AVEC_MACROS, ("macros",)),
    "archive_renommee_docx": ("rapport.docx", zip_de({"programme.exe": MZ}), ("programme",)),
    "pdf_javascript": (
        "formulaire.pdf",
        pdf_avec(b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"),
        (ACTION_PDF,),
    ),
    "pdf_javascript_nom_echappe": (
        "formulaire.pdf",
        pdf_avec(b"/OpenAction << /S /J#61vaScript /J#53 (x) >>"),
        (ACTION_PDF,),
    ),
    "pdf_javascript_compresse": (
        "formulaire.pdf",
        pdf_flux_compresse(b"3 0 << /S /JavaScript /JS (app.alert(1)) >>"),
        (ACTION_PDF,),
    ),
    "pdf_lancement": ("notice.pdf", pdf_avec(b"/OpenAction << /S /Launch /F (cmd.exe) >>"), (ACTION_PDF,)),
    "pdf_fichier_incorpore": (
        "notice.pdf",
        pdf_avec(b"/Names << /EmbeddedFiles << /Names [(a.exe) 2 0 R] >> >>"),
        (ACTION_PDF,),
    ),
    "svg_avec_script": ("logo.svg", SVG, ("(.svg)",)),
    "svg_renomme_png": ("logo.png", SVG, ("type inconnu",)),
    "html_en_txt": ("notes.txt", b"<html><script>alert(document.cookie)</script></html>", ("HTML", "(.txt)")),
    "html_en_csv": ("donnees.csv", b"nom;valeur\n<script>alert(1)</script>;1\n", ("HTML", "(.csv)")),
    "html_renomme_pdf": ("rapport.pdf", b"<!DOCTYPE html><html><body>Bonjour</body></html>", ("type inconnu",)),
    "vide": ("vide.pdf", b"", ("vide",)),
    "trop_gros": (
        "gros.pdf",
        PDF + b"0" * (TRES_PETITE_LIMITE + 1),
        ("la taille maximale autorisée est de 64\u00a0Ko",),
    ),
}


class Chemin:
    """Un chemin de dépôt : la page du formulaire, ses autres champs, ce qu'il stocke, où se télécharge le fichier."""

    champ = "fichier"
    texte_garde = None  # ce que la personne a tapé dans un autre champ, à retrouver dans la page réaffichée

    def __init__(self, client, acteurs):
        self.client, self.acteurs = client, acteurs

    def donnees(self):
        return {}

    def envoyer(self, nom, contenu):
        return self.client.post(self.url, {**self.donnees(), self.champ: SimpleUploadedFile(nom, contenu)})

    def envoyer_brut(self, nom, contenu):
        """Un envoi multipart écrit à la main : le client de test retirerait lui-même le chemin du nom."""
        limite = "----frontiere"
        parties = [
            f'--{limite}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
            for k, v in self.donnees().items()
        ]
        parties.append(
            f'--{limite}\r\nContent-Disposition: form-data; name="{self.champ}"; filename="{nom}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n".encode()
            + contenu
            + f"\r\n--{limite}--\r\n".encode()
        )
        return self.client.generic("POST", self.url, b"".join(parties), f"multipart/form-data; boundary={limite}")

    def stockes(self):
        return list(self.modele.objects.exclude(**{self.modele.CHAMP_FICHIER: ""}))

    def telechargeur(self):
        """Connecte quelqu'un qui a le droit de télécharger (le dépôt des pratiques est public)."""


class CheminEspace(Chemin):
    modele = VersionFichier
    texte_garde = "Un résumé conservé après l'erreur."

    def __init__(self, client, acteurs):
        super().__init__(client, acteurs)
        client.force_login(acteurs["contributeur_cd13"])
        self.url = reverse("espace_partage:ajouter", args=[espace_departement("13").pk])

    def donnees(self):
        return {"titre": "Ma ressource", "resume": self.texte_garde, "section": "modeles"}

    def url_telechargement(self, objet):
        return objet.get_absolute_url()

    def url_page(self, objet):
        return objet.ressource.get_absolute_url()


class CheminEspaceVersion(CheminEspace):
    texte_garde = None

    def __init__(self, client, acteurs):
        super().__init__(client, acteurs)
        from espace_partage import services

        ressource = services.deposer_ressource(
            espace_departement("13"),
            acteurs["contributeur_cd13"],
            section="modeles",
            titre="Lien à remplacer par un fichier",
            resume="Une ressource sans fichier.",
            lien="https://exemple.fr",
        )
        self.url = reverse("espace_partage:nouvelle_version", args=[ressource.pk])

    def donnees(self):
        return {}


class CheminReleve(Chemin):
    champ = "piece"
    texte_garde = "Des faits conservés après l'erreur : 12 familles reçues."

    def __init__(self, client, acteurs):
        from suivi.models import PieceJointe
        from tests.suivi import fabriques

        super().__init__(client, acteurs)
        self.modele = PieceJointe
        fiche = fabriques.fiche(factories.contrat("cd-13"), referent=acteurs["referent_cd13"])
        self.indicateur = fabriques.indicateur_qualitatif(fiche)
        client.force_login(acteurs["contributeur_cd13"])
        self.url = reverse("suivi:releve_creer", args=[fiche.pk])

    def donnees(self):
        return {
            "indicateur": self.indicateur.pk,
            "date_observation": "2026-05-14",
            "situation": "École maternelle Saint-Just",
            "faits": self.texte_garde,
        }

    def url_telechargement(self, objet):
        return reverse("suivi:piece", args=[objet.releve_id, objet.pk])

    def url_page(self, objet):
        return reverse("suivi:releve", args=[objet.releve_id])


class CheminRapport(Chemin):
    champ = "document"
    texte_garde = "Commentaire conservé après l'erreur : courrier du préfet."

    def __init__(self, client, acteurs):
        from contractualisation.enums import StatutContrat
        from rapports import services
        from rapports.models import EtapeFranchie

        super().__init__(client, acteurs)
        self.modele = EtapeFranchie
        self.contrat = factories.contrat("cd-13")
        self.contrat.statut, self.contrat.date_signature = StatutContrat.SIGNE, date(2025, 9, 22)
        self.contrat.save()
        services.ouvrir_rapport(self.contrat, 2025, acteurs["referent_cd13"])
        client.force_login(acteurs["referent_cd13"])
        self.url = reverse("rapports:etape", args=[self.contrat.slug, 2025])
        # La version du formulaire d'étape (core/concurrence.py) : l'étape lue à l'ouverture de la page.
        self.version = client.get(self.url).context["form"]["version"].value()

    def donnees(self):
        return {"date": "2026-05-04", "commentaire": self.texte_garde, "version": self.version}

    def url_telechargement(self, objet):
        return reverse("rapports:document", args=[self.contrat.slug, 2025, objet.pk])

    def url_page(self, objet):
        return reverse("rapports:rapport", args=[self.contrat.slug, 2025])


class CheminPratique(Chemin):
    champ = "pieces"
    texte_garde = 'value="Camille Durand"'

    def __init__(self, client, acteurs):
        from pratiques.models import PieceJointe
        from tests.pratiques.test_declaration import commencer, etape, localisation, presentation

        super().__init__(client, acteurs)
        self.modele = PieceJointe
        commencer(client)
        client.post(etape(2), presentation())
        client.post(etape(3), localisation())
        self.url = etape(4)

    def donnees(self):
        from tests.pratiques.test_declaration import contact

        return contact()

    def telechargeur(self):
        membre = factories.membre(factories.institution("fep"), Role.CONTRIBUTEUR)
        Group.objects.get(name=GROUPE_COMITE_SELECTION).user_set.add(membre)
        self.client.force_login(membre)

    def url_telechargement(self, objet):
        return reverse("pratiques:piece", args=[objet.pk])

    def url_page(self, objet):
        return reverse("pratiques:instruction", args=[objet.pratique_id])


CHEMINS = {
    "espace_partage": CheminEspace,
    "espace_partage_version": CheminEspaceVersion,
    "releve": CheminReleve,
    "rapport": CheminRapport,
    "pratique": CheminPratique,
}


@pytest.fixture(params=CHEMINS)
def chemin(request, client, acteurs):
    return CHEMINS[request.param](client, acteurs)


def erreur_sous_le_champ(page, champ):
    """Le texte d'erreur DSFR affiché sous le champ (django-dsfr : `<div id="id_<champ>-desc-error">`)."""
    trouve = re.search(rf'<div id="id_{champ}-desc-error">(.*?)</div>', page, re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", trouve.group(1))) if trouve else ""


@pytest.mark.parametrize("cas", CORPUS)
def test_le_corpus_hostile_est_refuse_sur_chaque_chemin(chemin, media, settings, cas):
    nom, contenu, attendus = CORPUS[cas]
    settings.CONTRAT_ENFANCE = {**settings.CONTRAT_ENFANCE, "TAILLE_MAX_FICHIER": TRES_PETITE_LIMITE}
    settings.PRATIQUES_TAILLE_MAX_PIECE = TRES_PETITE_LIMITE
    reponse = chemin.envoyer(nom, contenu)
    assert reponse.status_code == 200, cas
    page = reponse.content.decode()
    erreur = erreur_sous_le_champ(page, chemin.champ)
    assert any(attendu in erreur for attendu in attendus), (cas, erreur)
    if chemin.texte_garde:
        assert chemin.texte_garde in html.unescape(page)  # rien de ce qui a été saisi n'est perdu
    assert chemin.stockes() == [] and fichiers_stockes(media) == []


BONS = {
    "pdf": ("Délibération 2026.pdf", PDF, "application/pdf"),
    "docx": (
        "compte-rendu.docx",
        docx_vrai(),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "png": ("photo de l'atelier.png", image("PNG"), "image/png"),
}


@pytest.mark.parametrize("bon", BONS)
def test_un_bon_fichier_est_accepte_et_servi_en_piece_jointe_sandboxee(chemin, media, bon):
    nom, contenu, type_mime = BONS[bon]
    reponse = chemin.envoyer(nom, contenu)
    assert reponse.status_code == 302, erreur_sous_le_champ(reponse.content.decode(), chemin.champ)
    (objet,) = chemin.stockes()
    assert objet.nom_depose == nom and objet.analyse == Analyse.NON_ANALYSE  # pas d'antivirus configuré ici
    (stocke,) = fichiers_stockes(media)
    assert stocke.read_bytes() == contenu and stocke.name == objet.fichier_depose.name.rsplit("/", 1)[-1]
    assert "." not in stocke.name  # nom tiré au hasard par le serveur, sans extension
    chemin.telechargeur()
    telecharge = chemin.client.get(chemin.url_telechargement(objet))
    assert telecharge.status_code == 200
    assert b"".join(telecharge.streaming_content) == contenu
    assert telecharge["Content-Type"] == type_mime
    assert telecharge["Content-Disposition"].startswith("attachment; filename")
    assert telecharge["X-Content-Type-Options"] == "nosniff"
    assert telecharge["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "no-store" in telecharge["Cache-Control"]
    page = chemin.client.get(chemin.url_page(objet)).content.decode()
    assert chemin.url_telechargement(objet) in page and "Non analysé" in page


def test_nom_accentue_selon_la_rfc_5987(client, acteurs):
    chemin = CheminReleve(client, acteurs)
    chemin.envoyer('Délibération n°3 "finale".pdf', PDF)
    (objet,) = chemin.stockes()
    assert objet.nom_depose == "Délibération n°3 _finale_.pdf"
    reponse = client.get(chemin.url_telechargement(objet))
    assert (
        reponse["Content-Disposition"]
        == "attachment; filename*=utf-8''D%C3%A9lib%C3%A9ration%20n%C2%B03%20_finale_.pdf"
    )


def test_un_chemin_dans_le_nom_est_retire_et_le_nom_propre_est_garde(chemin, media):
    reponse = chemin.envoyer_brut("../../etc/passwd.pdf", PDF)
    assert reponse.status_code == 302
    (objet,) = chemin.stockes()
    assert objet.nom_depose == "passwd.pdf"
    assert "passwd" not in objet.fichier_depose.name and ".." not in objet.fichier_depose.name
    (stocke,) = fichiers_stockes(media)
    assert stocke.is_relative_to(media)


@pytest.mark.parametrize(
    "brut,propre",
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\Windows\\rapport.pdf", "rapport.pdf"),
        ("facture\u202efdp.exe.pdf", "facturefdp.exe.pdf"),  # l'inversion du sens d'écriture ne cache plus rien
        ("bilan\x00\x07\r\n 2026 .pdf", "bilan 2026 .pdf"),
        (".htaccess", "htaccess"),
        ('a<b>:c|d?e*"f.pdf', "a_b__c_d_e__f.pdf"),
        ("x" * 300 + ".pdf", "x" * 146 + ".pdf"),
        ("Trame\u00a0PPE.pdf", "Trame PPE.pdf"),
    ],
)
def test_nettoyer_nom(brut, propre):
    assert nettoyer_nom(brut) == propre


def test_pratiques_plusieurs_pieces_une_mauvaise_refuse_tout_avec_son_nom(client, acteurs, media):
    chemin = CheminPratique(client, acteurs)
    reponse = client.post(
        chemin.url,
        {
            **chemin.donnees(),
            "pieces": [SimpleUploadedFile("note.pdf", PDF), SimpleUploadedFile("modele.docx", CORPUS["macro_docx"][1])],
        },
    )
    erreur = erreur_sous_le_champ(reponse.content.decode(), "pieces")
    assert "« modele.docx » : Ce document contient des macros" in erreur and "note.pdf" not in erreur
    assert chemin.stockes() == [] and fichiers_stockes(media) == []


def test_chaque_formulaire_annonce_ses_types_et_limite_le_selecteur(chemin):
    page = html.unescape(chemin.client.get(chemin.url).content.decode())
    assert "Types acceptés : PDF" in page and "Taille maximale : " in page
    assert re.search(rf'<input type="file" name="{chemin.champ}"[^>]*accept="\.pdf,', page), page


@pytest.mark.parametrize(
    "service",
    ["espace_partage", "releve", "rapport", "pratique"],
)
def test_les_services_controlent_aussi_ce_qui_ne_vient_pas_d_un_formulaire(acteurs, service):
    from django.core.files.base import ContentFile

    piege = ContentFile(ELF, name="rapport.pdf")
    with pytest.raises(ValidationError, match="ELF"):
        if service == "espace_partage":
            from espace_partage import services

            services.deposer_ressource(
                espace_departement("13"),
                acteurs["contributeur_cd13"],
                section="modeles",
                titre="t",
                resume="r",
                fichier=piege,
            )
        elif service == "releve":
            from suivi import services
            from tests.suivi import fabriques

            indicateur = fabriques.indicateur_qualitatif(fabriques.fiche(factories.contrat("cd-13")))
            releve = services.creer_releve(
                indicateur, acteurs["contributeur_cd13"], date_observation=date(2026, 5, 1), situation="s", faits="f"
            )
            services.ajouter_piece(releve, acteurs["contributeur_cd13"], piege)
        elif service == "rapport":
            from rapports import services
            from rapports.enums import EtapeRapport

            rapport = services.ouvrir_rapport(factories.contrat("cd-13"), 2025, acteurs["referent_cd13"])
            services.franchir_etape(
                rapport, EtapeRapport.PROPOSE, acteurs["referent_cd13"], date(2026, 5, 4), document=piege
            )
        else:
            from pratiques import services
            from tests.pratiques.conftest import pratique

            services.ajouter_pieces(pratique(), [piege])


# --- Antivirus : rien n'est servi avant d'avoir été déclaré sain, sur chaque chemin --------------------------------


def test_en_production_rien_n_est_servi_avant_l_analyse(chemin, clamd, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as rappels:
        assert chemin.envoyer("compte-rendu.pdf", PDF).status_code == 302
    (objet,) = chemin.stockes()
    assert objet.analyse == Analyse.EN_ATTENTE
    chemin.telechargeur()
    url = chemin.url_telechargement(objet)
    assert chemin.client.get(url).status_code == 404
    page = chemin.client.get(chemin.url_page(objet)).content.decode()
    assert "Analyse antivirus en cours" in page and url not in page
    for rappel in rappels:  # la transaction est validée : le worker Celery analyse
        rappel()
    objet.refresh_from_db()
    assert objet.analyse == Analyse.SAIN and clamd.flux_recus == [PDF]
    reponse = chemin.client.get(url)
    assert reponse.status_code == 200 and b"".join(reponse.streaming_content) == PDF
    assert reponse["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_un_virus_est_supprime_et_jamais_servi(chemin, clamd, media, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert chemin.envoyer("piege.pdf", PDF + EICAR).status_code == 302
    objet = chemin.modele.objects.order_by("pk").last()
    assert objet.analyse == Analyse.INFECTE and not objet.fichier_depose
    assert fichiers_stockes(media) == []
    chemin.telechargeur()
    assert chemin.client.get(chemin.url_telechargement(objet)).status_code == 404
    assert "Virus détecté" in chemin.client.get(chemin.url_page(objet)).content.decode()


def test_un_fichier_depose_avant_l_antivirus_attend_son_analyse(chemin, clamd, settings):
    hote = settings.CLAMD_HOST
    settings.CLAMD_HOST = ""
    chemin.envoyer("ancien.pdf", PDF)
    (objet,) = chemin.stockes()
    assert objet.analyse == Analyse.NON_ANALYSE
    settings.CLAMD_HOST = hote  # l'antivirus est configuré ensuite : plus rien de non analysé n'est servi
    chemin.telechargeur()
    url = chemin.url_telechargement(objet)
    assert chemin.client.get(url).status_code == 404
    assert taches.reprendre_analyses() == 1  # Celery beat, ou `manage.py analyser_fichiers`
    objet.refresh_from_db()
    assert objet.analyse == Analyse.SAIN
    assert chemin.client.get(url).status_code == 200


def test_clamd_en_panne_bloque_puis_l_analyse_reprend(
    client, acteurs, clamd, settings, django_capture_on_commit_callbacks
):
    port = settings.CLAMD_PORT
    settings.CLAMD_PORT, settings.CLAMD_TIMEOUT = 9, 1  # personne n'écoute
    chemin = CheminReleve(client, acteurs)
    with django_capture_on_commit_callbacks(execute=True):
        chemin.envoyer("compte-rendu.pdf", PDF)
    (objet,) = chemin.stockes()
    assert objet.analyse == Analyse.ERREUR
    assert client.get(chemin.url_telechargement(objet)).status_code == 404
    settings.CLAMD_PORT = port
    assert taches.reprendre_analyses() == 1
    objet.refresh_from_db()
    assert objet.analyse == Analyse.SAIN and client.get(chemin.url_telechargement(objet)).status_code == 200


def test_protocole_instream_par_morceaux(clamd):
    contenu = bytes(range(256)) * 1000  # 256 000 octets : quatre morceaux de 64 Ko
    assert antivirus.analyser(io.BytesIO(contenu)) is None
    assert clamd.flux_recus == [contenu]
    assert antivirus.analyser(io.BytesIO(b"avant " + EICAR + b" apres")) == "Eicar-Test-Signature"


def test_clamd_refuse_un_flux_trop_long(clamd):
    clamd.longueur_max = 1000
    with pytest.raises(antivirus.AntivirusIndisponible, match="size limit"):
        antivirus.analyser(io.BytesIO(b"x" * 5000))


def test_clamd_injoignable(settings):
    settings.CLAMD_HOST, settings.CLAMD_PORT, settings.CLAMD_TIMEOUT = "127.0.0.1", 9, 1
    with pytest.raises(antivirus.AntivirusIndisponible):
        antivirus.analyser(io.BytesIO(b"x"))


def test_commande_analyser_fichiers(clamd, acteurs, client, settings):
    from django.core.management import call_command

    hote, settings.CLAMD_HOST = settings.CLAMD_HOST, ""
    CheminEspace(client, acteurs).envoyer("guide.pdf", PDF)
    settings.CLAMD_HOST = hote
    sortie = io.StringIO()
    call_command("analyser_fichiers", stdout=sortie)
    assert "1 fichier(s) à analyser" in sortie.getvalue()
    assert VersionFichier.objects.get().analyse == Analyse.SAIN


# --- Service des fichiers : nginx (X-Accel-Redirect) sur disque, lecture par le stockage sur S3 ----------------


def test_derriere_nginx_chaque_chemin_sert_par_x_accel_redirect(chemin, settings):
    settings.FICHIERS_X_ACCEL_PREFIXE = "/fichiers-proteges/"
    chemin.envoyer("guide.pdf", PDF)
    (objet,) = chemin.stockes()
    chemin.telechargeur()
    reponse = chemin.client.get(chemin.url_telechargement(objet))
    assert reponse["X-Accel-Redirect"] == f"/fichiers-proteges/{objet.fichier_depose.name}"
    assert reponse.content == b""
    assert reponse["Content-Disposition"] == 'attachment; filename="guide.pdf"'
    assert reponse["X-Content-Type-Options"] == "nosniff"
    assert reponse["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_sur_un_stockage_objet_le_fichier_est_lu_par_le_stockage(chemin, settings, media):
    """Un stockage qui n'est pas un disque (S3, ici en mémoire) : pas de X-Accel-Redirect, lecture par
    `storage.open`, jamais par un chemin."""
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    settings.FICHIERS_X_ACCEL_PREFIXE = "/fichiers-proteges/"
    assert chemin.envoyer("guide.pdf", PDF).status_code == 302
    assert fichiers_stockes(media) == []
    (objet,) = chemin.stockes()
    chemin.telechargeur()
    reponse = chemin.client.get(chemin.url_telechargement(objet))
    assert "X-Accel-Redirect" not in reponse
    assert b"".join(reponse.streaming_content) == PDF
    assert reponse["Content-Security-Policy"] == "default-src 'none'; sandbox"
