"""L'accueil de l'espace partagé met en cache ses deux listes (vos espaces, dernières ressources) : le fragment
change avec chaque donnée qu'il montre, et ne montre jamais à quelqu'un les ressources d'un espace dont il
n'est pas membre, même quand un membre l'a mis en cache juste avant."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core import antivirus
from core.enums import Analyse
from core.perimetre import Perimetre
from espace_partage import services
from espace_partage.models import Espace, VersionFichier

from .conftest import espace_departement, espace_national, espace_region, pdf, ressource

pytestmark = pytest.mark.django_db


def accueil(client, user=None):
    if user is not None:
        client.force_login(user)
    return client.get(reverse("espace_partage:accueil")).content.decode()


@pytest.fixture
def guide(acteurs):
    return ressource(espace_departement("13"), acteurs["contributeur_cd13"])


@pytest.fixture
def lecteur(client, acteurs, guide):
    """Le lecteur du 13 a déjà mis l'accueil en cache."""
    assert guide.titre in accueil(client, acteurs["lecteur_cd13"])
    return client


# --- Le fragment change avec ce qu'il montre -------------------------------------------------------------


def test_nouvelle_ressource(lecteur, acteurs):
    ressource(espace_region("93"), acteurs["referent_ars_paca"], titre="Annuaire régional des lieux d'accueil")
    assert "Annuaire régional des lieux d&#x27;accueil" in accueil(lecteur)


def test_ressource_modifiee(lecteur, guide):
    services.modifier_ressource(
        guide, titre="Guide révisé", resume="Résumé revu.", lien="", objectifs=[], themes=["Périnatalité"]
    )
    page = accueil(lecteur)
    assert "Guide révisé" in page and "Résumé revu." in page and "Périnatalité" in page


def test_nouvelle_version(lecteur, guide, acteurs):
    services.ajouter_version(guide, acteurs["contributeur_cd13"], pdf("guide-2026.pdf"))
    assert "Télécharger guide-2026.pdf (version 2)" in accueil(lecteur)


def test_version_analysee(client, acteurs, guide, monkeypatch):
    version = guide.versions.get()
    VersionFichier.objects.filter(pk=version.pk).update(analyse=Analyse.EN_ATTENTE)
    page = accueil(client, acteurs["lecteur_cd13"])
    assert "pas encore téléchargeable" in page and "Télécharger guide.pdf" not in page
    monkeypatch.setattr(antivirus, "analyser", lambda flux: None)
    antivirus.analyser_objet(VersionFichier.objects.get(pk=version.pk))
    page = accueil(client)
    assert "Télécharger guide.pdf" in page and "pas encore téléchargeable" not in page


def test_mise_en_avant_puis_retrait(lecteur, guide):
    services.mettre_en_avant(guide)
    assert "Mise en avant du trimestre" in accueil(lecteur)
    services.retirer_mise_en_avant(guide)
    assert "Mise en avant du trimestre" not in accueil(lecteur)


def test_mise_en_avant_remplacee_par_une_autre(lecteur, guide, acteurs):
    services.mettre_en_avant(guide)
    accueil(lecteur)
    autre = ressource(espace_departement("13"), acteurs["contributeur_cd13"], titre="Charte", fichier=False)
    services.mettre_en_avant(autre)
    page = accueil(lecteur)
    assert page.count("Mise en avant du trimestre") == 1
    assert page.index("Mise en avant du trimestre") > page.index(">Charte<")


def test_la_mise_en_avant_expire_avec_le_trimestre(lecteur, guide, monkeypatch):
    from espace_partage import models

    services.mettre_en_avant(guide)
    assert "Mise en avant du trimestre" in accueil(lecteur)
    trimestre_suivant = models.debut_du_trimestre(timezone.now() + timedelta(days=95))
    monkeypatch.setattr(models, "debut_du_trimestre", lambda moment=None: trimestre_suivant)
    monkeypatch.setattr(services, "debut_du_trimestre", lambda moment=None: trimestre_suivant)
    assert "Mise en avant du trimestre" not in accueil(lecteur)


def test_archivage(lecteur, guide):
    espace = guide.espace
    assert f'{espace.nom}</a> <span class="fr-text--sm">(1 ressource)' in accueil(lecteur)
    services.archiver(guide)
    page = accueil(lecteur)
    assert guide.titre not in page
    assert f'{espace.nom}</a> <span class="fr-text--sm">(0 ressources)' in page


