"""La bibliothèque publique : seules les pratiques publiées, filtres, export, fiches dispositifs ONPE,
listes modifiables, nombre de requêtes constant."""

import csv
import io
import random

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.enums import Role
from pratiques.enums import Liste, Nature, StatutPratique
from pratiques.models import Modalite, Pratique
from pratiques.volumetrie import peupler_volume
from tests import factories

from .conftest import modalite, pratique

pytestmark = pytest.mark.django_db
URL = "/pratiques/"


def test_anonyme_voit_seulement_les_pratiques_publiees(client):
    publiee = pratique(statut=StatutPratique.PUBLIEE, intitule="Pratique publiée")
    en_examen = pratique(statut=StatutPratique.EN_EXAMEN, intitule="Pratique en examen")
    contenu = client.get(URL).content.decode()
    assert "Pratique publiée" in contenu and "Pratique en examen" not in contenu
    assert client.get(reverse("pratiques:detail", args=[publiee.pk])).status_code == 200
    assert client.get(reverse("pratiques:detail", args=[en_examen.pk])).status_code == 404


def test_filtres(client):
    education = modalite(Liste.THEMATIQUE, "Éducation")
    sante = modalite(Liste.THEMATIQUE, "Santé mentale")
    pratique(statut=StatutPratique.PUBLIEE, intitule="École ouverte", thematique=education, departement="13")
    pratique(statut=StatutPratique.PUBLIEE, intitule="Équipe mobile", thematique=sante, departement="47")
    pratique(statut=StatutPratique.PUBLIEE, intitule="Cafés des parents", thematique=education, departement="47")

    def titres(**params):
        reponse = client.get(URL, params)
        return {p.intitule for p in reponse.context["page"].object_list}

    assert titres(thematique=education.pk) == {"École ouverte", "Cafés des parents"}
    from core.models import Departement, Region

    assert titres(departement=Departement.objects.get(code="47").pk) == {"Équipe mobile", "Cafés des parents"}
    assert titres(region=Region.objects.get(code="93").pk) == {"École ouverte"}
    assert titres(q="mobile") == {"Équipe mobile"}
    assert titres(thematique=education.pk, q="parents") == {"Cafés des parents"}


def test_export_xlsx_et_csv_suivent_les_filtres(client):
    education = modalite(Liste.THEMATIQUE, "Éducation")
    pratique(statut=StatutPratique.PUBLIEE, intitule="=École ouverte", thematique=education)
    pratique(
        statut=StatutPratique.PUBLIEE, intitule="Équipe mobile", thematique=modalite(Liste.THEMATIQUE, "Santé mentale")
    )
    reponse = client.get(reverse("pratiques:exporter"), {"thematique": education.pk, "format": "xlsx"})
    feuille = load_workbook(io.BytesIO(reponse.content)).active
    lignes = list(feuille.iter_rows(values_only=True))
    assert lignes[0][0] == "Intitulé" and len(lignes) == 2
    assert lignes[1][0] == "'=École ouverte"  # jamais lu comme une formule
    assert lignes[1][3] == "Éducation"

    reponse = client.get(reverse("pratiques:exporter"), {"format": "csv"})
    assert reponse["Content-Type"].startswith("text/csv")
    lignes = list(csv.reader(io.StringIO(reponse.content.decode("utf-8-sig")), delimiter=";"))
    assert {ligne[0] for ligne in lignes[1:]} == {"'=École ouverte", "Équipe mobile"}


