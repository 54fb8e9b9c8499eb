"""Utilisateurs virtuels du banc de charge : chacun redemande sans pause la page BENCH_CHEMIN, avec la
session BENCH_SESSION (déjà connectée). Lancé par bench/run.py, sur 127.0.0.1 seulement."""

import os

from locust import HttpUser, constant, task


class Agent(HttpUser):
    wait_time = constant(0)

    @task
    def page(self):
        en_tetes = {"Cookie": f"sessionid={os.environ['BENCH_SESSION']}"} if os.environ.get("BENCH_SESSION") else {}
        with self.client.get(
            os.environ["BENCH_CHEMIN"],
            headers=en_tetes,
            allow_redirects=False,
            catch_response=True,
            name=os.environ["BENCH_NOM"],
        ) as reponse:
            if reponse.status_code != 200:
                reponse.failure(f"HTTP {reponse.status_code}")
