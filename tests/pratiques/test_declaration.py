"""La déclaration publique en quatre étapes : brouillon gardé, lien de reprise, limites vérifiées par le
serveur, pot de miel, limite d'envois, pièces jointes."""

import io
import re
import zipfile

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pratiques.enums import Liste, StatutPratique
from pratiques.models import Pratique, Transition

from .conftest import modalite

pytestmark = pytest.mark.django_db

URL_DEBUT = "/pratiques/declarer/"


def etape(n):
    return f"/pratiques/declarer/etape-{n}/"


def presentation(**champs):
    return {
        "date_mise_en_oeuvre": "21/12/2014",
        "entite": "Association Les Petits Pas",
        "intitule": "Accueil de jour parents-enfants",
        "description": "Un lieu d'accueil pour les familles, ouvert trois jours par semaine.",
        "echelle": modalite(Liste.ECHELLE, "Locale").pk,
        "type_intervention": modalite(Liste.TYPE_INTERVENTION, "Accueil de jour").pk,
        "thematique": modalite(Liste.THEMATIQUE, "Éducation").pk,
        "public": modalite(Liste.PUBLIC, "0 à 3 ans").pk,
        "relais": modalite(Liste.RELAIS, "Association").pk,
        **champs,
    }


def localisation():
    from core.models import Departement

    d13 = Departement.objects.get(code="13")
    return {"region": d13.region_id, "departement": d13.pk, "commune": "Marseille"}


def contact(**champs):
    return {
        "contact_nom": "Camille Durand",
        "contact_fonction": "Directrice",
        "contact_courriel": "camille@exemple.fr",
        "contact_telephone": "04 91 00 00 00",
        **champs,
    }


def commencer(client, courriel="declarant@exemple.fr"):
    reponse = client.post(URL_DEBUT, {"conditions": "on", "courriel": courriel})
    assert reponse.status_code == 302 and reponse["Location"] == etape(2)
    return Pratique.objects.get(courriel_declarant=courriel)


def lien_du_courriel(message):
    return re.search(r"https?://\S+/pratiques/reprendre/\S+/", message.body).group(0)


def test_declaration_complete_anonyme_et_demande_d_accord(client, acteurs):
    pratique = commencer(client)
    assert pratique.statut == StatutPratique.BROUILLON
    assert mail.outbox[0].to == ["declarant@exemple.fr"]
    assert "/pratiques/reprendre/" in mail.outbox[0].body

    assert client.post(etape(2), presentation())["Location"] == etape(3)
    assert client.post(etape(3), localisation())["Location"] == etape(4)
    reponse = client.post(etape(4), contact())
    assert reponse["Location"] == reverse("pratiques:envoyee")

    pratique.refresh_from_db()
    assert pratique.statut == StatutPratique.DEPOSEE
    assert pratique.intitule == "Accueil de jour parents-enfants"
    assert pratique.departement.code == "13"
    assert Transition.objects.get(pratique=pratique).vers == StatutPratique.DEPOSEE
    destinataires = {adresse for m in mail.outbox for adresse in m.to}
    # le référent et l'administrateur du CD 13 sont sollicités, pas celui du CD 47
    assert acteurs["referent_cd13"].email in destinataires
    assert acteurs["admin_cd13"].email in destinataires
    assert acteurs["referent_cd47"].email not in destinataires
    assert acteurs["contributeur_cd13"].email not in destinataires


def test_brouillon_repris_par_le_lien_apres_fermeture(client):
    commencer(client)
    client.post(etape(2), presentation())
    lien = lien_du_courriel(mail.outbox[0])

    from django.test import Client

    autre_navigateur = Client()
    reponse = autre_navigateur.get(lien)
    assert reponse["Location"] == etape(3)
    reponse = autre_navigateur.get(etape(2))
    assert "Accueil de jour parents-enfants" in reponse.content.decode()


def test_lien_inconnu_refuse(client):
    assert client.get("/pratiques/reprendre/jeton-invente/").status_code == 404


def test_etapes_sans_brouillon_ramenent_au_debut(client):
    assert client.get(etape(3))["Location"] == URL_DEBUT