def test_nombre_de_requetes_constant_avec_mille_pratiques(client, django_assert_num_queries):
    peupler_volume([], random.Random(4), nombre=1000)
    assert Pratique.objects.publiees().count() == 1000
    # version du cache, comptage, page, valorisées, 5 listes, régions, départements (pagination de 20 fiches)
    with django_assert_num_queries(11):
        reponse = client.get(URL)
    assert "1000 fiches" in reponse.content.decode()
    theme = modalite(Liste.THEMATIQUE).pk
    # sans les valorisées (filtre actif), avec la validation du filtre
    with django_assert_num_queries(11):
        reponse = client.get(URL, {"page": 3, "thematique": theme})
    assert len(reponse.context["page"].object_list) == 20
    # La même page une seconde fois : le fragment vient du cache, seule la version est lue.
    with django_assert_num_queries(1):
        assert "1000 fiches" in client.get(URL).content.decode()
    # Une pratique publiée de plus change la version : la liste est recalculée.
    pratique(statut=StatutPratique.PUBLIEE)
    assert "1001 fiches" in client.get(URL).content.decode()


def test_page_d_une_pratique_requetes_constantes(client, django_assert_num_queries):
    p = pratique(statut=StatutPratique.PUBLIEE)
    with django_assert_num_queries(1):
        client.get(reverse("pratiques:detail", args=[p.pk]))


# --- Fiches dispositifs de l'ONPE ---

FICHE = {
    "intitule": "Unité d'accueil pédiatrique enfants en danger",
    "entite": "ONPE",
    "description": "Un lieu unique à l'hôpital.",
    "objectifs": "Éviter la répétition des auditions.",
    "moyens": "Une salle adaptée.",
    "cles_reussite": "Un portage conjoint.",
    "resultats_attendus": "Une audition unique.",
    "difficultes": "Le financement.",
    "contexte": "Des auditions multiples.",
}


def champs_fiche(**autres):
    return {
        **FICHE,
        "thematique": modalite(Liste.THEMATIQUE).pk,
        "public": modalite(Liste.PUBLIC).pk,
        "echelle": modalite(Liste.ECHELLE).pk,
        "type_intervention": modalite(Liste.TYPE_INTERVENTION).pk,
        **autres,
    }


def test_l_onpe_publie_une_fiche_dispositif(client):
    redacteur = factories.membre(factories.institution("fep"), Role.CONTRIBUTEUR)
    client.force_login(redacteur)
    reponse = client.post(reverse("pratiques:dispositif_creer"), champs_fiche(publier="on"))
    fiche = Pratique.objects.get()
    assert reponse["Location"] == fiche.get_absolute_url()
    assert (fiche.nature, fiche.statut) == (Nature.DISPOSITIF, StatutPratique.PUBLIEE)
    client.logout()
    contenu = client.get(fiche.get_absolute_url()).content.decode()
    assert "Fiche dispositif ONPE" in contenu
    assert "Clés de réussite" in contenu and "Un portage conjoint." in contenu
    assert "Fiche dispositif ONPE" in client.get(URL, {"nature": "dispositif"}).content.decode()


def test_champs_obligatoires_d_une_fiche_dispositif(client):
    client.force_login(factories.membre(factories.institution("fep"), Role.CONTRIBUTEUR))
    reponse = client.post(reverse("pratiques:dispositif_creer"), champs_fiche(cles_reussite=""))
    assert reponse.status_code == 200 and "Ce champ est obligatoire." in reponse.content.decode()
    assert not Pratique.objects.exists()


@pytest.mark.parametrize("qui", ["referent_cd13", "admin_dgcs", "lecteur_dgcs", "association"])
def test_fiche_dispositif_reservee_a_l_onpe(client, acteurs, qui):
    client.force_login(acteurs[qui])
    assert client.get(reverse("pratiques:dispositif_creer")).status_code == 403
    assert client.post(reverse("pratiques:dispositif_creer"), champs_fiche(publier="on")).status_code == 403


def test_lecteur_onpe_ne_redige_pas(client):
    client.force_login(factories.membre(factories.institution("fep"), Role.LECTEUR))
    assert client.get(reverse("pratiques:dispositif_creer")).status_code == 403


# --- Listes du formulaire ---


