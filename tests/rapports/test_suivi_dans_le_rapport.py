"""Le rapport reprend le suivi sans ressaisie : valeurs atteintes des indicateurs, réunions d'état
d'avancement (éléments positifs, axes d'amélioration, décisions), relevés qualitatifs validés."""

import io
import subprocess
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from contractualisation.models import IndicateurHarmonise
from fiches.models import IndicateurQualitatif
from rapports import donnees, national
from rapports.exports.pdf import rendre_pdf
from suivi import services as suivi
from suivi.models import Releve

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def suivi_saisi(contrat, fiche, acteurs):
    auteur = acteurs["referent_cd13"]
    indicateur = fiche.indicateurs_quantitatifs.get()
    suivi.enregistrer_valeur_fiche(indicateur, auteur, 2025, Decimal("1100"))
    reunion = suivi.planifier_reunion(contrat, auteur, fiches=[fiche], date=datetime(2026, 3, 10, 10, tzinfo=PARIS))
    point = reunion.points.get()
    suivi.enregistrer_point(
        point, auteur, elements_positifs="Les familles reviennent d'elles-mêmes", axes_amelioration="Délais trop longs"
    )
    suivi.ajouter_decision(point, auteur, libelle="Recruter une sage-femme", responsable_texte="CD 13")
    # Une réunion hors de la période du rapport n'y figure pas.
    suivi.planifier_reunion(contrat, auteur, fiches=[fiche], date=datetime(2027, 1, 5, 10, tzinfo=PARIS))
    qualitatif = IndicateurQualitatif.objects.create(fiche=fiche, libelle="Ressenti des familles")
    Releve.objects.create(
        fiche=fiche,
        indicateur=qualitatif,
        date_observation=date(2026, 2, 2),
        situation="MDS Nord",
        faits="Une mère : « on m'a écoutée »",
        statut="valide",
        auteur=acteurs["contributeur_cd13"],
        valide_par=auteur,
        valide_le=timezone.now(),
    )
    Releve.objects.create(
        fiche=fiche,
        indicateur=qualitatif,
        date_observation=date(2026, 2, 3),
        situation="MDS Sud",
        faits="Brouillon non validé",
        auteur=acteurs["contributeur_cd13"],
    )
    return fiche


def test_le_rapport_reprend_valeurs_reunions_decisions_et_releves(contrat, suivi_saisi, tmp_path):
    d = donnees.rassembler(contrat, 2025)
    ligne = d.objectifs[1].fiches[0].indicateurs[0]
    assert (ligne.cible, ligne.realise, ligne.ecart) == (Decimal("1200"), Decimal("1100"), Decimal("-100"))
    assert (d.nombre_reunions, d.nombre_decisions) == (1, 1)
    chemin = tmp_path / "r.pdf"
    chemin.write_bytes(rendre_pdf(d))
    texte = " ".join(subprocess.run(["pdftotext", str(chemin), "-"], capture_output=True, text=True).stdout.split())
    for attendu in (
        "Réunion d'état d'avancement n° 1 — 10/03/2026",
        "Les familles reviennent d'elles-mêmes",
        "Délais trop longs",
        "Recruter une sage-femme",
        "Une mère : « on m'a écoutée »",
    ):
        assert attendu in texte, attendu
    assert "Brouillon non validé" not in texte
    assert "05/01/2027" not in texte


def test_tableau_de_bord_et_classeur_national_lisent_le_suivi(client, acteurs, contrat, suivi_saisi):
    naissances, epp = IndicateurHarmonise.objects.get(code="pmi-01"), IndicateurHarmonise.objects.get(code="pmi-02")
    suivi.enregistrer_valeurs(
        contrat,
        acteurs["referent_cd13"],
        {(naissances.pk, 2025, 0): (Decimal("20000"), "INSEE"), (epp.pk, 2025, 0): (Decimal("4000"), "CD")},
    )
    client.force_login(acteurs["lecteur_dgcs"])
    feuille = load_workbook(
        io.BytesIO(client.get(reverse("rapports:tableau_bord", args=[contrat.slug])).content)
    ).active
    lignes = {ligne[2]: ligne for ligne in feuille.iter_rows(min_row=6, values_only=True) if isinstance(ligne[2], int)}
    assert lignes[1][8] == 20000 and lignes[2][8] == 4000
    assert lignes[4][8] == pytest.approx(0.2)  # part des femmes ayant bénéficié d'un EPP, atteint en 2025

    classeur = load_workbook(default_storage.open(national.generer(2025), "rb"))
    contrat_ligne = next(ligne for ligne in classeur["Contrats"].iter_rows(min_row=2, values_only=True))
    assert contrat_ligne[10:13] == (1, 2, 1)  # fiches, réunions (toutes), décisions
    indicateur = next(classeur["Indicateurs"].iter_rows(min_row=2, values_only=True))
    assert indicateur[9:12] == (1200, 1100, -100)
