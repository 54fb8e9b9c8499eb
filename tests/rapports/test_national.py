"""La page nationale et le classeur national : états des rapports (dont « en retard »), requêtes constantes,
classeur consolidé juste, gardé tant que les données ne changent pas, généré en tâche de fond."""

import io
import os
import subprocess
import sys
import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from contractualisation.enums import StatutContrat
from contractualisation.models import Financement
from core.models import Collectivite
from rapports import national, services
from rapports.enums import EtapeRapport
from tests import factories

RACINE = Path(__file__).resolve().parents[2]


@pytest.fixture
def contrats(db, contrat, acteurs):
    """cd-13 : rapport 2025 transmis ; cd-47 signé en 2024, rien commencé : en retard ; Alsace non signé."""
    rapport = services.ouvrir_rapport(contrat, 2025, acteurs["referent_cd13"])
    for etape in EtapeRapport.values[1:]:
        services.franchir_etape(rapport, etape, acteurs["referent_cd13"], date(2026, 6, 1), avis_odpe="favorable")
    en_retard = factories.contrat("cd-47", statut=StatutContrat.SIGNE, date_signature=date(2024, 6, 1))
    non_signe = factories.contrat("collectivite-europeenne-alsace")
    return contrat, en_retard, non_signe


@pytest.mark.django_db
def test_la_page_nationale_donne_l_etat_de_chaque_rapport(client, acteurs, contrats):
    client.force_login(acteurs["lecteur_dgcs"])
    reponse = client.get(reverse("rapports:national") + "?annee=2025")
    etats = {ligne.contrat.slug: ligne.libelle_etat for ligne in reponse.context["lignes"]}
    assert etats == {
        contrats[0].slug: "Transmis",
        contrats[1].slug: "En retard",
        contrats[2].slug: "Non commencé",
    }
    page = reponse.content.decode()
    assert reverse("rapports:pdf", args=[contrats[1].slug, 2025]) in page  # le rapport de tout département


def requetes_de(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as requetes:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in requetes.captured_queries]


@pytest.mark.django_db
def test_page_nationale_requetes_constantes(client, acteurs, contrats):
    """Le nombre de requêtes ne dépend pas du nombre de contrats, tableau en cache ou non."""
    client.force_login(acteurs["lecteur_dgcs"])
    url = reverse("rapports:national") + "?annee=2025"
    client.get(url)  # session, premiers chargements
    cache.clear()
    sans_cache = requetes_de(client, url)
    en_cache = requetes_de(client, url)
    for collectivite in Collectivite.objects.exclude(contrats__isnull=False).order_by("slug")[:12]:
        factories.contrat(collectivite.slug, statut=StatutContrat.SIGNE, date_signature=date(2025, 3, 1))
    cache.clear()
    assert len(requetes_de(client, url)) == len(sans_cache)
    assert len(requetes_de(client, url)) == len(en_cache)
    # Tableau en cache : ni contrats ni rapports relus, une seule requête pour l'état des tables.
    assert not any('contractualisation_contrat"."id", ' in sql for sql in en_cache)
    assert sum("UNION ALL" in sql for sql in en_cache) == 1
    assert "15 contrats pour 2025" in client.get(url).content.decode()


# --- Le tableau en cache suit les données qu'il montre ----------------------------------------------


def page_nationale(client, annee=2025):
    return client.get(reverse("rapports:national") + f"?annee={annee}").content.decode()


def ligne_de(page, contrat):
    """La ligne du tableau d'un contrat (de son lien vers le rapport à la fin de la ligne)."""
    debut = page.index(reverse("rapports:rapport", args=[contrat.slug, 2025]))
    return page[debut : page.index("</tr>", debut)]


@pytest.fixture
def dgcs(client, acteurs, contrats):
    client.force_login(acteurs["lecteur_dgcs"])
    page_nationale(client)  # le tableau est en cache
    return client


@pytest.mark.django_db
def test_cache_nouveau_contrat(dgcs, contrats):
    factories.contrat("cd-06", statut=StatutContrat.SIGNE, date_signature=date(2025, 2, 1))
    page = page_nationale(dgcs)
    assert "4 contrats pour 2025" in page and "Alpes-Maritimes" in page


@pytest.mark.django_db
def test_cache_signature_du_contrat(dgcs, contrats):
    non_signe = contrats[2]
    non_signe.statut, non_signe.date_signature = StatutContrat.SIGNE, date(2025, 5, 12)
    non_signe.save()
    assert "du 12/05/2025 au 11/05/2026" in ligne_de(page_nationale(dgcs), non_signe)


