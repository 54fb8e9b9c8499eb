"""Banc des exports de `rapports` (pas un test chronométré) : sur le volume national de `seed_volumetrie`,
temps et pic mémoire du PDF d'un département et du classeur national pour 25, 50 et 100 contrats.

Usage : `.venv/bin/python bench/rapports.py` (base SQLite dédiée /tmp/bench-rapports.sqlite3, construite si
besoin ; `BENCH_RAPPORTS_DATABASE_URL` pour une autre base). Résultats : bench/rapports-resultats.json.
"""

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
BASE = os.environ.get("BENCH_RAPPORTS_DATABASE_URL", "sqlite:////tmp/bench-rapports.sqlite3")
RESULTATS = RACINE / "bench" / "rapports-resultats.json"
ANNEE = 2025


def preparer():
    env = {**os.environ, "DATABASE_URL": BASE, "DJANGO_SETTINGS_MODULE": "config.settings"}
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], env=env, cwd=RACINE, check=True)
    os.environ.update(env)
    sys.path.insert(0, str(RACINE))
    import django

    django.setup()
    from contractualisation.models import Contrat

    if Contrat.objects.count() < 100:
        from django.core.management import call_command

        call_command("seed_volumetrie", contrats=100)


def mesurer(fonction, essais=2):
    """Durée : le meilleur de `essais` passages sans instrumentation ; pic mémoire Python : un passage de plus
    sous tracemalloc (qui ralentit, d'où la mesure séparée)."""
    durees = []
    for _ in range(essais):
        debut = time.perf_counter()
        resultat = fonction()
        durees.append(time.perf_counter() - debut)
    tracemalloc.start()
    fonction()
    _, pic = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return resultat, round(min(durees), 3), round(pic / 1024 / 1024, 1)


def main():
    preparer()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from contractualisation.models import Contrat
    from fiches.models import Fiche
    from rapports import donnees, national
    from rapports.exports.pdf import rendre_pdf

    contrats = list(national.contrats_de_l_annee(ANNEE).values_list("pk", flat=True))
    from fiches.extensions import reunions_des_fiches

    fiches = list(Fiche.objects.all())
    volume = {
        "contrats": Contrat.objects.count(),
        "contrats_annee": len(contrats),
        "fiches": len(fiches),
        "reunions_fiche": sum(len(r) for r in reunions_des_fiches(fiches).values()),
        "charge_machine_1min": os.getloadavg()[0],
    }
    contrat = Contrat.objects.get(pk=contrats[0])
    mesures = {}
    with CaptureQueriesContext(connection) as requetes:
        pdf, duree, pic = mesurer(lambda: rendre_pdf(donnees.rassembler(contrat, ANNEE)))
    mesures["pdf_un_departement"] = {
        "contrat": contrat.slug,
        "secondes": duree,
        "pic_memoire_mo": pic,
        "octets": len(pdf),
        "requetes": len(requetes.captured_queries),
    }
    for n in (25, 50, 100):
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as fichier:
            with CaptureQueriesContext(connection) as requetes:
                _, duree, pic = mesurer(lambda n=n: national.ecrire_classeur(fichier.name, ANNEE, contrats[:n]))
            mesures[f"classeur_national_{n}"] = {
                "contrats": len(contrats[:n]),
                "secondes": duree,
                "pic_memoire_mo": pic,
                "octets": os.path.getsize(fichier.name),
                "requetes": len(requetes.captured_queries),
            }
    resultat = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "base": BASE.split("@")[-1],
        "machine": f"{platform.machine()} {os.cpu_count()} cœurs, Python {platform.python_version()}",
        "volume": volume,
        "mesures": mesures,
    }
    RESULTATS.write_text(json.dumps(resultat, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(resultat, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
