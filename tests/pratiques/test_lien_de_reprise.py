"""Le lien secret de reprise d'une déclaration expire après 30 jours ; le déclarant en redemande un par e-mail,
avec la même réponse que l'adresse ait une déclaration en cours ou non, et la même limite d'envois que le formulaire.
L'horloge est déplacée en remplaçant `django.utils.timezone.now`."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pratiques.enums import StatutPratique
from pratiques.models import Pratique

from .conftest import pratique as pratique_deposee
from .test_declaration import commencer, etape, lien_du_courriel, presentation

pytestmark = pytest.mark.django_db

URL_NOUVEAU_LIEN = "/pratiques/declarer/nouveau-lien/"


def dans(jours):
    """Un contexte où l'horloge de l'application avance de `jours` jours."""
    plus_tard = timezone.now() + timedelta(days=jours)
    return mock.patch("django.utils.timezone.now", return_value=plus_tard)


def brouillon_avec_lien(client):
    commencer(client)
    client.post(etape(2), presentation())
    return Pratique.objects.get(), lien_du_courriel(mail.outbox[-1])


def test_le_lien_marche_29_jours_puis_expire_le_30e(client):
    _, lien = brouillon_avec_lien(client)
    with dans(29):
        assert Client().get(lien)["Location"] == etape(3)
    with dans(30):
        reponse = Client().get(lien)
    assert reponse.status_code == 410
    contenu = reponse.content.decode()
    assert "Ce lien de reprise a expiré" in contenu
    assert "Votre saisie n'est pas perdue" in contenu
    assert "Recevoir un nouveau lien" in contenu
    assert "Accueil de jour parents-enfants" not in contenu  # rien de la déclaration n'est montré


def test_un_lien_expire_n_ouvre_pas_la_declaration(client):
    _, lien = brouillon_avec_lien(client)
    navigateur = Client()
    with dans(31):
        navigateur.get(lien)
        assert navigateur.get(etape(2))["Location"] == "/pratiques/declarer/"


def test_nouveau_lien_envoye_a_l_adresse_de_la_declaration(client):
    pratique, ancien = brouillon_avec_lien(client)
    with dans(45):
        reponse = Client().post(URL_NOUVEAU_LIEN, {"courriel": "Declarant@Exemple.fr"})
        assert reponse.status_code == 200
        assert "Vérifiez votre messagerie" in reponse.content.decode()
        assert mail.outbox[-1].to == ["declarant@exemple.fr"]
        nouveau = lien_du_courriel(mail.outbox[-1])
        assert nouveau != ancien
        assert "valable 30 jours" in mail.outbox[-1].body
        navigateur = Client()
        assert navigateur.get(nouveau)["Location"] == etape(3)
        assert "Accueil de jour parents-enfants" in navigateur.get(etape(2)).content.decode()  # rien n'est perdu
        assert Client().get(ancien).status_code == 404  # l'ancien lien ne sert plus
    pratique.refresh_from_db()
    with dans(45 + 29):
        assert Client().get(nouveau).status_code == 302
    with dans(45 + 30):
        assert Client().get(nouveau).status_code == 410


def test_meme_reponse_pour_une_adresse_inconnue(client):
    brouillon_avec_lien(client)
    envoyes = len(mail.outbox)
    connue = Client().post(URL_NOUVEAU_LIEN, {"courriel": "declarant@exemple.fr"})
    inconnue = Client().post(URL_NOUVEAU_LIEN, {"courriel": "personne@exemple.fr"})
    assert len(mail.outbox) == envoyes + 1
    assert connue.status_code == inconnue.status_code == 200

    def page(reponse, adresse):  # le nonce de la Content-Security-Policy change à chaque réponse
        return re.sub(r'nonce="[^"]*"', "", reponse.content.decode().replace(adresse, "X"))

    assert page(connue, "declarant@exemple.fr") == page(inconnue, "personne@exemple.fr")


def test_pas_de_lien_pour_une_declaration_deja_deposee(client):
    pratique_deposee(statut=StatutPratique.DEPOSEE, courriel_declarant="deposee@exemple.fr", jeton_empreinte="x")
    reponse = client.post(URL_NOUVEAU_LIEN, {"courriel": "deposee@exemple.fr"})
    assert "Vérifiez votre messagerie" in reponse.content.decode()
    assert mail.outbox == []


def test_adresse_invalide_gardee_avec_un_message(client):
    reponse = client.post(URL_NOUVEAU_LIEN, {"courriel": "declarant@"})
    contenu = reponse.content.decode()
    assert "Saisissez une adresse e-mail complète" in contenu
    assert 'value="declarant@"' in contenu


def test_demande_de_nouveau_lien_limitee_comme_le_formulaire(client, settings):
    settings.PRATIQUES_LIMITE_ENVOIS = "2/h"
    for _ in range(2):
        assert client.post(URL_NOUVEAU_LIEN, {"courriel": "x@exemple.fr"}).status_code == 200
    reponse = client.post(URL_NOUVEAU_LIEN, {"courriel": "x@exemple.fr"})
    assert reponse.status_code == 429
    assert "Trop d'envois" in reponse.content.decode()


def test_le_lien_des_complements_expire_aussi(client, comite):
    p = pratique_deposee(statut=StatutPratique.EN_EXAMEN)
    client.force_login(comite["onpe"])
    client.post(
        reverse("pratiques:transition", args=[p.pk]),
        {"vers": "complements", "motif": "Précisez le coût.", "version": p.statut},
    )
    lien = lien_du_courriel(mail.outbox[-1])
    assert "valable 30 jours" in mail.outbox[-1].body
    with dans(29):
        assert Client().get(lien)["Location"] == etape(2)
    with dans(30):
        assert Client().get(lien).status_code == 410
        # Renouvelé à l'adresse du déclarant : le brouillon en compléments se reprend.
        Client().post(URL_NOUVEAU_LIEN, {"courriel": p.courriel_declarant})
        assert Client().get(lien_du_courriel(mail.outbox[-1]))["Location"] == etape(2)
