"""Accord du Département et circuit du comité de sélection : chaque transition est journalisée, les
décisions se prennent en séance, un membre de l'entité déclarante ne donne pas d'avis."""

import io
import re
from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from openpyxl import load_workbook

from pratiques import services
from pratiques.enums import Accord, StatutPratique
from pratiques.models import AvisMembre, Pratique, Seance

from .conftest import pratique

pytestmark = pytest.mark.django_db


def statut(client, p, vers, **champs):
    # La version que porte la page d'instruction : le statut lu à son ouverture (core.concurrence).
    version = Pratique.objects.get(pk=p.pk).statut
    return client.post(reverse("pratiques:transition", args=[p.pk]), {"vers": vers, "version": version, **champs})


@pytest.fixture
def seance(comite):
    return Seance.objects.create(date=date(2026, 1, 15), intitule="Séance de janvier", creee_par=comite["onpe"])


# --- Accord du Département ---


@pytest.mark.parametrize(
    "qui,autorise",
    [
        ("referent_cd13", True),
        ("admin_cd13", True),
        ("contributeur_cd13", False),
        ("lecteur_cd13", False),
        ("referent_cd47", False),
        ("referent_ars_paca", False),
        ("referent_prefecture13", False),
        ("admin_dgcs", False),
        ("association", False),
    ],
)
def test_qui_repond_a_la_demande_d_accord(client, acteurs, qui, autorise):
    p = pratique(departement="13")
    client.force_login(acteurs[qui])
    assert client.get(reverse("pratiques:accord", args=[p.pk])).status_code == (200 if autorise else 403)
    reponse = client.post(reverse("pratiques:accord", args=[p.pk]), {"reponse": "accorde"})
    p.refresh_from_db()
    assert (p.accord == Accord.ACCORDE) == autorise
    if not autorise:
        assert reponse.status_code == 403


def test_le_departement_voit_ses_demandes_et_repond(client, acteurs):
    a_nous, ailleurs = pratique(departement="13", intitule="Chez nous"), pratique(departement="47", intitule="Ailleurs")
    client.force_login(acteurs["referent_cd13"])
    contenu = client.get(reverse("pratiques:accords")).content.decode()
    assert "Chez nous" in contenu and "Ailleurs" not in contenu
    client.post(
        reverse("pratiques:accord", args=[a_nous.pk]), {"reponse": "refuse", "commentaire": "Pas encore évaluée."}
    )
    a_nous.refresh_from_db()
    assert a_nous.accord == Accord.REFUSE and a_nous.accord_par == acteurs["referent_cd13"]
    assert "Pas encore évaluée." in a_nous.transitions.get().motif
    assert ailleurs.accord == Accord.ATTENDU


def test_demandes_d_accord_refusees_hors_departement(client, acteurs):
    client.force_login(acteurs["contributeur_ddets13"])
    assert client.get(reverse("pratiques:accords")).status_code == 403


# --- Circuit du comité ---


@pytest.mark.parametrize("qui", ["referent_cd13", "admin_dgcs", "association"])
def test_hors_comite_refuse(client, acteurs, qui):
    p = pratique()
    client.force_login(acteurs[qui])
    assert client.get(reverse("pratiques:comite")).status_code == 403
    assert client.get(reverse("pratiques:instruction", args=[p.pk])).status_code == 403
    assert statut(client, p, "recevable").status_code == 403
    p.refresh_from_db()
    assert p.statut == StatutPratique.DEPOSEE