def test_l_administration_nationale_complete_une_liste(client, acteurs):
    client.force_login(acteurs["admin_dgcs"])
    client.post(
        reverse("pratiques:listes"),
        {"liste": "thematique", "libelle": "Prostitution des mineurs", "ordre": 11, "active": "on"},
    )
    nouvelle = Modalite.objects.get(libelle="Prostitution des mineurs")
    assert nouvelle.liste == Liste.THEMATIQUE
    client.logout()
    client.get("/pratiques/declarer/")  # la liste sert au formulaire public
    client.post("/pratiques/declarer/", {"conditions": "on", "courriel": "a@exemple.fr"})
    assert "Prostitution des mineurs" in client.get("/pratiques/declarer/etape-2/").content.decode()


def test_valeur_inactive_plus_proposee(client):
    valeur = modalite(Liste.THEMATIQUE, "Harcèlement")
    valeur.active = False
    valeur.save()
    client.post("/pratiques/declarer/", {"conditions": "on", "courriel": "a@exemple.fr"})
    assert "Harcèlement" not in client.get("/pratiques/declarer/etape-2/").content.decode()


@pytest.mark.parametrize("qui", ["referent_cd13", "lecteur_dgcs", "association"])
def test_listes_reservees(client, acteurs, qui):
    client.force_login(acteurs[qui])
    assert client.get(reverse("pratiques:listes")).status_code == 403
    assert client.post(reverse("pratiques:listes"), {"liste": "thematique", "libelle": "X"}).status_code == 403


def test_l_onpe_modifie_sa_fiche_dispositif(client, acteurs):
    redacteur = factories.membre(factories.institution("fep"), Role.CONTRIBUTEUR)
    client.force_login(redacteur)
    client.post(reverse("pratiques:dispositif_creer"), champs_fiche())
    fiche = Pratique.objects.get()
    assert fiche.statut == StatutPratique.BROUILLON
    assert client.get(fiche.get_absolute_url()).status_code == 404  # pas encore publiée
    client.post(
        reverse("pratiques:dispositif_modifier", args=[fiche.pk]),
        champs_fiche(publier="on", moyens="Deux ETP.", version=fiche.modifie_le.isoformat()),
    )
    fiche.refresh_from_db()
    assert (fiche.statut, fiche.moyens) == (StatutPratique.PUBLIEE, "Deux ETP.")
    assert "Modifier la fiche dispositif" in client.get(fiche.get_absolute_url()).content.decode()
    client.force_login(acteurs["referent_cd13"])
    assert "Modifier la fiche dispositif" not in client.get(fiche.get_absolute_url()).content.decode()
    assert client.get(reverse("pratiques:dispositif_modifier", args=[fiche.pk])).status_code == 403


def test_une_pratique_declaree_ne_s_edite_pas_comme_fiche_dispositif(client):
    client.force_login(factories.membre(factories.institution("fep"), Role.CONTRIBUTEUR))
    declaree = pratique(statut=StatutPratique.PUBLIEE)
    assert client.get(reverse("pratiques:dispositif_modifier", args=[declaree.pk])).status_code == 404


def test_modification_concurrente_d_une_fiche_dispositif_refusee(client):
    client.force_login(factories.membre(factories.institution("fep"), Role.CONTRIBUTEUR))
    client.post(reverse("pratiques:dispositif_creer"), champs_fiche())
    fiche = Pratique.objects.get()
    version_lue = fiche.modifie_le.isoformat()
    Pratique.objects.filter(pk=fiche.pk).update(
        moyens="Modifié ailleurs", modifie_le=fiche.modifie_le.replace(year=2030)
    )
    reponse = client.post(
        reverse("pratiques:dispositif_modifier", args=[fiche.pk]),
        champs_fiche(moyens="Ma version", version=version_lue),
    )
    assert "modifiée par quelqu" in reponse.content.decode()
    assert "Ma version" in reponse.content.decode()
    fiche.refresh_from_db()
    assert fiche.moyens == "Modifié ailleurs"
