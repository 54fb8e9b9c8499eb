from datetime import date
from decimal import Decimal

import pytest

from config.celery import app as celery_app
from contractualisation import services as contrats
from contractualisation.enums import StatutContrat
from contractualisation.models import SourceFinancement
from fiches.models import Fiche, IndicateurQuantitatif


@pytest.fixture(autouse=True)
def isolation(settings, tmp_path):
    """Fichiers dans un dossier du test, cache en mémoire et tâches exécutées dans le processus, même quand la
    suite tourne avec REDIS_URL (le test du vrai worker Celery lance ses propres processus)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "rapports"}}
    ancien = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = ancien


@pytest.fixture
def sources():
    return {s.code: s for s in SourceFinancement.objects.all()}


@pytest.fixture
def contrat(contrat13, sources):
    """Le contrat des Bouches-du-Rhône signé le 22/09/2025, ses objectifs obligatoires et des financements."""
    contrat13.statut = StatutContrat.SIGNE
    contrat13.date_signature = date(2025, 9, 22)
    contrat13.save()
    objectifs = {oc.objectif.numero: oc.objectif for oc in contrat13.objectifs_contrat.select_related("objectif")}
    montants = {}
    for numero, (etat, dep) in {1: (100000, 120000), 2: (50000, 55000), 7: (200000, 210000)}.items():
        source_etat = objectifs[numero].sources.first()
        for annee, coefficient in ((2025, Decimal("1")), (2026, Decimal("2"))):
            montants[(objectifs[numero].pk, annee, source_etat.pk)] = Decimal(etat) * coefficient
            montants[(objectifs[numero].pk, annee, sources["departement"].pk)] = Decimal(dep) * coefficient
    contrats.enregistrer_financements(contrat13, montants)
    return contrat13


@pytest.fixture
def objectifs(contrat):
    return {oc.objectif.numero: oc.objectif for oc in contrat.objectifs_contrat.select_related("objectif")}


@pytest.fixture
def fiche(contrat, objectifs):
    oc = contrat.objectifs_contrat.get(objectif=objectifs[2])
    fiche = Fiche.objects.create(contrat=contrat, objectif_contrat=oc, numero=1, titre="Entretiens prénataux en MDS")
    IndicateurQuantitatif.objects.create(
        fiche=fiche,
        libelle="Entretiens prénataux précoces réalisés",
        unite="entretiens",
        valeur_reference=Decimal("850"),
        annee_reference=2024,
        cibles={"2025": "1200", "2026": "1500"},
    )
    return fiche
