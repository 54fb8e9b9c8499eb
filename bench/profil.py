"""Coût des pages du banc dans le processus, sans charge (`python bench/profil.py [partie du nom de page]`).

Sur la base du banc (construite par `make bench`), avec les réglages de production : pour chaque page, temps moyen
d'une requête (client de test Django, cache chaud, après 3 requêtes d'échauffement), dont le temps processeur de
Python (moins sensible que le temps écoulé aux autres processus de la machine), et nombre de requêtes SQL.
Avec `--profil`, imprime le profil pyinstrument de la page demandée : c'est l'outil pour chercher où part le temps
d'une page qui dépasse son budget.
"""

import sys
import time

from run import pages_et_sessions, preparer_base


def mesurer(chemin, session, repetitions=20):
    from django.db import connection
    from django.test import Client

    client = Client()
    if session:
        client.cookies["sessionid"] = session
    for _ in range(3):
        assert client.get(chemin, secure=True).status_code == 200, chemin
    requetes = []
    with connection.execute_wrapper(lambda execute, sql, *args: requetes.append(sql) or execute(sql, *args)):
        client.get(chemin, secure=True)
    debut, debut_cpu = time.perf_counter(), time.process_time()
    for _ in range(repetitions):
        client.get(chemin, secure=True)
    mur, cpu = time.perf_counter() - debut, time.process_time() - debut_cpu
    return mur / repetitions * 1000, cpu / repetitions * 1000, len(requetes)


def profiler(chemin, session):
    from django.test import Client
    from pyinstrument import Profiler

    client = Client()
    if session:
        client.cookies["sessionid"] = session
    for _ in range(3):
        client.get(chemin, secure=True)
    with Profiler(interval=0.0005) as profil:
        for _ in range(10):
            client.get(chemin, secure=True)
    print(profil.output_text(unicode=True, color=False, show_all=False))


def main():
    arguments = [a for a in sys.argv[1:] if not a.startswith("--")]
    preparer_base()
    pages, _ = pages_et_sessions()
    choisies = [p for p in pages if not arguments or any(a in p[0] for a in arguments)]
    for nom, chemin, session in choisies:
        mur, cpu, sql = mesurer(chemin, session)
        print(f"{nom:38} {mur:7.1f} ms (processeur de Python : {cpu:5.1f} ms) {sql:4d} SQL")
        if "--profil" in sys.argv:
            profiler(chemin, session)


if __name__ == "__main__":
    main()
