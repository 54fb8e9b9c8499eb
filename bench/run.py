"""Banc de charge national (`make bench`).

1. Construit le volume national dans une base PostgreSQL dédiée (contrat_enfance_bench) s'il n'existe pas.
2. Lance l'application sous gunicorn (réglages de production, plusieurs workers) sur 127.0.0.1.
3. Pour chaque page (et une vue triviale, le plancher), 20 utilisateurs virtuels (locust, sans interface)
   pendant une durée bornée ; relève débit, p50/p95/p99, taux d'erreur.
4. Compte les requêtes SQL de chaque page (client de test Django sur la même base).
5. Écrit bench/results.json et affiche le tableau ; le ratio de débit à la vue triviale est mesuré dans la
   même exécution, donc comparable d'une machine à l'autre.
"""

import csv
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
PY = str(RACINE / ".venv" / "bin" / "python")
BASE = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/contrat_enfance_bench")
PORT = int(os.environ.get("BENCH_PORT", "8765"))
UTILISATEURS = int(os.environ.get("BENCH_UTILISATEURS", "20"))
DUREE = os.environ.get("BENCH_DUREE", "15s")
CONTRATS = int(os.environ.get("BENCH_CONTRATS", "100"))

ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DJANGO_ENV": "production",
    "SECRET_KEY": "banc-de-charge-seulement-" + "x9Y" * 12,
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "SECURE_SSL_REDIRECT": "false",
    "DATABASE_URL": BASE,
    "LOG_LEVEL": "ERROR",
    # Comme en production : cache partagé Redis entre les workers (base Redis dédiée au banc).
    "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12"),
}


def django():
    os.environ.update(ENV)
    sys.path.insert(0, str(RACINE))
    import django as dj

    dj.setup()


