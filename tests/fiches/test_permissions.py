"""La matrice de docs/permissions.md (section Fiches actions), appliquée aux vues des fiches."""

import pytest
from django.urls import reverse

from core.enums import Role
from fiches.sections import SECTIONS
from tests import factories
from tests.contractualisation.test_permissions import LECTURE, TOUS

pytestmark = pytest.mark.django_db

# Contributeur, référent ou administrateur d'une institution du territoire (comité technique), hors national.
MODIFICATION = {
    "referent_cd13",
    "admin_cd13",
    "contributeur_cd13",
    "referent_ars_paca",
    "referent_prefecture13",
    "contributeur_ddets13",
    "referent_ddets13",
}
COMMENTAIRE = MODIFICATION | {"lecteur_cd13", "lecteur_ars_paca", "lecteur_dreets_paca"}
VUES_LECTURE = ["fiche", "historique", "annexes", "calendrier", "pdf", "docx"]


@pytest.mark.parametrize("acteur", TOUS)
def test_lecture_des_fiches_selon_la_matrice(client, acteurs, fiche13, acteur):
    client.force_login(acteurs[acteur])
    attendu = 200 if acteur in LECTURE else 403
    assert client.get(reverse("fiches:liste", args=[fiche13.contrat.slug])).status_code == attendu, acteur
    for vue in VUES_LECTURE:
        assert client.get(reverse(f"fiches:{vue}", args=[fiche13.pk])).status_code == attendu, (vue, acteur)


@pytest.mark.parametrize("acteur", TOUS)
def test_modification_des_fiches_selon_la_matrice(client, acteurs, fiche13, acteur):
    fiche13.referent = None
    fiche13.save()
    client.force_login(acteurs[acteur])
    attendu = 200 if acteur in MODIFICATION else 403
    assert client.get(reverse("fiches:nouvelle", args=[fiche13.contrat.slug])).status_code == attendu, acteur
    for nom in SECTIONS:
        url = reverse("fiches:section_modifier", args=[fiche13.pk, nom])
        assert client.get(url).status_code == attendu, (nom, acteur)
        if acteur not in MODIFICATION:
            assert client.post(url, {"titre-titre": "Piraté", "constat-constat": "Piraté"}).status_code == 403
    if acteur not in MODIFICATION:
        exemple = fiche13.objectif_contrat.objectif.exemples_indicateurs.first()
        assert client.post(reverse("fiches:inserer_exemple", args=[fiche13.pk, exemple.pk])).status_code == 403
        reponse = client.post(reverse("fiches:restaurer", args=[fiche13.pk]), {"champ": "titre", "version": "1"})
        assert reponse.status_code == 403
    fiche13.refresh_from_db()
    assert fiche13.titre == "Développer l'accueil familial" and fiche13.constat == ""
    assert not fiche13.indicateurs_qualitatifs.exists() or acteur in MODIFICATION


@pytest.mark.parametrize("acteur", TOUS)
def test_commentaires_selon_la_matrice(client, acteurs, fiche13, acteur):
    client.force_login(acteurs[acteur])
    reponse = client.post(reverse("fiches:commenter", args=[fiche13.pk]), {"texte": "Avis"})
    assert reponse.status_code == (302 if acteur in COMMENTAIRE else 403), acteur
    assert fiche13.commentaires.exists() == (acteur in COMMENTAIRE)


def test_le_referent_nomme_modifie_sa_fiche_meme_lecteur(client, acteurs, fiche13):
    lecteur = acteurs["lecteur_cd13"]
    url = reverse("fiches:section_modifier", args=[fiche13.pk, "constat"])
    client.force_login(lecteur)
    assert client.get(url).status_code == 403
    fiche13.referent = lecteur
    fiche13.save()
    assert client.get(url).status_code == 200
    autre = factories.membre(factories.institution("cd", fiche13.contrat.collectivite, nom="CD bis"), Role.LECTEUR)
    client.force_login(autre)
    assert client.get(url).status_code == 403  # lecteur du territoire, pas référent de cette fiche


def test_fiche_inconnue_404(client, acteurs):
    client.force_login(acteurs["referent_cd13"])
    assert client.get(reverse("fiches:fiche", args=[999999])).status_code == 404
    assert client.get(reverse("fiches:liste", args=["inconnu"])).status_code == 404


def test_fiches_d_un_autre_departement_absentes_de_la_liste(client, acteurs, fiche13, contrat47):
    from fiches.models import Fiche

    assert Fiche.objects.visibles_par(acteurs["referent_cd47"]).count() == 0
    assert Fiche.objects.visibles_par(acteurs["lecteur_dgcs"]).count() == 1
