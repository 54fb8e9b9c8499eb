"""Content-Security-Policy : chaque page HTML du balayage de sécurité (anonyme et connecté) la porte, avec un
nonce, sans 'unsafe-eval' ni 'unsafe-inline' pour les scripts ; aucun script en ligne, gestionnaire d'événement
ou style en ligne dans les gabarits ; un téléchargement garde sa propre politique."""

import re

import pytest
from django.test import Client

from tests.espace_partage.conftest import espace_departement, ressource
from tests.test_securite import URLS

SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)
GESTIONNAIRE = re.compile(r"<[^>]+\s(on[a-z]+|hx-on[:\w-]*)\s*=", re.I)
STYLE_EN_LIGNE = re.compile(r"<[^>]+\sstyle\s*=|<style\b", re.I)


def directives(entete):
    return {d.split()[0]: d.split()[1:] for d in (p.strip() for p in entete.split(";")) if d}


def verifier_page(nom, url, reponse):
    entete = reponse.get("Content-Security-Policy")
    assert entete, (nom, url, "pas de Content-Security-Policy")
    politique = directives(entete)
    assert politique["default-src"] == ["'self'"] and politique["object-src"] == ["'none'"], (nom, url)
    assert politique["frame-ancestors"] == ["'none'"] and politique["base-uri"] == ["'self'"], (nom, url)
    assert politique["form-action"] == ["'self'"], (nom, url)
    assert "'unsafe-eval'" not in entete and "'unsafe-inline'" not in entete, (nom, url, entete)
    if "text/html" not in reponse.get("Content-Type", "") or not reponse.content:
        return 0
    html = reponse.content.decode()
    nonces = [s[len("'nonce-") : -1] for s in politique["script-src"] if s.startswith("'nonce-")]
    page_entiere = "<html" in html  # un fragment htmx vit sous la politique de la page qui l'accueille
    assert len(nonces) == (1 if page_entiere else len(nonces)) <= 1, (nom, url, "pas de nonce", entete)
    for attributs, corps in SCRIPT.findall(html):
        assert corps.strip() == "", (nom, url, "script en ligne", corps[:80])
        assert re.search(r'\ssrc="/static/', attributs), (nom, url, "script hors de /static/", attributs)
        nonce = re.search(r'\snonce="([^"]*)"', attributs)
        assert nonce is None or [nonce.group(1)] == nonces, (nom, url, "nonce périmé (fragment en cache ?)")
    assert not GESTIONNAIRE.search(html), (nom, url, GESTIONNAIRE.search(html).group(0)[:120])
    assert not STYLE_EN_LIGNE.search(html), (nom, url, STYLE_EN_LIGNE.search(html).group(0)[:120])
    if "htmx.min.js" in html:
        assert 'name="htmx-config"' in html and '"allowEval": false' in html, (nom, url)
    return 1 if page_entiere else 0


@pytest.mark.django_db
def test_chaque_page_html_porte_la_politique_avec_un_nonce(acteurs, contrat13):
    anonyme, connecte = Client(), Client()
    connecte.force_login(acteurs["admin_cd13"])
    pages_html = 0
    for nom, url in URLS:
        url = url.replace("/exemple/", f"/{contrat13.slug}/", 1) if "/contrats/" in url else url
        for client in (anonyme, connecte):
            pages_html += verifier_page(nom, url, client.get(url))
    assert pages_html > 40  # pages, et pages d'erreur 403/404 (qui étendent base.html elles aussi)


@pytest.mark.django_db
def test_deux_pages_deux_nonces(client):
    a, b = (directives(client.get("/connexion/")["Content-Security-Policy"])["script-src"] for _ in range(2))
    assert a != b


@pytest.mark.django_db
def test_un_telechargement_garde_sa_propre_politique(client, acteurs, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    version = ressource(espace_departement("13"), acteurs["contributeur_cd13"]).versions.get()
    client.force_login(acteurs["lecteur_cd13"])
    reponse = client.get(version.get_absolute_url())
    assert reponse.status_code == 200
    assert reponse["Content-Security-Policy"] == "default-src 'none'; sandbox"
