"""La page d'une fiche servie en fragments de cache (fiches/fragments.py) : ce qu'on vient d'enregistrer se voit
aussitôt, lignes comprises, et personne ne reçoit les boutons, les formulaires ni le jeton CSRF d'un autre."""

import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from core.jeton_csrf import REPERE_CSRF
from fiches import services
from fiches.enums import TypeExemple
from fiches.models import Commentaire, ExempleIndicateur, IndicateurQualitatif, Jalon, Partenaire

from .conftest import connecte
from .test_fiche import jeu, url_section, version

pytestmark = pytest.mark.django_db


def page(client, fiche):
    reponse = client.get(reverse("fiches:fiche", args=[fiche.pk]))
    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert REPERE_CSRF not in contenu
    return contenu


def enregistrer(client, fiche, nom, donnees):
    reponse = client.post(url_section(fiche, nom), {"rubrique-version": version(client, fiche, nom), **donnees})
    assert reponse.status_code == 302, reponse.content.decode()


def ligne(objet, **champs):
    """Une ligne existante d'un jeu de formulaires : sa clé, puis les champs donnés."""
    return {"id": objet.pk, "fiche": objet.fiche_id, **champs}


def partenaire(role):
    return {
        "organisation": "Union des assistants familiaux",
        "role": role,
        "implication": "engage",
        "implication_depuis": "2026-01-05",
        "ajoute_le": "2025-11-03",
    }


def test_servie_du_cache_sans_lire_les_lignes(
    client, acteurs, fiche13, django_assert_max_num_queries, django_assert_num_queries
):
    client.force_login(acteurs["contributeur_cd13"])
    with django_assert_max_num_queries(21):  # fragments rendus : fiche complète, lignes, exemples, commentaires
        page(client, fiche13)
    # Session, utilisateur, fiche (avec la version des commentaires), départements, adhésions, documents joints
    # (territoire, ressources), écriture de la session (3 requêtes, dans les tests seulement).
    with django_assert_num_queries(8):
        page(client, fiche13)
    # Un lecteur : le droit de modifier (permission nominative sur le contrat) n'est demandé qu'une fois.
    for lecteur, requetes in (("lecteur_cd13", 9), ("lecteur_dgcs", 9)):
        client.force_login(acteurs[lecteur])
        page(client, fiche13)
        with django_assert_num_queries(requetes):
            page(client, fiche13)


def test_rubriques_de_texte_et_identification(client, acteurs, fiche13):
    client.force_login(acteurs["contributeur_cd13"])
    page(client, fiche13)
    enregistrer(client, fiche13, "constat", {"constat-constat": "Trop peu d'assistants familiaux."})
    enregistrer(
        client,
        fiche13,
        "identite",
        {"identite-titre": "Accueil renforcé", "identite-statut": "en_cours", "identite-action_a_impact": "on"},
    )
    contenu = page(client, fiche13)
    assert escape("Trop peu d'assistants familiaux.") in contenu
    assert "Fiche action n° 7.1 — Accueil renforcé" in contenu  # en-tête
    assert "Action à impact" in contenu and "En cours" in contenu


def test_lignes_ajoutees_modifiees_supprimees(client, acteurs, fiche13, sources):
    client.force_login(acteurs["contributeur_cd13"])
    page(client, fiche13)
    enregistrer(
        client,
        fiche13,
        "acteurs",
        jeu("acteurs", [partenaire("Relais")]),
    )
    enregistrer(
        client,
        fiche13,
        "moyens",
        jeu("moyens", [{"annee": "2026", "source": sources["bop304"].pk, "montant": "45 000"}]),
    )
    enregistrer(client, fiche13, "calendrier", jeu("calendrier", [{"date": "2026-02-01", "libelle": "Lancement"}]))
    enregistrer(
        client,
        fiche13,
        "indicateurs_quantitatifs",
        jeu("indicateurs_quantitatifs", [{"libelle": "Assistants familiaux recrutés", "cible_2026": "15"}]),
    )
    enregistrer(
        client,
        fiche13,
        "indicateurs_qualitatifs",
        jeu("indicateurs_qualitatifs", [{"libelle": "Accueil des nouveaux assistants", "questions_cles": "Qui ?"}]),
    )
    contenu = page(client, fiche13)
    for attendu in (
        "Union des assistants familiaux",
        "45\u202f000,00",
        "Lancement",
        "Assistants familiaux recrutés",
        "2026 : 15",
        "Accueil des nouveaux assistants",
    ):
        assert attendu in contenu, attendu

    jalon = Jalon.objects.get(fiche=fiche13)
    enregistrer(
        client,
        fiche13,
        "acteurs",
        jeu(
            "acteurs",
            [ligne(Partenaire.objects.get(fiche=fiche13), **partenaire("Pilote"))],
            existantes=1,
        ),
    )
    enregistrer(
        client,
        fiche13,
        "calendrier",
        jeu("calendrier", [ligne(jalon, date="2026-02-01", libelle="Lancement", fait="on")], existantes=1),
    )
    indicateur = IndicateurQualitatif.objects.get(fiche=fiche13)
    enregistrer(
        client,
        fiche13,
        "indicateurs_qualitatifs",
        jeu("indicateurs_qualitatifs", [ligne(indicateur, libelle=indicateur.libelle, DELETE="on")], existantes=1),
    )
    contenu = page(client, fiche13)
    assert "Pilote" in contenu and "Relais" not in contenu
    assert "Réalisé" in contenu
    assert "Accueil des nouveaux assistants" not in contenu and "Aucun indicateur qualitatif" in contenu


