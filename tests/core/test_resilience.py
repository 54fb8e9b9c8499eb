"""Redis arrêté en pleine utilisation : l'application continue (pages, connexion, déconnexion, enregistrements,
bibliothèque publique), les tâches attendent en base et repartent à son retour ; /sante/ dit ce qui manque.

Un vrai serveur (fil du serveur de test de Django) et un vrai `redis-server` jetable, sur un port libre, arrêté et
relancé par le test."""

import json
import logging
import re
import shutil
import signal
import socket
import subprocess
import time

import pytest
import redis
import requests
from celery import current_app
from django.db import OperationalError, connection
from django.urls import reverse
from pytest_django.live_server_helper import LiveServer

from core.models import TacheEnAttente
from core.taches import rejouer
from core.tasks import rejouer_taches_en_attente
from fiches import services as fiches_services
from tests.factories import MOT_DE_PASSE

REDIS_SERVER = shutil.which("redis-server")
pytestmark = [
    pytest.mark.skipif(REDIS_SERVER is None, reason="redis-server manque (paquet Debian redis-server)."),
    pytest.mark.django_db(transaction=True),
]


class RedisJetable:
    def __init__(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.processus = None

    def demarrer(self):
        self.processus = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                if self.client().ping():
                    return
            except redis.exceptions.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server n'a pas démarré")

    def arreter(self):
        self.processus.terminate()
        self.processus.wait(timeout=10)
        self.processus = None

    def suspendre(self):
        """Redis figé (saturé, machine qui ne répond plus) : les connexions s'ouvrent, les réponses n'arrivent pas."""
        self.processus.send_signal(signal.SIGSTOP)

    def reprendre(self):
        self.processus.send_signal(signal.SIGCONT)

    def client(self):
        return redis.Redis.from_url(self.url, socket_connect_timeout=1, socket_timeout=1)

    def taches_publiees(self):
        return self.client().llen("celery")


@pytest.fixture
def redis_jetable():
    serveur = RedisJetable()
    serveur.demarrer()
    yield serveur
    if serveur.processus is not None:
        serveur.reprendre()
        serveur.arreter()


@pytest.fixture
def serveur(redis_jetable, settings):
    """Les réglages de la production sur ce Redis : cache tolérant, sessions cached_db, vrai broker."""
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.CacheTolerant",
            "LOCATION": redis_jetable.url,
            "KEY_PREFIX": "test-resilience",
            "OPTIONS": {"socket_connect_timeout": 0.3, "socket_timeout": 0.3},
            "PAUSE_APRES_ECHEC": 0.2,
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    conf = current_app.conf
    avant = {cle: conf[cle] for cle in ("broker_url", "task_always_eager")}
    conf.update(broker_url=redis_jetable.url, task_always_eager=False)
    serveur = LiveServer("localhost")  # créé après les réglages : ses middlewares lisent SESSION_ENGINE
    yield serveur
    for visiteur in Visiteur.ouverts:  # ferme les connexions HTTP gardées ouvertes (et la connexion à la base
        visiteur.http.close()  # du fil qui les sert) avant d'arrêter le serveur
    Visiteur.ouverts.clear()
    time.sleep(0.2)
    serveur.stop()
    conf.update(avant)


@pytest.fixture
def fiche(acteurs, contrat13):
    oc = contrat13.objectifs_contrat.get(objectif__numero=7)
    return fiches_services.creer_fiche(
        contrat13, oc, titre="Développer l'accueil familial", referent=acteurs["contributeur_cd13"]
    )


def jeton(reponse):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', reponse.text).group(1)


class Visiteur:
    """Un navigateur sans JavaScript : cookies, jeton CSRF, et le compte de chaque réponse."""

    ouverts = []

    def __init__(self, base):
        self.base = base
        self.http = requests.Session()
        self.statuts = []
        Visiteur.ouverts.append(self)

    def get(self, chemin):
        reponse = self.http.get(self.base + chemin, timeout=30, allow_redirects=False)
        self.statuts.append((chemin, reponse.status_code))
        return reponse

    def post(self, chemin, donnees, formulaire=None):
        page = self.get(formulaire or chemin)
        reponse = self.http.post(
            self.base + chemin,
            {"csrfmiddlewaretoken": jeton(page), **donnees},
            headers={"Referer": self.base + (formulaire or chemin)},
            timeout=30,
            allow_redirects=False,
        )
        self.statuts.append((chemin, reponse.status_code))
        return reponse

    def connexion(self, email, mot_de_passe=MOT_DE_PASSE):
        return self.post(reverse("login"), {"username": email, "password": mot_de_passe})

    def deconnexion(self):
        return self.post(reverse("logout"), {}, formulaire=reverse("mon_compte"))

    def erreurs(self):
        return [(chemin, statut) for chemin, statut in self.statuts if statut >= 500]


def pages_de(fiche):
    contrat = fiche.contrat
    return [
        reverse("accueil"),
        reverse("contractualisation:contrat", args=[contrat.slug]),
        reverse("fiches:liste", args=[contrat.slug]),
        reverse("fiches:fiche", args=[fiche.pk]),
        reverse("suivi:tableau_de_bord", args=[contrat.slug]),
        reverse("espace_partage:accueil"),
        reverse("mon_compte"),
    ]


def commenter(visiteur, fiche, texte):
    return visiteur.post(
        reverse("fiches:commenter", args=[fiche.pk]),
        {"texte": texte},
        formulaire=reverse("fiches:fiche", args=[fiche.pk]),
    )


def test_redis_arrete_en_pleine_utilisation_rien_ne_tombe_et_les_taches_repartent(
    serveur, redis_jetable, acteurs, fiche, caplog
):
    caplog.set_level(logging.WARNING)
    base = serveur.url
    pages = pages_de(fiche)
    email = acteurs["referent_ars_paca"].email
    redis_jetable.client().delete("celery")  # la création de la fiche a notifié son référent

    # Redis en marche : connexion, pages, un commentaire (la notification du référent part au broker).
    lecteur, public = Visiteur(base), Visiteur(base)
    assert lecteur.connexion(email).status_code == 302
    assert [lecteur.get(p).status_code for p in pages] == [200] * len(pages)
    assert commenter(lecteur, fiche, "Avant la panne").status_code == 302
    assert public.get(reverse("pratiques:bibliotheque")).status_code == 200
    assert redis_jetable.taches_publiees() == 1
    assert any(k.startswith(b"test-resilience:") for k in redis_jetable.client().keys("*")), "le cache sert"

    # Redis arrêté : tout continue.
    redis_jetable.arreter()
    debut = time.monotonic()
    servies_pendant_la_panne = len(lecteur.statuts) + len(public.statuts)
    for tour in range(3):
        assert [lecteur.get(p).status_code for p in pages] == [200] * len(pages)
        assert commenter(lecteur, fiche, f"Pendant la panne {tour}").status_code == 302
        assert "Pendant la panne" in lecteur.get(reverse("fiches:fiche", args=[fiche.pk])).text
        assert lecteur.deconnexion().status_code == 302
        assert lecteur.get(reverse("accueil")).headers["Location"].startswith(reverse("login"))
        assert lecteur.connexion(email, "mauvais mot de passe").status_code == 200  # refusée, sans erreur
        assert lecteur.connexion(email).status_code == 302
        assert public.get(reverse("pratiques:bibliotheque")).status_code == 200
        declaration = public.post(
            reverse("pratiques:declarer"), {"courriel": f"d{tour}@exemple.fr", "conditions": "on"}
        )
        assert declaration.status_code == 302  # formulaire public enregistré (limite d'envois ouverte)
        sante = public.get(reverse("sante"))
        assert sante.status_code == 200
        etat = json.loads(sante.text)
        assert etat["etat"] == "dégradé" and set(etat["en_panne"]) == {"cache", "broker"}
    servies_pendant_la_panne = len(lecteur.statuts) + len(public.statuts) - servies_pendant_la_panne
    duree_panne = time.monotonic() - debut

    assert lecteur.erreurs() + public.erreurs() == []
    assert servies_pendant_la_panne >= 60
    assert duree_panne < 60, f"{servies_pendant_la_panne} réponses en {duree_panne:.1f} s : Redis mort coûte trop cher"
    en_attente = list(TacheEnAttente.objects.values_list("tache", "arguments"))
    assert len(en_attente) == 3  # une notification par commentaire publié pendant la panne
    assert {t for t, _ in en_attente} == {"suivi.tasks.envoyer_notifications"}
    journal = [r.getMessage() for r in caplog.records if r.name == "core.cache"]
    assert len(journal) == 1 and "Cache Redis injoignable" in journal[0]  # une ligne, pas une par opération
    assert any(r.name == "core.taches" and "gardée en attente" in r.getMessage() for r in caplog.records)

    # Redis revient : la session ouverte pendant la panne tient (lue en base), le prochain envoi rejoue l'attente.
    redis_jetable.demarrer()
    time.sleep(0.3)  # la pause après échec du cache (PAUSE_APRES_ECHEC)
    assert [lecteur.get(p).status_code for p in pages] == [200] * len(pages)
    assert commenter(lecteur, fiche, "Après la panne").status_code == 302
    assert TacheEnAttente.objects.count() == 0
    assert redis_jetable.taches_publiees() == 4  # 3 gardées en base + celle d'après la panne
    messages = [json.loads(m) for m in redis_jetable.client().lrange("celery", 0, -1)]
    assert [m["headers"]["task"] for m in messages] == ["suivi.tasks.envoyer_notifications"] * 4
    assert any("Cache Redis revenu" in r.getMessage() for r in caplog.records if r.name == "core.cache")
    assert lecteur.erreurs() + public.erreurs() == []
    print(
        f"\nRedis arrêté : {servies_pendant_la_panne} réponses en {duree_panne:.1f} s, 0 erreur ≥ 500, "
        f"{len(en_attente)} tâches gardées en base puis publiées au retour."
    )


def test_la_tache_periodique_rejoue_l_attente_au_retour_du_broker(serveur, redis_jetable, acteurs, fiche):
    redis_jetable.arreter()
    lecteur = Visiteur(serveur.url)
    assert lecteur.connexion(acteurs["referent_ars_paca"].email).status_code == 302
    for i in range(2):
        assert commenter(lecteur, fiche, f"Commentaire {i}").status_code == 302
    assert TacheEnAttente.objects.count() == 2
    assert rejouer() == 0  # broker toujours absent : rien de perdu
    assert TacheEnAttente.objects.get(pk=TacheEnAttente.objects.first().pk).essais == 1

    redis_jetable.demarrer()
    assert rejouer_taches_en_attente() == 2  # ce que Celery beat lance chaque minute
    assert TacheEnAttente.objects.count() == 0
    assert redis_jetable.taches_publiees() == 2


def test_une_session_fermee_pendant_une_panne_ne_revient_pas_avec_redis(serveur, redis_jetable, acteurs, settings):
    """Redis figé (il garde ses données) pendant la déconnexion : la session en cache n'a pas pu être effacée ;
    à son retour, les clés de l'instance sont effacées avant toute lecture, l'ancien cookie ne rouvre rien."""
    # Une pause plus longue que la déconnexion : l'effacement de la session en cache n'est même pas envoyé
    # (sinon Redis, en reprenant, exécuterait la commande restée dans la socket).
    settings.CACHES = {"default": {**settings.CACHES["default"], "PAUSE_APRES_ECHEC": 3}}
    lecteur = Visiteur(serveur.url)
    assert lecteur.connexion(acteurs["referent_ars_paca"].email).status_code == 302
    assert lecteur.get(reverse("mon_compte")).status_code == 200
    cookie = lecteur.http.cookies["sessionid"]
    redis_jetable.suspendre()
    debut = time.monotonic()
    assert lecteur.deconnexion().status_code == 302
    assert time.monotonic() - debut < 5  # délais courts : Redis figé ne bloque pas la page
    redis_jetable.reprendre()
    time.sleep(3.1)

    ancien = Visiteur(serveur.url)
    ancien.http.cookies.set("sessionid", cookie)
    reponse = ancien.get(reverse("mon_compte"))
    assert reponse.status_code == 302 and reponse.headers["Location"].startswith(reverse("login"))
    assert lecteur.erreurs() + ancien.erreurs() == []


def test_sante_decrit_chaque_partie(client, settings, redis_jetable, monkeypatch):
    reponse = client.get(reverse("sante"))
    assert reponse.status_code == 200
    assert reponse.json()["etat"] == "ok"
    assert set(reponse.json()["parties"]) == {"base de données", "cache", "broker", "stockage"}
    assert reponse["Cache-Control"].startswith("max-age=0")

    # Cache et broker sur un Redis arrêté : l'instance sert toujours (200), « dégradé », les parties nommées.
    settings.CACHES = {"default": {"BACKEND": "core.cache.CacheTolerant", "LOCATION": redis_jetable.url}}
    monkeypatch.setitem(current_app.conf, "broker_url", redis_jetable.url)
    monkeypatch.setitem(current_app.conf, "task_always_eager", False)
    assert client.get(reverse("sante")).json()["etat"] == "ok"
    redis_jetable.arreter()
    reponse = client.get(reverse("sante"))
    assert reponse.status_code == 200
    assert reponse.json()["etat"] == "dégradé" and reponse.json()["en_panne"] == ["cache", "broker"]
    assert "127.0.0.1" not in reponse.content.decode()  # le détail des erreurs reste dans le journal

    # Base injoignable : 503, la partie nommée (le répartiteur de charge retire l'instance).
    def base_injoignable(*args, **kwargs):
        raise OperationalError("connexion refusée")

    monkeypatch.setattr(connection, "ensure_connection", base_injoignable)
    reponse = client.get(reverse("sante"))
    assert reponse.status_code == 503
    assert reponse.json()["etat"] == "en panne" and "base de données" in reponse.json()["en_panne"]

    # La vue du banc de charge ne regarde rien.
    assert client.get(reverse("sante_vivant")).content == b"ok"


def test_deux_instances_sur_le_meme_redis_ne_partagent_rien(redis_jetable):
    from config.settings import prefixe_de_cache
    from core.cache import CacheTolerant

    recette = prefixe_de_cache({"HOST": "db-recette", "PORT": 5432, "NAME": "contrat_enfance"})
    production = prefixe_de_cache({"HOST": "db", "PORT": 5432, "NAME": "contrat_enfance"})
    assert recette != production and recette.startswith("contrat_enfance-")
    a, b = (CacheTolerant(redis_jetable.url, {"KEY_PREFIX": p}) for p in (recette, production))
    a.set("perimetre:1", "droits de la recette")
    assert b.get("perimetre:1") is None
    redis_jetable.client().lpush("celery", "une tâche")
    b.set("x", 1)
    a.clear()  # les clés de l'instance seulement : ni l'autre instance, ni les files de Celery
    assert a.get("perimetre:1") is None and b.get("x") == 1
    assert redis_jetable.taches_publiees() == 1


def test_redis_plein_est_un_cache_vide_pas_une_erreur(redis_jetable):
    from core.cache import CacheTolerant

    cache = CacheTolerant(redis_jetable.url, {"KEY_PREFIX": "plein", "PAUSE_APRES_ECHEC": 0})
    cache.set("deja", 1)
    redis_jetable.client().config_set("maxmemory", 1)  # noeviction : toute écriture est refusée (OOM)
    cache.set("nouvelle", "x" * 1000)  # ne lève pas
    assert cache.add("autre", 1) is False and cache.get("nouvelle") is None
    with pytest.raises(ValueError):
        cache.incr("compteur")
    redis_jetable.client().config_set("maxmemory", 0)
    cache.set("nouvelle", "x")
    assert cache.get("nouvelle") == "x" and cache.get("deja") is None  # clés de l'instance effacées au retour
