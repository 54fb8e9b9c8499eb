import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from suivi import services
from suivi.models import Notification, Releve

from . import fabriques

pytestmark = pytest.mark.django_db


@pytest.fixture
def releve(acteurs, contrat13):
    fiche = fabriques.fiche(contrat13, referent=acteurs["referent_cd13"])
    indicateur = fabriques.indicateur_qualitatif(fiche)
    return services.creer_releve(
        indicateur,
        acteurs["contributeur_cd13"],
        date_observation=timezone.localdate(),
        situation="École maternelle Saint-Just",
        questions_cles="Les familles sont-elles écoutées et orientées ?",
        faits="85 % des retours parentaux sont positifs. « On a enfin compris le suivi » (parent).",
        ameliorations="Informer les parents en amont.",
    )


def test_parcours_complet_brouillon_soumis_relu_valide(client, acteurs, releve, django_capture_on_commit_callbacks):
    auteur, binome, referent = acteurs["contributeur_cd13"], acteurs["contributeur_ddets13"], acteurs["referent_cd13"]
    url = reverse("suivi:releve_transition", args=[releve.pk])
    client.force_login(auteur)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "soumettre"})
    releve.refresh_from_db()
    assert releve.statut == "soumis"
    assert Notification.objects.filter(destinataire=binome, type="releve_a_relire").exists()
    assert not Notification.objects.filter(destinataire=auteur, type="releve_a_relire").exists()
    client.force_login(binome)
    client.post(url, {"action": "relire"})
    releve.refresh_from_db()
    assert releve.statut == "relu" and releve.relu_par == binome
    assert Notification.objects.filter(destinataire=referent, type="releve_a_valider").exists()
    client.force_login(referent)
    client.post(url, {"action": "valider"})
    releve.refresh_from_db()
    assert releve.statut == "valide" and releve.valide_par == referent
    annee = releve.date_observation.year
    assert list(Releve.objects.pour_rapport(releve.fiche.contrat, annee)) == [releve]
    assert not Releve.objects.pour_rapport(releve.fiche.contrat, annee - 1).exists()
    assert [(t.de, t.vers) for t in releve.transitions.all()] == [
        ("brouillon", "soumis"),
        ("soumis", "relu"),
        ("relu", "valide"),
    ]


def test_l_auteur_ne_peut_ni_relire_ni_valider_son_releve(client, acteurs, releve):
    auteur = acteurs["contributeur_cd13"]
    services.faire_transition(releve, auteur, "soumettre")
    with pytest.raises(ValidationError, match="auteur"):
        services.faire_transition(releve, auteur, "relire")
    client.force_login(auteur)
    assert client.post(reverse("suivi:releve_transition", args=[releve.pk]), {"action": "relire"}).status_code == 403
    services.faire_transition(releve, acteurs["contributeur_ddets13"], "relire")
    with pytest.raises(ValidationError, match="auteur"):
        services.faire_transition(releve, auteur, "valider")
    assert client.post(reverse("suivi:releve_transition", args=[releve.pk]), {"action": "valider"}).status_code == 403
    releve.refresh_from_db()
    assert releve.statut == "relu"


def test_un_auteur_referent_ne_valide_pas_son_propre_releve(acteurs, contrat13):
    """Même référent de la fiche et chef de service, l'auteur ne valide pas : c'est le rôle d'un autre."""
    referent = acteurs["referent_cd13"]
    fiche = fabriques.fiche(contrat13, referent=referent)
    r = services.creer_releve(
        fabriques.indicateur_qualitatif(fiche),
        referent,
        date_observation=timezone.localdate(),
        situation="x",
        faits="y",
    )
    services.faire_transition(r, referent, "soumettre")
    services.faire_transition(r, acteurs["contributeur_cd13"], "relire")
    with pytest.raises(ValidationError):
        services.faire_transition(r, referent, "valider")
    # La base refuse aussi (contrainte), même si un code futur oubliait la règle.
    r.statut, r.valide_par, r.valide_le = "valide", referent, timezone.now()
    with pytest.raises(ValidationError):
        r.full_clean()