def test_exemple_insere_et_valeur_restauree(client, acteurs, fiche13):
    client.force_login(acteurs["contributeur_cd13"])
    page(client, fiche13)
    exemple = ExempleIndicateur.objects.filter(
        objectif=fiche13.objectif_contrat.objectif, type=TypeExemple.QUALITATIF
    ).first()
    client.post(reverse("fiches:inserer_exemple", args=[fiche13.pk, exemple.pk]), {"confirme": "1"})
    assert f"<strong>{escape(exemple.libelle)}</strong>" in page(client, fiche13)

    for texte in ("Première version", "Seconde version"):
        enregistrer(client, fiche13, "points_vigilance", {"points_vigilance-points_vigilance": texte})
    assert "Seconde version" in page(client, fiche13)
    premiere = fiche13.history.filter(points_vigilance="Première version").first()
    client.post(reverse("fiches:restaurer", args=[fiche13.pk]), {"champ": "points_vigilance", "version": premiere.pk})
    contenu = page(client, fiche13)
    assert "Première version" in contenu and "Seconde version" not in contenu


def test_fiche_liee_posee_renommee_retiree_depuis_l_autre_fiche(client, acteurs, fiche13):
    autre = services.creer_fiche(fiche13.contrat, fiche13.objectif_contrat, titre="Tiers dignes de confiance")
    client.force_login(acteurs["contributeur_cd13"])
    assert "Tiers dignes de confiance" not in page(client, fiche13)

    def identite(titre, liees):
        enregistrer(client, autre, "identite", {"identite-titre": titre, "identite-statut": "brouillon", **liees})

    identite("Tiers dignes de confiance", {"identite-fiches_liees": [fiche13.pk]})
    assert "Fiche n° 7.2 — Tiers dignes de confiance" in page(client, fiche13)
    identite("Tiers de confiance", {"identite-fiches_liees": [fiche13.pk]})
    assert "Fiche n° 7.2 — Tiers de confiance" in page(client, fiche13)
    premier_titre = autre.history.filter(titre="Tiers dignes de confiance").first()
    client.post(reverse("fiches:restaurer", args=[autre.pk]), {"champ": "titre", "version": premier_titre.pk})
    assert "Fiche n° 7.2 — Tiers dignes de confiance" in page(client, fiche13)
    identite("Tiers dignes de confiance", {})
    assert "Fiche n° 7.2" not in page(client, fiche13)


def test_commentaires_et_reponses(client, acteurs, fiche13):
    client.force_login(acteurs["lecteur_cd13"])
    assert "Aucun commentaire." in page(client, fiche13)
    client.post(reverse("fiches:commenter", args=[fiche13.pk]), {"texte": "Et le lien avec la PMI ?"})
    assert "Et le lien avec la PMI ?" in page(client, fiche13)
    commentaire = Commentaire.objects.get(fiche=fiche13)
    client.post(reverse("fiches:commenter", args=[fiche13.pk]), {"texte": "Prévu.", "reponse_a": commentaire.pk})
    assert "Prévu." in page(client, fiche13)