@pytest.mark.django_db
def test_cache_contrat_marque_modifie_sans_save(dgcs, contrats):
    """Une écriture par `update` (sans historique) qui touche `modifie_le` suffit à changer la clé."""
    from contractualisation.models import Contrat

    Contrat.objects.filter(pk=contrats[2].pk).update(date_signature=date(2025, 7, 1), modifie_le=timezone.now())
    assert "du 01/07/2025 au 30/06/2026" in ligne_de(page_nationale(dgcs), contrats[2])


@pytest.mark.django_db
def test_cache_rapport_ouvert_puis_etape_franchie(dgcs, contrats, acteurs):
    en_retard = contrats[1]
    rapport = services.ouvrir_rapport(en_retard, 2025, acteurs["referent_cd47"])
    assert "(étape : Projet préparé par le Département)" in ligne_de(page_nationale(dgcs), en_retard)
    services.franchir_etape(rapport, EtapeRapport.PROPOSE, acteurs["referent_cd47"], date(2026, 6, 2))
    assert "(étape : Proposé au préfet et à l&#x27;ARS)" in ligne_de(page_nationale(dgcs), en_retard)


@pytest.mark.django_db
def test_cache_rapport_supprime(dgcs, contrats):
    assert ">Transmis<" in ligne_de(page_nationale(dgcs), contrats[0])
    contrats[0].rapports.all().delete()
    assert ">Transmis<" not in ligne_de(page_nationale(dgcs), contrats[0])


@pytest.mark.django_db
def test_cache_annees_du_cycle(dgcs, contrats):
    cycle = contrats[0].cycle
    cycle.annee_fin = 2024
    cycle.annee_debut = min(cycle.annee_debut, 2024)
    cycle.save()
    assert "0 contrats pour 2025" in page_nationale(dgcs)


@pytest.mark.django_db
def test_cache_le_jour_change_les_rapports_en_retard(client, acteurs, contrats, monkeypatch):
    """Le rapport 2025 du Lot-et-Garonne (signé le 1er juin 2024) est dû le 31 mai 2026, en retard le lendemain."""
    client.force_login(acteurs["lecteur_dgcs"])
    monkeypatch.setattr(timezone, "localdate", lambda: date(2026, 5, 31))
    assert ">Non commencé<" in ligne_de(page_nationale(client), contrats[1])
    monkeypatch.setattr(timezone, "localdate", lambda: date(2026, 6, 1))
    assert ">En retard<" in ligne_de(page_nationale(client), contrats[1])


@pytest.mark.django_db
def test_cache_par_annee(dgcs, contrats):
    assert "pour 2026" in page_nationale(dgcs, 2026)
    assert "3 contrats pour 2025" in page_nationale(dgcs)


@pytest.mark.django_db
def test_tableau_en_cache_jamais_servi_hors_national(dgcs, acteurs):
    """Le tableau mis en cache pour la DGCS n'est servi à personne d'autre : la page reste refusée."""
    assert "3 contrats pour 2025" in page_nationale(dgcs)
    for nom in ("referent_cd13", "referent_ars_paca", "lecteur_dreets_paca", "sans_institution"):
        dgcs.force_login(acteurs[nom])
        reponse = dgcs.get(reverse("rapports:national") + "?annee=2025")
        assert reponse.status_code == 403
        assert "contrats pour 2025" not in reponse.content.decode()


@pytest.mark.django_db
def test_classeur_national_consolide_et_garde_tant_que_rien_ne_change(client, acteurs, contrats, sources):
    client.force_login(acteurs["lecteur_dgcs"])
    reponse = client.post(reverse("rapports:national_generer"), {"annee": 2025}, headers={"HX-Request": "true"})
    assert "Télécharger le classeur national 2025" in reponse.content.decode()
    url = reverse("rapports:national_telecharger") + "?annee=2025"
    classeur = load_workbook(io.BytesIO(b"".join(client.get(url).streaming_content)))
    assert classeur.sheetnames == ["Contrats", "Financements", "Indicateurs", "Consolidation"]
    contrats_ = {ligne[1]: ligne for ligne in classeur["Contrats"].iter_rows(min_row=2, values_only=True)}
    assert contrats_["Département Bouches-du-Rhône"][7] == "Transmis"
    assert contrats_["Département Lot-et-Garonne"][7] == "En retard"
    consolidation = list(classeur["Consolidation"].iter_rows(min_row=2, values_only=True))
    dep_2025 = sum(ligne[4] or 0 for ligne in consolidation if ligne[2] == "Département")
    attendu = sum(
        Financement.objects.filter(annee=2025, source=sources["departement"]).values_list("montant", flat=True)
    )
    assert Decimal(str(dep_2025)) == attendu

    nom = national.generer(2025)
    assert national.generer(2025) == nom  # gardé : pas de nouvelle génération
    rapport = contrats[0].rapports.get()
    services.rediger(rapport, "Nouvelle synthèse", "")
    assert national.etat_export(2025) == {"absent": True}  # les données ont changé
    assert national.generer(2025) != nom