def preparer_base():
    import psycopg

    nom = BASE.rsplit("/", 1)[1]
    serveur = BASE.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(serveur, autocommit=True) as connexion:
        if not connexion.execute("select 1 from pg_database where datname = %s", [nom]).fetchone():
            connexion.execute(f'create database "{nom}"')
    subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v0"], cwd=RACINE, env=ENV, check=True)
    subprocess.run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=RACINE, env=ENV, check=True)
    compte = (
        subprocess.run(
            [
                PY,
                "manage.py",
                "shell",
                "-c",
                "from contractualisation.models import Contrat; print(Contrat.objects.count())",
            ],
            cwd=RACINE,
            env=ENV,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    if int(compte) < CONTRATS:
        debut = time.perf_counter()
        subprocess.run(
            [PY, "manage.py", "seed_volumetrie", "--contrats", str(CONTRATS)], cwd=RACINE, env=ENV, check=True
        )
        print(f"Volume national construit en {time.perf_counter() - debut:.0f} s")


def pages_et_sessions():
    """Les pages mesurées, avec la session de l'utilisateur qui les ouvre."""
    django()
    from django.apps import apps
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.urls import NoReverseMatch, reverse

    from contractualisation.models import Contrat
    from core.models import Utilisateur
    from demo.volumetrie import EMAIL_NATIONAL

    def session(user):
        s = SessionStore()
        s[SESSION_KEY] = str(user.pk)
        s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        s[HASH_SESSION_KEY] = user.get_session_auth_hash()
        s.create()
        return s.session_key

    national = Utilisateur.objects.get(email=EMAIL_NATIONAL)
    contrat = Contrat.objects.order_by("pk").select_related("collectivite").first()
    referent = Utilisateur.objects.filter(adhesions__institution__collectivite=contrat.collectivite).first()
    s_nat, s_ref = session(national), session(referent)

    def premier(modele, **filtres):
        """La clé du premier objet de ce contrat (None si l'application n'en a pas encore créé)."""
        objet = apps.get_model(modele).objects.filter(**filtres).order_by("pk").first()
        return [objet.pk] if objet else None

    reunion = premier("suivi.Reunion", contrat=contrat, points__isnull=False)
    pages = [("vue triviale (plancher)", reverse("sante_vivant"), None)]
    candidates = [
        ("accueil DGCS (tous les contrats)", "accueil", [], s_nat),
        ("page d'un contrat", "contractualisation:contrat", [contrat.slug], s_ref),
        ("fiches d'un contrat", "fiches:liste", [contrat.slug], s_ref),
        ("page d'une fiche", "fiches:fiche", premier("fiches.Fiche", contrat=contrat), s_ref),
        ("tableau de bord du suivi", "suivi:tableau_de_bord", [contrat.slug], s_ref),
        ("ordre du jour d'une réunion", "suivi:ordre_du_jour", reunion, s_ref),
        ("mode projection", "suivi:projection", reunion, s_ref),
        ("espace partagé", "espace_partage:accueil", [], s_ref),
        ("bibliothèque publique", "pratiques:bibliotheque", [], None),
        ("rapports : page nationale DGCS", "rapports:national", [], s_nat),
    ]
    absentes = []
    for nom, url_name, args, sess in candidates:
        try:
            if args is None:
                raise NoReverseMatch
            pages.append((nom, reverse(url_name, args=args), sess))
        except NoReverseMatch:
            absentes.append(nom)
    return pages, absentes


def requetes_sql(pages):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    resultats = {}
    for nom, chemin, session in pages:
        client = Client()
        if session:
            client.cookies["sessionid"] = session
        with CaptureQueriesContext(connection) as requetes:
            reponse = client.get(chemin, secure=True)
        resultats[nom] = {"statut": reponse.status_code, "requetes_sql": len(requetes)}
    return resultats


def demarrer_gunicorn():
    processus = subprocess.Popen(
        [
            str(RACINE / ".venv/bin/gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "4",
            "--log-level",
            "error",
        ],
        cwd=RACINE,
        env=ENV,
        start_new_session=True,
    )
    for _ in range(60):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/sante/vivant/", timeout=1)
            return processus
        except OSError:
            time.sleep(0.5)
    processus.kill()
    raise RuntimeError("gunicorn n'a pas démarré")


def charger(nom, chemin, session):
    with tempfile.TemporaryDirectory() as dossier:
        prefixe = f"{dossier}/stats"
        subprocess.run(
            [
                str(RACINE / ".venv/bin/locust"),
                "-f",
                str(RACINE / "bench/locustfile.py"),
                "--headless",
                "-u",
                str(UTILISATEURS),
                "-r",
                str(UTILISATEURS),
                "-t",
                DUREE,
                "--host",
                f"http://127.0.0.1:{PORT}",
                "--csv",
                prefixe,
                "--only-summary",
                "--loglevel",
                "ERROR",
                "--exit-code-on-error",
                "0",
            ],
            cwd=RACINE,
            check=True,
            capture_output=True,
            env={**os.environ, "BENCH_CHEMIN": chemin, "BENCH_SESSION": session or "", "BENCH_NOM": nom},
        )
        with open(f"{prefixe}_stats.csv", newline="") as f:
            ligne = next(r for r in csv.DictReader(f) if r["Name"] == nom)
    total = int(ligne["Request Count"])
    return {
        "requetes": total,
        "debit_rps": round(float(ligne["Requests/s"]), 1),
        "p50_ms": float(ligne["50%"]),
        "p95_ms": float(ligne["95%"]),
        "p99_ms": float(ligne["99%"]),
        "taux_erreur": round(int(ligne["Failure Count"]) / total, 4) if total else 1.0,
    }


def vider_cache():
    import redis

    redis.Redis.from_url(ENV["REDIS_URL"]).flushdb()


def main():
    preparer_base()
    vider_cache()
    pages, absentes = pages_et_sessions()
    sql = requetes_sql(pages)
    gunicorn = demarrer_gunicorn()
    try:
        mesures = {
            nom: {**charger(nom, chemin, session), **sql[nom], "chemin": chemin} for nom, chemin, session in pages
        }
    finally:
        os.killpg(gunicorn.pid, signal.SIGTERM)
        gunicorn.wait(timeout=30)
    # Les exports (PDF d'un département, classeur national 25/50/100 contrats) : temps et pic mémoire.
    subprocess.run([PY, "bench/rapports.py"], cwd=RACINE, env={**ENV, "BENCH_RAPPORTS_DATABASE_URL": BASE}, check=True)
    exports = json.loads((RACINE / "bench" / "rapports-resultats.json").read_text())
    plancher = mesures["vue triviale (plancher)"]["debit_rps"] or 1
    for m in mesures.values():
        m["ratio_debit_plancher"] = round(m["debit_rps"] / plancher, 3)
    resultats = {
        "machine": {"cpu": os.cpu_count(), "systeme": platform.platform(), "python": platform.python_version()},
        "conditions": {
            "utilisateurs": UTILISATEURS,
            "duree_par_page": DUREE,
            "workers_gunicorn": 4,
            "contrats": CONTRATS,
        },
        "pages": mesures,
        "pages_pas_encore_livrees": absentes,
        "exports": exports,
    }
    (RACINE / "bench" / "results.json").write_text(json.dumps(resultats, ensure_ascii=False, indent=2))
    print(f"\n{'page':38} {'req/s':>7} {'p50':>7} {'p95':>7} {'p99':>7} {'err':>6} {'SQL':>4} {'ratio':>6}")
    for nom, m in mesures.items():
        print(
            f"{nom:38} {m['debit_rps']:7.1f} {m['p50_ms']:7.0f} {m['p95_ms']:7.0f} {m['p99_ms']:7.0f} "
            f"{m['taux_erreur']:6.1%} {m['requetes_sql']:4d} {m['ratio_debit_plancher']:6.2f}"
        )
    if absentes:
        print("Pages pas encore livrées (non mesurées) :", ", ".join(absentes))
    print("Résultats écrits dans bench/results.json")


if __name__ == "__main__":
    main()