def test_un_releve_valide_ne_se_modifie_plus(client, acteurs, releve):
    services.faire_transition(releve, acteurs["contributeur_cd13"], "soumettre")
    services.faire_transition(releve, acteurs["contributeur_ddets13"], "relire")
    services.faire_transition(releve, acteurs["referent_cd13"], "valider")
    with pytest.raises(ValidationError):
        services.modifier_releve(releve, faits="Réécriture")
    for acteur in ("contributeur_cd13", "referent_cd13", "admin_cd13"):
        client.force_login(acteurs[acteur])
        url = reverse("suivi:releve_modifier", args=[releve.pk])
        assert client.get(url).status_code == 403
        assert client.post(url, {"faits": "Réécriture"}).status_code == 403
    releve.refresh_from_db()
    assert releve.faits.startswith("85 %")
    with pytest.raises(ValidationError):
        services.ajouter_piece(releve, acteurs["referent_cd13"], SimpleUploadedFile("a.txt", b"x"))


def test_brouillon_modifiable_avec_piece_jointe_et_conflit_detecte(client, acteurs, releve, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(acteurs["contributeur_cd13"])
    url = reverse("suivi:releve_modifier", args=[releve.pk])
    donnees = {
        "version": releve.modifie_le.isoformat(),
        "indicateur": releve.indicateur_id,
        "date_observation": "2026-05-14",
        "situation": "École maternelle Saint-Just",
        "faits": "Faits complétés",
        "piece": SimpleUploadedFile("compte-rendu.pdf", b"%PDF-1.4 test", content_type="application/pdf"),
    }
    assert client.post(url, donnees).status_code == 302
    releve.refresh_from_db()
    assert releve.faits == "Faits complétés" and releve.pieces.count() == 1
    piece = releve.pieces.get()
    reponse = client.get(reverse("suivi:piece", args=[releve.pk, piece.pk]))
    assert reponse.status_code == 200 and b"".join(reponse.streaming_content) == b"%PDF-1.4 test"
    # Version périmée : refus, la saisie reste affichée.
    donnees.pop("piece")
    donnees["faits"] = "Saisie concurrente"
    page = client.post(url, donnees).content.decode()
    assert "modifié par quelqu" in page and "Saisie concurrente" in page
    releve.refresh_from_db()
    assert releve.faits == "Faits complétés"
    donnees["version"] = releve.modifie_le.isoformat()
    donnees["piece"] = SimpleUploadedFile("script.exe", b"MZ")
    assert "pas accepté (.exe)" in client.post(url, donnees).content.decode()  # message de core.fichiers


def test_collecte_programmee_et_rappel_aux_collecteurs(client, acteurs, contrat13):
    from suivi.tasks import rappeler_collectes

    fiche = fabriques.fiche(contrat13)
    indicateur = fabriques.indicateur_qualitatif(fiche)
    client.force_login(acteurs["referent_cd13"])
    url = reverse("suivi:collecte", args=[indicateur.pk])
    reponse = client.post(
        url,
        {
            "version": client.get(url).context["form"]["version"].value(),  # la version que porte la page
            "periodicite": "trimestrielle",
            "prochaine_echeance": timezone.localdate().isoformat(),
            "collecteurs": [acteurs["contributeur_ddets13"].pk],
        },
    )
    assert reponse.status_code == 302
    rappeler_collectes()
    rappeler_collectes()
    assert (
        Notification.objects.filter(destinataire=acteurs["contributeur_ddets13"], type="releve_a_collecter").count()
        == 1
    )
    # Le collecteur désigné peut rédiger un relevé.
    client.force_login(acteurs["contributeur_ddets13"])
    assert client.get(reverse("suivi:releve_creer", args=[fiche.pk])).status_code == 200
    assert Releve.objects.count() == 0