def test_case_des_conditions_obligatoire(client):
    reponse = client.post(URL_DEBUT, {"courriel": "declarant@exemple.fr"})
    assert reponse.status_code == 200
    assert "Cochez la case pour confirmer que vous acceptez les conditions." in reponse.content.decode()
    assert 'value="declarant@exemple.fr"' in reponse.content.decode()
    assert not Pratique.objects.exists()


@pytest.mark.parametrize(
    "champ,valeur,message",
    [
        ("entite", "E" * 101, "au plus 100 caractères"),
        ("intitule", "T" * 101, "au plus 100 caractères"),
        # Zone de texte : le message commun des limites (core/limites.py), nombres groupés.
        ("description", "D" * 1001, "La description compte 1\u202f001 caractères ; la limite est de 1\u202f000."),
    ],
)
def test_limites_de_longueur_verifiees_par_le_serveur(client, champ, valeur, message):
    commencer(client)
    reponse = client.post(etape(2), presentation(**{champ: valeur}))
    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert message in contenu
    assert valeur in contenu  # rien de ce qui a été tapé n'est perdu
    assert getattr(Pratique.objects.get(), champ) == ""


def test_champs_obligatoires_et_date_au_format_francais(client):
    commencer(client)
    reponse = client.post(etape(2), presentation(intitule="", date_mise_en_oeuvre="2014-12-21", thematique=""))
    contenu = reponse.content.decode()
    assert contenu.count("Ce champ est obligatoire.") == 2
    assert "Saisissez une date au format JJ/MM/AAAA" in contenu
    assert Pratique.objects.get().etape == 1


def test_limite_de_longueur_acceptee_a_la_borne(client):
    commencer(client)
    reponse = client.post(etape(2), presentation(entite="E" * 100, intitule="T" * 100, description="D" * 1000))
    assert reponse.status_code == 302
    assert len(Pratique.objects.get().description) == 1000


def test_departement_hors_region_refuse(client):
    from core.models import Departement

    commencer(client)
    client.post(etape(2), presentation())
    d47 = Departement.objects.get(code="47")
    reponse = client.post(etape(3), {**localisation(), "departement": d47.pk})
    assert "pas dans la région Provence" in reponse.content.decode()


def test_pot_de_miel_ecarte_les_robots(client):
    reponse = client.post(URL_DEBUT, {"conditions": "on", "courriel": "robot@exemple.fr", "site_web": "http://spam"})
    assert reponse["Location"] == reverse("pratiques:envoyee")
    assert not Pratique.objects.exists()
    assert mail.outbox == []


def test_limite_d_envois_par_adresse(client, settings):
    settings.PRATIQUES_LIMITE_ENVOIS = "3/h"
    for _ in range(3):
        assert client.post(URL_DEBUT, {"courriel": "x@exemple.fr"}).status_code == 200
    reponse = client.post(URL_DEBUT, {"conditions": "on", "courriel": "x@exemple.fr"})
    assert reponse.status_code == 429
    assert "Trop d'envois" in reponse.content.decode()
    assert not Pratique.objects.exists()


def test_envoi_depuis_une_autre_adresse_non_limite(client, settings):
    settings.PRATIQUES_LIMITE_ENVOIS = "1/h"
    client.post(URL_DEBUT, {"courriel": "x@exemple.fr"}, REMOTE_ADDR="10.0.0.1")
    reponse = client.post(URL_DEBUT, {"courriel": "x@exemple.fr"}, REMOTE_ADDR="10.0.0.2")
    assert reponse.status_code == 200


def docx(macros=False):
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
        if macros:
            archive.writestr("word/vbaProject.bin", b"\x00macro")
    return tampon.getvalue()