def test_circuit_complet_journalise(client, comite, seance, acteurs):
    p = pratique()
    membre = comite["onpe"]
    client.force_login(membre)
    assert "Accueil de jour parents-enfants" in client.get(reverse("pratiques:comite")).content.decode()

    assert statut(client, p, "recevable").status_code == 302
    assert statut(client, p, "en_examen").status_code == 302

    # compléments : le message est obligatoire et part au déclarant avec un nouveau lien
    reponse = statut(client, p, "complements")
    assert reponse.status_code == 400
    assert "Indiquez le message adressé au déclarant." in reponse.content.decode()
    statut(client, p, "complements", motif="Précisez le coût annuel.")
    p.refresh_from_db()
    assert p.statut == StatutPratique.COMPLEMENTS
    courriel = mail.outbox[-1]
    assert "Précisez le coût annuel." in courriel.body
    lien = re.search(r"https?://\S+/pratiques/reprendre/\S+/", courriel.body).group(0)

    # le déclarant complète avec son lien, sans compte
    from django.test import Client

    declarant = Client()
    assert declarant.get(lien)["Location"] == "/pratiques/declarer/etape-2/"
    assert "Précisez le coût annuel." in declarant.get("/pratiques/declarer/etape-2/").content.decode()
    donnees = {
        "contact_nom": "Camille Durand",
        "contact_fonction": "Directrice",
        "contact_courriel": "contact@exemple.fr",
    }
    reponse = declarant.post("/pratiques/declarer/etape-4/", donnees)
    assert "Ce champ est obligatoire." in reponse.content.decode()  # la réponse au comité est demandée
    declarant.post("/pratiques/declarer/etape-4/", {**donnees, "reponse": "Coût : 42 000 € par an."})
    p.refresh_from_db()
    assert p.statut == StatutPratique.EN_EXAMEN

    # décision : en séance seulement
    assert "choisissez la séance" in statut(client, p, "retenue").content.decode()
    statut(client, p, "retenue", seance=seance.pk, motif="Pratique transposable.")
    p.refresh_from_db()
    assert p.statut == StatutPratique.RETENUE

    # publication : attend l'accord du Département
    reponse = statut(client, p, "publiee")
    assert "attend l" in reponse.content.decode()
    services.repondre_accord(p, acteurs["referent_cd13"], True)
    statut(client, p, "publiee")
    p.refresh_from_db()
    assert p.statut == StatutPratique.PUBLIEE and p.publiee_le

    journal = list(p.transitions.values_list("de", "vers", "par_libelle", "motif"))
    assert [(de, vers) for de, vers, _, _ in journal] == [
        ("deposee", "recevable"),
        ("recevable", "en_examen"),
        ("en_examen", "complements"),
        ("complements", "en_examen"),
        ("en_examen", "retenue"),
        ("retenue", "retenue"),  # accord du Département
        ("retenue", "publiee"),
    ]
    assert journal[3][2] == "Déclarant (declarant@exemple.fr)" and journal[3][3] == "Coût : 42 000 € par an."
    assert journal[0][2] == str(membre)
    assert p.transitions.get(vers="retenue", de="en_examen").seance == seance


def test_passage_impossible_refuse(client, comite):
    p = pratique()
    client.force_login(comite["onpe"])
    reponse = statut(client, p, "publiee")
    assert reponse.status_code == 400
    p.refresh_from_db()
    assert p.statut == StatutPratique.DEPOSEE and not p.transitions.exists()


def test_non_retenue_motivee_et_envoyee(client, comite, seance):
    p = pratique(statut=StatutPratique.EN_EXAMEN)
    client.force_login(comite["onpe"])
    statut(client, p, "non_retenue", seance=seance.pk, motif="Action trop récente pour être évaluée.")
    p.refresh_from_db()
    assert p.statut == StatutPratique.NON_RETENUE
    assert "Action trop récente pour être évaluée." in mail.outbox[-1].body
    assert "declarant@exemple.fr" in mail.outbox[-1].to


# --- Avis des membres ---


def test_avis_des_membres(client, comite):
    p = pratique()
    client.force_login(comite["onpe"])
    client.post(reverse("pratiques:avis", args=[p.pk]), {"avis": "reserve", "commentaire": "À préciser."})
    client.post(reverse("pratiques:avis", args=[p.pk]), {"avis": "favorable", "commentaire": "Complété."})
    avis = AvisMembre.objects.get(pratique=p)
    assert (avis.membre, avis.avis, avis.commentaire) == (comite["onpe"], "favorable", "Complété.")


