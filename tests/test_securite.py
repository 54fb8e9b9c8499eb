"""Balayages de sécurité : chaque URL refuse l'anonyme (sauf la liste publique explicite), chaque vue qui
écrit refuse une requête sans jeton CSRF, et les réglages de production passent `check --deploy`."""

import os
import re
import subprocess
import sys

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# Les seules pages ouvertes sans connexion.
PUBLIQUES = {
    "login",
    "password_reset",
    "reinitialisation_envoyee",
    "password_reset_confirm",
    "reinitialisation_terminee",
    "accessibilite",
    "sante",
    "sante_vivant",
    "pratiques:bibliotheque",
    "pratiques:detail",
    "pratiques:exporter",
    "pratiques:declarer",
    "pratiques:etape",
    "pratiques:envoyee",
    "pratiques:reprendre",
    "pratiques:nouveau_lien",
}
EXEMPLES = {
    "int": "1",
    "slug": "exemple",
    "str": "exemple",
    "uuid": "00000000-0000-0000-0000-000000000000",
    "path": "x",
}


def toutes_les_urls(motifs=None, prefixe="", espace=""):
    for motif in motifs if motifs is not None else get_resolver().url_patterns:
        route = prefixe + str(motif.pattern)
        if isinstance(motif, URLResolver):
            if route.startswith("admin-technique/"):
                continue  # l'admin technique de Django a sa propre protection (réservée aux superutilisateurs)
            ns = f"{espace}{motif.namespace}:" if motif.namespace else espace
            yield from toutes_les_urls(motif.url_patterns, route, ns)
        elif isinstance(motif, URLPattern):
            url = "/" + re.sub(r"<(?:(\w+):)?\w+>", lambda m: EXEMPLES[m.group(1) or "str"], route)
            yield f"{espace}{motif.name}", url.replace("^", "").replace("$", "")


URLS = sorted(set(toutes_les_urls()))


def test_la_liste_publique_existe():
    noms = {nom for nom, _ in URLS}
    assert PUBLIQUES <= noms


@pytest.mark.django_db
@pytest.mark.parametrize("nom,url", URLS)
def test_anonyme_refuse_partout_sauf_pages_publiques(client, nom, url):
    reponse = client.get(url)
    if nom in PUBLIQUES:
        assert reponse.status_code in (200, 302, 404), (nom, url, reponse.status_code)
        if reponse.status_code == 302:
            assert "/connexion/" not in reponse["Location"], (nom, url)
    else:
        assert reponse.status_code in (302, 403, 404), (nom, url, reponse.status_code)
        if reponse.status_code == 302:
            assert reponse["Location"].startswith("/connexion/"), (nom, url)


@pytest.mark.django_db
@pytest.mark.parametrize("nom,url", URLS)
def test_ecriture_sans_jeton_csrf_refusee(client, acteurs, nom, url, contrat13):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(acteurs["admin_cd13"])
    url = url.replace("/exemple/", f"/{contrat13.slug}/", 1) if "/contrats/" in url else url
    reponse = csrf_client.post(url, {})
    assert reponse.status_code in (403, 404, 405), (nom, url, reponse.status_code)


def test_check_deploy_sans_avertissement(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_ENV": "production",
        "SECRET_KEY": "k" * 10 + "une-cle-de-production-assez-longue-et-variee-0123456789",
        "ALLOWED_HOSTS": "contrat-enfance.exemple.gouv.fr",
        "ADRESSE_SITE": "https://contrat-enfance.exemple.gouv.fr",
    }
    resultat = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        cwd=os.path.dirname(os.path.dirname(__file__)),
    )
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
    assert "no issues" in resultat.stdout