@pytest.mark.django_db
def test_cle_du_classeur_suit_creations_modifications_sans_historique_et_suppressions(contrats, fiche):
    from fiches.models import Fiche

    cles = [national.cle_donnees(2025)]
    Fiche.objects.filter(pk=fiche.pk).update(modifie_le=timezone.now())  # comme fiches.services.toucher
    cles.append(national.cle_donnees(2025))
    fiche.indicateurs_quantitatifs.get().delete()
    cles.append(national.cle_donnees(2025))
    fiche.delete()
    cles.append(national.cle_donnees(2025))
    assert len(set(cles)) == 4
    assert national.cle_donnees(2025) == cles[-1]  # rien n'a changé : même clé


@pytest.mark.django_db
def test_indicateur_de_progression_pendant_la_generation(client, acteurs, contrats):
    client.force_login(acteurs["lecteur_dgcs"])
    cache.add(national.cle_progression(2025, national.cle_donnees(2025)), {"fait": 1, "total": 4})
    page = client.get(reverse("rapports:national_etat") + "?annee=2025").content.decode()
    assert "Génération en cours : 1 contrat sur 4" in page
    assert 'hx-trigger="every 1s"' in page and 'value="25"' in page
    # Pendant une génération, un second clic ne relance rien.
    assert national.lancer_export(2025) is None


# Le Redis de la machine (celui de REDIS_URL en CI) sert de broker et de stockage des résultats à ce test ; les
# autres tests n'y touchent pas (cache en mémoire par processus, config/test_settings.py).
REDIS_WORKER = os.environ.get("RAPPORTS_REDIS_WORKER_URL") or os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/13"


def redis_joignable():
    import redis

    try:
        return redis.Redis.from_url(REDIS_WORKER, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        return False


SCRIPT_DONNEES = """
from datetime import date
from contractualisation.models import Collectivite, Cycle
from contractualisation import services
c = services.creer_contrat(Collectivite.objects.get(slug="cd-13"), Cycle.objects.get(libelle="2025-2027"),
                           statut="signe", date_signature=date(2025, 9, 22))
"""
SCRIPT_EXPORT = """
from config.celery import app
from django.core.files.storage import default_storage
from rapports import national
from rapports.tasks import generer_export_national
assert not app.conf.task_always_eager, "le test doit passer par le broker"
nom = generer_export_national.apply_async((2025, national.cle_donnees(2025)), queue="{file}").get(timeout=120)
print("FICHIER=" + default_storage.path(nom))
"""


@pytest.mark.skipif(
    not redis_joignable(), reason="Redis injoignable sur 127.0.0.1:6379 : ce test lance un vrai worker."
)
def test_export_national_par_un_vrai_worker_celery_et_redis(tmp_path):
    """Le chemin de production : la tâche passe par Redis, un worker Celery séparé l'exécute sur la même base
    (un fichier SQLite que les deux processus voient) et écrit le classeur dans le stockage."""
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "SQLITE_TEST_NAME"}},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path}/base.sqlite3",
        "REDIS_URL": REDIS_WORKER,
        "MEDIA_ROOT": str(tmp_path / "media"),
    }

    def manage(*args, timeout=300):
        resultat = subprocess.run(
            [sys.executable, "manage.py", *args], env=env, cwd=RACINE, capture_output=True, text=True, timeout=timeout
        )
        assert resultat.returncode == 0, resultat.stdout + resultat.stderr
        return resultat.stdout

    manage("migrate", "--noinput", "-v0")
    manage("shell", "-c", SCRIPT_DONNEES)
    file = f"rapports-test-{uuid.uuid4().hex[:12]}"
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "-Q",
            file,
            "-n",
            f"{file}@%h",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
        ],
        env=env,
        cwd=RACINE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        sortie = manage("shell", "-c", SCRIPT_EXPORT.replace("{file}", file), timeout=180)
    finally:
        worker.terminate()
        journal = worker.communicate(timeout=30)[0]
    chemin = next((ligne[8:] for ligne in sortie.splitlines() if ligne.startswith("FICHIER=")), None)
    assert chemin, sortie + journal
    lignes = list(load_workbook(chemin)["Contrats"].iter_rows(values_only=True))
    assert lignes[1][1] == "Département Bouches-du-Rhône"