def test_membre_de_l_entite_declarante_ne_donne_pas_d_avis(client, comite):
    p = pratique(entite="Association Les Petits Pas")
    membre = comite["association"]
    client.force_login(membre)
    contenu = client.get(reverse("pratiques:instruction", args=[p.pk])).content.decode()
    assert "vous ne donnez pas d&#x27;avis" in contenu or "vous ne donnez pas d'avis" in contenu
    assert client.post(reverse("pratiques:avis", args=[p.pk]), {"avis": "favorable"}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.donner_avis(p, membre, "favorable")
    assert not AvisMembre.objects.exists()


def test_membre_de_l_institution_declarante_ne_donne_pas_d_avis(comite):
    membre = comite["onpe"]
    p = pratique(entite="Autre nom", institution_declarante=membre.institutions.get())
    with pytest.raises(PermissionDenied):
        services.donner_avis(p, membre, "favorable")


# --- Séances et procès-verbal ---


def test_proces_verbal_de_seance(client, comite, seance):
    retenue = pratique(statut=StatutPratique.EN_EXAMEN, intitule="Pratique retenue")
    ecartee = pratique(statut=StatutPratique.EN_EXAMEN, intitule="Pratique écartée")
    pratique(statut=StatutPratique.EN_EXAMEN, intitule="Pas encore décidée")
    services.donner_avis(retenue, comite["onpe"], "favorable", "Très clair.")
    services.changer_statut(retenue, "retenue", comite["onpe"], "Transposable.", seance)
    services.changer_statut(ecartee, "non_retenue", comite["onpe"], "Trop récente.", seance)
    client.force_login(comite["onpe"])
    reponse = client.get(reverse("pratiques:proces_verbal", args=[seance.pk]))
    assert reponse.status_code == 200
    feuille = load_workbook(io.BytesIO(reponse.content)).active
    lignes = [[c for c in ligne] for ligne in feuille.iter_rows(values_only=True)]
    assert "Séance du 15/01/2026" in lignes[1]
    corps = {ligne[0]: ligne for ligne in lignes[4:]}
    assert set(corps) == {"Pratique retenue", "Pratique écartée"}
    assert corps["Pratique retenue"][3] == "Retenue"
    assert "Très clair." in corps["Pratique retenue"][5]
    assert corps["Pratique écartée"][4] == "Trop récente."


def test_creer_une_seance(client, comite):
    client.force_login(comite["onpe"])
    client.post(reverse("pratiques:seances"), {"date": "2026-02-10", "intitule": "Séance de février"})
    assert Seance.objects.get().intitule == "Séance de février"


def test_valorisation(client, comite):
    p = pratique(statut=StatutPratique.PUBLIEE)
    client.force_login(comite["onpe"])
    client.post(reverse("pratiques:valorisation", args=[p.pk]), {"valorisee": "oui"})
    p.refresh_from_db()
    assert p.valorisee
    client.logout()
    contenu = client.get(reverse("pratiques:bibliotheque")).content.decode()
    assert "Valorisées par le comité de sélection" in contenu


def test_piece_jointe_reservee(client, comite, acteurs, settings, tmp_path):
    from django.core.files.base import ContentFile

    from pratiques.models import PieceJointe

    settings.MEDIA_ROOT = tmp_path
    p = pratique()
    piece = PieceJointe.objects.create(
        pratique=p, fichier=ContentFile(b"%PDF-1.4", name="n.pdf"), nom="n.pdf", taille=8
    )
    url = reverse("pratiques:piece", args=[piece.pk])
    client.force_login(acteurs["referent_cd47"])
    assert client.get(url).status_code == 403
    client.force_login(comite["onpe"])
    assert client.get(url).status_code == 200


def test_file_et_instruction_requetes_constantes(client, comite, seance, django_assert_num_queries):
    for rang in range(30):
        p = pratique(intitule=f"Pratique {rang}", statut=StatutPratique.EN_EXAMEN)
        services.donner_avis(p, comite["onpe"], "favorable")
        services.changer_statut(p, "complements", comite["onpe"], "Précisez.")
    client.force_login(comite["onpe"])
    client.get(reverse("pratiques:comite"))  # session et droits mis en cache
    # session (lecture + enregistrement : 4), utilisateur, périmètre, groupe du comité, comptes par statut,
    # comptage, page
    with django_assert_num_queries(9):
        reponse = client.get(reverse("pratiques:comite"))
    assert len(reponse.context["page"].object_list) == 30
    # session (4), utilisateur, groupe, périmètre ; pratique, avis, entité déclarante, pièces, journal
    with django_assert_num_queries(11):
        client.get(reverse("pratiques:instruction", args=[p.pk]))


def test_changement_de_statut_concurrent_detecte(client, comite):
    p = pratique(statut=StatutPratique.RECEVABLE)
    client.force_login(comite["onpe"])
    # un autre membre a déjà passé la pratique en examen ; cette page avait été ouverte au statut « recevable »
    services.changer_statut(p, "en_examen", comite["association"])
    reponse = statut(client, p, "complements", motif="Précisez.", version="recevable")
    assert reponse.status_code == 409  # refus pour modification concurrente (issue 12 : 409, plus 400)
    assert "Un autre membre a fait passer la pratique au statut « En examen »" in reponse.content.decode()
    p.refresh_from_db()
    assert p.statut == StatutPratique.EN_EXAMEN


def test_demandes_d_accord_requetes_constantes(client, acteurs, django_assert_num_queries):
    for rang in range(25):
        pratique(intitule=f"Pratique {rang}", departement="13")
    client.force_login(acteurs["referent_cd13"])
    client.get(reverse("pratiques:accords"))
    # session (4), utilisateur, périmètre, demandes
    with django_assert_num_queries(6):
        reponse = client.get(reverse("pratiques:accords"))
    assert reponse.content.decode().count("/pratiques/accords/") >= 25
