import random
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from demo.donnees import creer_donnees_demo
from fiches.models import Fiche
from suivi import donnees_demo, volumetrie
from suivi.models import Decision, Notification, PointFiche, Releve, Reunion, ValeurIndicateur
from suivi.tasks import envoyer_rappels_reunions, signaler_decisions_en_retard

from . import fabriques

pytestmark = pytest.mark.django_db


def test_demo_sans_fiche_ne_cree_rien():
    creer_donnees_demo()
    if not Fiche.objects.exists():
        assert not Reunion.objects.exists()


def test_demo_avec_fiches_idempotente_et_affichable(client, acteurs):
    from contractualisation.models import Contrat
    from core.models import Utilisateur

    creer_donnees_demo()
    contrat = Contrat.objects.get(collectivite__slug="cd-13")
    if not Fiche.objects.filter(contrat=contrat).exists():
        for f in fabriques.fiches(contrat, 4, action_a_impact=True):
            fabriques.indicateur_qualitatif(f)
    Reunion.objects.filter(contrat=contrat).delete()
    donnees_demo.peupler()
    donnees_demo.peupler()
    assert Reunion.objects.filter(contrat=contrat).count() == 3
    tenue = Reunion.objects.filter(contrat=contrat).order_by("date").first()
    assert tenue.verrouillee and Decision.objects.filter(point__reunion=tenue).exists()
    assert Releve.objects.filter(fiche__contrat=contrat, statut="valide").exists()
    assert ValeurIndicateur.objects.filter(contrat=contrat).count() > 10
    client.force_login(Utilisateur.objects.get(email="referent.cd13@demo.gouv.fr"))
    for url in (
        reverse("suivi:tableau_de_bord", args=[contrat.slug]),
        reverse("suivi:tableau_pmi", args=[contrat.slug]),
        reverse("suivi:ordre_du_jour", args=[tenue.pk]),
        reverse("suivi:projection", args=[tenue.pk]),
    ):
        assert client.get(url).status_code == 200


def test_volume_sur_les_fiches_presentes(acteurs, contrat13, contrat47):
    fabriques.fiches(contrat13, 8, action_a_impact=True)
    for f in fabriques.fiches(contrat47, 3):
        fabriques.indicateur_qualitatif(f)
        fabriques.indicateur_quantitatif(f)
    volumetrie.peupler_volume([contrat13, contrat47], random.Random(1))
    assert Reunion.objects.filter(contrat=contrat13).count() == volumetrie.REUNIONS_PAR_CONTRAT
    assert PointFiche.objects.filter(reunion__contrat=contrat47).exists()
    assert ValeurIndicateur.objects.filter(contrat=contrat47, indicateur__isnull=False).count() == 6


def test_rappel_quelques_jours_avant_une_seule_fois(acteurs, contrat13, django_capture_on_commit_callbacks):
    referent = acteurs["referent_cd13"]
    with django_capture_on_commit_callbacks(execute=True):
        reunion = fabriques.reunion(contrat13, referent, [fabriques.fiche(contrat13)], jours=2)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert envoyer_rappels_reunions() == 1
        assert envoyer_rappels_reunions() == 0
    assert [m.subject for m in mail.outbox] == [f"Rappel : {reunion}"]  # un seul e-mail, pas de doublon
    assert Notification.objects.filter(destinataire=referent, type="rappel_reunion").count() == 1


def test_decision_en_retard_signalee_une_fois(acteurs, contrat13):
    from suivi import services

    referent = acteurs["referent_cd13"]
    reunion = fabriques.reunion(contrat13, referent, [fabriques.fiche(contrat13)], jours=-60)
    services.ajouter_decision(
        reunion.points.get(),
        acteurs["contributeur_cd13"],
        libelle="Installer le comité",
        responsable=referent,
        echeance=timezone.localdate() - timedelta(days=3),
    )
    signaler_decisions_en_retard()
    signaler_decisions_en_retard()
    assert Notification.objects.filter(destinataire=referent, type="decision_en_retard").count() == 1