def test_documents_joints_selon_ce_que_chacun_voit(acteurs, fiche13):
    from espace_partage.models import Espace, Ressource

    ars, cd = connecte(acteurs["referent_ars_paca"]), connecte(acteurs["contributeur_cd13"])
    page(ars, fiche13), page(cd, fiche13)  # même variante des rubriques (tous deux modifient la fiche)
    ressource = Ressource.objects.create(
        espace=Espace.objects.get(departement__code="06"),  # visible de l'ARS PACA, pas du Département 13
        section="methodes",
        titre="Guide des Alpes-Maritimes",
        resume="Un guide.",
        lien="https://exemple.fr/guide",
        auteur=acteurs["referent_ars_paca"],
    )
    ars.post(reverse("fiches:joindre", args=[fiche13.pk]), {"ressource": ressource.pk})
    assert "Guide des Alpes-Maritimes" in page(ars, fiche13)
    assert "Guide des Alpes-Maritimes" not in page(cd, fiche13)


def boutons(contenu):
    return {
        "modifier": "Modifier : Constat du diagnostic" in contenu,
        "inserer": "Insérer l'exemple" in contenu,
        "joindre": reverse("espace_partage:choisir") in contenu,
        "commenter": "Publier le commentaire" in contenu,
        "repondre": "Votre réponse" in contenu,
    }


@pytest.mark.parametrize("premier", ["contributeur_cd13", "lecteur_cd13", "lecteur_dgcs"])
def test_chacun_ses_droits_quel_que_soit_celui_qui_a_rempli_le_cache(acteurs, fiche13, premier):
    Commentaire.objects.create(fiche=fiche13, auteur=acteurs["referent_cd13"], texte="Premier avis")
    page(connecte(acteurs[premier]), fiche13)
    tout = {"modifier": True, "inserer": True, "joindre": True, "commenter": True, "repondre": True}
    commente = {**dict.fromkeys(tout, False), "commenter": True, "repondre": True}
    attendus = {
        "contributeur_cd13": tout,
        "contributeur_ddets13": tout,
        "lecteur_cd13": commente,
        "lecteur_dgcs": dict.fromkeys(tout, False),
    }
    for nom, attendu in attendus.items():
        contenu = page(connecte(acteurs[nom]), fiche13)
        assert boutons(contenu) == attendu, nom
        assert "rubrique-version" not in contenu  # les versions ne sont que dans les formulaires de modification
    # Le référent nommé de la fiche la modifie, même lecteur de son institution.
    fiche13.referent = acteurs["lecteur_cd13"]
    fiche13.save()
    assert boutons(page(connecte(acteurs["lecteur_cd13"]), fiche13)) == tout


def test_jeton_csrf_de_la_personne_qui_lit(acteurs, fiche13):
    """Le second lit la page depuis le cache rempli par le premier : ses formulaires portent son propre jeton."""
    for nom in ("contributeur_cd13", "referent_cd13"):
        client = Client(enforce_csrf_checks=True)
        client.force_login(acteurs[nom])
        jetons = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page(client, fiche13)))
        assert jetons
        for jeton in jetons:
            donnees = {"texte": f"Avis de {nom}", "csrfmiddlewaretoken": jeton}
            reponse = client.post(reverse("fiches:commenter", args=[fiche13.pk]), donnees)
            assert reponse.status_code == 302
    assert Commentaire.objects.filter(fiche=fiche13).count() > 2


def test_ligne_ecrite_hors_des_rubriques_visible_apres_toucher(client, acteurs, fiche13):
    """Toute écriture des lignes passe par `services.toucher` : c'est ce qui change la clé de la page."""
    client.force_login(acteurs["lecteur_cd13"])
    page(client, fiche13)
    Jalon.objects.create(fiche=fiche13, date=date(2026, 6, 1), libelle="Bilan d'étape")
    services.toucher(fiche13)
    assert "Bilan d&#x27;étape" in page(client, fiche13)


def test_referentiels_renommes_par_l_administration_nationale(client, acteurs, fiche13):
    client.force_login(acteurs["contributeur_cd13"])
    exemple = ExempleIndicateur.objects.filter(objectif=fiche13.objectif_contrat.objectif).first()
    assert escape(exemple.libelle) in page(client, fiche13)
    exemple.libelle = "Exemple corrigé par la DGCS"
    exemple.save()
    assert "Exemple corrigé par la DGCS" in page(client, fiche13)
    objectif = fiche13.objectif_contrat.objectif
    objectif.titre = "Objectif renommé par la DGCS"
    objectif.save()
    assert "Objectif n° 7 — Objectif renommé par la DGCS" in page(client, fiche13)