def test_ressource_deplacee_hors_des_espaces_vus(lecteur, guide):
    services.deplacer(guide, espace=espace_departement("47"), section=guide.section)
    assert guide.titre not in accueil(lecteur)


def test_commentaires_et_actualites_changent_la_cle(guide, acteurs):
    vus = [guide.espace_id]
    avant = services.etat_des_espaces(vus)
    services.commenter(guide, acteurs["lecteur_cd13"], "Merci pour ce guide.")
    apres_commentaire = services.etat_des_espaces(vus)
    services.publier_actualite(guide.espace, acteurs["referent_cd13"], titre="Réunion", texte="Le 12 mars.")
    assert len({avant, apres_commentaire, services.etat_des_espaces(vus)}) == 3


def requetes(client):
    """Les requêtes SQL d'un affichage de l'accueil (journal vidé avant : il plafonne à 9000 requêtes)."""
    reset_queries()
    with CaptureQueriesContext(connection) as capture:
        accueil(client)
    return [q["sql"] for q in capture.captured_queries]


def test_nombre_de_requetes_constant(client, acteurs, guide):
    """En cache ou non, le nombre de requêtes ne dépend pas du nombre de ressources ; en cache, aucune
    ressource, version ni étiquette n'est relue."""
    accueil(client, acteurs["lecteur_dgcs"])
    cache.clear()
    Perimetre.de(acteurs["lecteur_dgcs"])  # seul le périmètre reste en cache, comme en cours de session
    sans_cache = requetes(client)
    en_cache = requetes(client)
    for i in range(10):
        ressource(espace_departement("47"), acteurs["referent_cd47"], titre=f"Ressource {i}")
    assert len(requetes(client)) == len(sans_cache)
    assert len(requetes(client)) == len(en_cache) < len(sans_cache)
    assert "Ressource 9" in accueil(client)
    assert not any("nom_original" in sql or "espace_partage_theme" in sql for sql in en_cache)
    assert sum("UNION ALL" in sql for sql in en_cache) == 1


# --- Jamais les ressources d'un espace à qui n'en est pas membre ------------------------------------------


def test_un_autre_departement_ne_recoit_pas_le_fragment_du_13(lecteur, acteurs, guide):
    for nom in ("referent_cd47", "lecteur_ddets47", "referent_prefecture06", "association", "sans_institution"):
        page = accueil(lecteur, acteurs[nom])
        assert guide.titre not in page and guide.espace.nom not in page


def test_le_fragment_national_ne_fuit_pas_vers_un_departement(client, acteurs, guide):
    ressource47 = ressource(espace_departement("47"), acteurs["referent_cd47"], titre="Protocole du Lot-et-Garonne")
    page = accueil(client, acteurs["lecteur_dgcs"])
    assert guide.titre in page and ressource47.titre in page
    page = accueil(client, acteurs["lecteur_cd13"])
    assert guide.titre in page and ressource47.titre not in page


def test_invitation(client, acteurs, guide):
    """L'invité du 47 voit l'espace du 13 ; son collègue non invité, qui passe après lui, ne le voit pas ; une
    fois l'invitation retirée, l'invité non plus."""
    invite, collegue = acteurs["referent_cd47"], acteurs["lecteur_ddets47"]
    services.inviter(guide.espace, acteurs["referent_cd13"], invite)
    assert guide.titre in accueil(client, invite)
    assert guide.titre not in accueil(client, collegue)
    services.retirer_invitation(guide.espace, invite.pk)
    assert guide.titre not in accueil(client, invite)


def test_memes_espaces_meme_fragment(client, acteurs, guide):
    """Le fragment se partage entre personnes qui voient exactement les mêmes espaces."""
    vus = sorted(Espace.objects.visibles_par(acteurs["lecteur_cd13"]).values_list("pk", flat=True))
    assert vus == sorted(Espace.objects.visibles_par(acteurs["referent_cd13"]).values_list("pk", flat=True))
    assert espace_national().pk in vus
    assert guide.titre in accueil(client, acteurs["lecteur_cd13"])
    assert guide.titre in accueil(client, acteurs["referent_cd13"])


def test_sans_aucune_ressource_chacun_ses_espaces(client, acteurs):
    """Même quand rien ne distingue les ressources (aucune), la liste des espaces reste celle de chacun."""
    espace13, espace47 = espace_departement("13"), espace_departement("47")
    page = accueil(client, acteurs["lecteur_cd13"])
    assert espace13.nom in page and espace47.nom not in page
    page = accueil(client, acteurs["referent_cd47"])
    assert espace47.nom in page and espace13.nom not in page