@pytest.mark.parametrize(
    "nom,contenu,message",
    [
        ("script.exe", b"MZ\x90\x00", "pas accepté (.exe)"),  # messages de core.fichiers
        ("faux.pdf", b"<html>pas un pdf</html>", "ne correspond pas à son extension .pdf"),
        ("rapport.docx", docx(macros=True), "contient des macros"),
    ],
)
def test_pieces_jointes_refusees(client, nom, contenu, message):
    commencer(client)
    client.post(etape(2), presentation())
    client.post(etape(3), localisation())
    reponse = client.post(etape(4), {**contact(), "pieces": SimpleUploadedFile(nom, contenu)})
    assert reponse.status_code == 200
    assert message in reponse.content.decode()
    assert 'value="Camille Durand"' in reponse.content.decode()
    assert Pratique.objects.get().statut == StatutPratique.BROUILLON


def test_piece_trop_lourde(client, settings):
    settings.PRATIQUES_TAILLE_MAX_PIECE = 1024
    commencer(client)
    client.post(etape(2), presentation())
    client.post(etape(3), localisation())
    reponse = client.post(etape(4), {**contact(), "pieces": SimpleUploadedFile("gros.pdf", b"%PDF-1.4" + b"0" * 2000)})
    assert "la taille maximale autorisée est de 1\u00a0Ko" in reponse.content.decode()


def test_pieces_acceptees(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    commencer(client)
    client.post(etape(2), presentation())
    client.post(etape(3), localisation())
    pieces = [SimpleUploadedFile("note.pdf", b"%PDF-1.4 contenu"), SimpleUploadedFile("bilan.docx", docx())]
    reponse = client.post(etape(4), {**contact(), "pieces": pieces})
    assert reponse.status_code == 302
    assert sorted(Pratique.objects.get().pieces.values_list("nom", flat=True)) == ["bilan.docx", "note.pdf"]


def test_declaration_deposee_n_est_plus_modifiable(client):
    commencer(client)
    client.post(etape(2), presentation())
    client.post(etape(3), localisation())
    client.post(etape(4), contact())
    lien = lien_du_courriel(mail.outbox[0])
    reponse = client.get(lien)
    assert reponse.status_code == 200
    assert "a déjà été envoyée" in reponse.content.decode()


def test_proposer_une_fiche_action_prerempli_un_brouillon(client, acteurs):
    user = acteurs["contributeur_cd13"]
    client.force_login(user)
    parametres = {
        "intitule": "Renforcer les visites à domicile",
        "description": "D" * 1500,
        "entite": "Département des Bouches-du-Rhône",
        "departement": "13",
        "date_mise_en_oeuvre": "2025-03-01",
        "origine": "/fiches/12/",
    }
    # Le lien de la fiche montre ce qui sera repris, sans rien créer ni envoyer.
    apercu = client.get(reverse("pratiques:proposer"), parametres)
    assert apercu.status_code == 200
    assert "Renforcer les visites à domicile" in apercu.content.decode()
    assert 'value="/fiches/12/"' in apercu.content.decode()
    assert not Pratique.objects.exists() and not mail.outbox

    reponse = client.post(reverse("pratiques:proposer"), parametres)
    assert reponse["Location"] == URL_DEBUT
    assert len(mail.outbox) == 1  # le lien de reprise
    pratique = Pratique.objects.get()
    assert pratique.declarant == user
    assert pratique.courriel_declarant == user.email
    assert pratique.intitule == "Renforcer les visites à domicile"
    assert len(pratique.description) == 1000
    assert pratique.departement.code == "13" and pratique.region.code == "93"
    assert pratique.origine_url == "/fiches/12/"
    assert pratique.institution_declarante.nom == "CD 13"
    assert not pratique.conditions_acceptees

    reponse = client.post(URL_DEBUT, {"conditions": "on", "courriel": user.email})
    assert reponse["Location"] == etape(2)
    assert "Renforcer les visites à domicile" in client.get(etape(2)).content.decode()
    assert Pratique.objects.count() == 1


def test_proposer_refuse_une_origine_exterieure(client, acteurs):
    client.force_login(acteurs["contributeur_cd13"])
    client.post(reverse("pratiques:proposer"), {"intitule": "X", "origine": "https://exemple.com/"})
    assert Pratique.objects.get().origine_url == ""


def test_proposer_exige_une_connexion(client):
    reponse = client.post(reverse("pratiques:proposer"), {"intitule": "X"})
    assert reponse["Location"].startswith("/connexion/")
    assert not Pratique.objects.exists()
