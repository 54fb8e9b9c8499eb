from decimal import Decimal

import pytest
from django.urls import reverse

from contractualisation.models import Contrat, Financement, Objectif, SourceFinancement
from contractualisation.services import enregistrer_financements, tableau_financement


def objectifs(contrat, *numeros):
    return list(Objectif.objects.filter(cycle=contrat.cycle, numero__in=numeros))


def test_un_nouveau_contrat_retient_les_objectifs_obligatoires(contrat13):
    numeros = sorted(contrat13.objectifs.values_list("numero", flat=True))
    assert numeros == sorted(contrat13.cycle.objectifs.filter(obligatoire=True).values_list("numero", flat=True))
    assert len(numeros) == 7


def test_le_cycle_2025_2027_a_14_objectifs_dont_7_obligatoires(db):
    cycle_objectifs = Objectif.objects.filter(cycle__libelle="2025-2027")
    assert cycle_objectifs.count() == 14
    assert cycle_objectifs.filter(obligatoire=True).count() == 7
    assert cycle_objectifs.get(numero=7).titre.startswith("Accroître le recours aux mesures de protection")


def test_le_cycle_precedent_suit_les_annexes_2_et_4(db):
    precedents = Objectif.objects.filter(cycle__libelle="2020-2023")
    assert precedents.count() == 29
    assert set(precedents.filter(obligatoire=True).values_list("numero", flat=True)) == {1, 2, 3, 4, 5, 9}
    assert list(precedents.get(numero=13).sources.values_list("code", flat=True)) == ["fir"]
    assert list(precedents.get(numero=9).sources.values_list("code", flat=True)) == ["ondam"]


def test_un_objectif_obligatoire_ne_peut_pas_etre_retire(client, acteurs, contrat13):
    client.force_login(acteurs["referent_cd13"])
    facultatif = Objectif.objects.get(cycle=contrat13.cycle, numero=5)
    obligatoires_sauf_1 = contrat13.cycle.objectifs.filter(obligatoire=True).exclude(numero=1)
    reponse = client.post(
        reverse("contractualisation:objectifs_modifier", args=[contrat13.slug]),
        {
            "objectifs": [o.pk for o in obligatoires_sauf_1] + [facultatif.pk],
            "version": contrat13.modifie_le.isoformat(),
        },
    )
    assert reponse.status_code == 200
    assert "ne peuvent pas être retirés (objectif n° 1)" in reponse.content.decode()
    assert contrat13.objectifs.filter(numero=1).exists()
    assert not contrat13.objectifs.filter(numero=5).exists()


def test_choisir_un_objectif_facultatif(client, acteurs, contrat13):
    client.force_login(acteurs["referent_ars_paca"])
    choix = list(contrat13.cycle.objectifs.filter(obligatoire=True)) + objectifs(contrat13, 5, 12)
    reponse = client.post(
        reverse("contractualisation:objectifs_modifier", args=[contrat13.slug]),
        {"objectifs": [o.pk for o in choix], "version": contrat13.modifie_le.isoformat()},
    )
    assert reponse.status_code == 302
    assert set(contrat13.objectifs.values_list("numero", flat=True)) >= {5, 12}


def grille(contrat, montants):
    """Les données POST du tableau de financement : {(numéro, année, code source): "texte saisi"}."""
    sources = {s.code: s.pk for s in SourceFinancement.objects.all()}
    numeros = {o.numero: o.pk for o in contrat.objectifs.all()}
    data = {"version": Contrat.objects.get(pk=contrat.pk).modifie_le.isoformat()}
    for (numero, annee, code), texte in montants.items():
        data[f"m_{numeros[numero]}_{annee}_{sources[code]}"] = texte
    return data


def test_saisie_des_financements_a_la_francaise_et_alerte_de_cofinancement(client, acteurs, contrat13):
    client.force_login(acteurs["referent_cd13"])
    url = reverse("contractualisation:financements_modifier", args=[contrat13.slug])
    reponse = client.post(
        url,
        grille(
            contrat13,
            {
                (1, 2025, "bop304"): "12 345,50",
                (1, 2025, "departement"): "10 000",
                (2, 2026, "fir"): "5000.25",
                (2, 2026, "departement"): "6 000 €",
            },
        ),
    )
    assert reponse.status_code == 302
    assert Financement.objects.get(contrat=contrat13, objectif__numero=1, source__code="bop304").montant == Decimal(
        "12345.50"
    )
    page = client.get(contrat13.get_absolute_url()).content.decode()
    assert "12\xa0345,50\xa0€" in page.replace("\u202f", "\xa0")
    assert "Ce n'est pas le cas pour : objectif n° 1." in page.replace("&#x27;", "'")


def test_un_montant_invalide_est_signale_et_la_saisie_conservee(client, acteurs, contrat13):
    client.force_login(acteurs["referent_cd13"])
    url = reverse("contractualisation:financements_modifier", args=[contrat13.slug])
    reponse = client.post(url, grille(contrat13, {(1, 2025, "bop304"): "douze mille", (1, 2026, "bop304"): "1 000"}))
    page = reponse.content.decode()
    assert reponse.status_code == 200
    assert "Saisissez un montant en euros, par exemple 12 345,50." in page
    assert 'value="douze mille"' in page and 'value="1 000"' in page
    assert not Financement.objects.filter(contrat=contrat13).exists()


def test_modification_concurrente_refusee(client, acteurs, contrat13):
    client.force_login(acteurs["referent_cd13"])
    url = reverse("contractualisation:contrat_modifier", args=[contrat13.slug])
    version_lue = contrat13.modifie_le.isoformat()
    contrat13.reference_deliberation = "modifiée par un collègue"
    contrat13.save()
    reponse = client.post(
        url, {"statut": "projet_transmis", "date_projet_transmis": "2025-06-01", "version": version_lue}
    )
    page = reponse.content.decode().replace("&#x27;", "'")
    assert reponse.status_code == 409  # refus pour modification concurrente (issue 12 : 409, plus 200)
    assert "modifié par quelqu'un d'autre" in page
    assert 'value="2025-06-01"' in page
    contrat13.refresh_from_db()
    assert contrat13.statut == "en_preparation"


def test_contrat_signe_sans_date_refuse(client, acteurs, contrat13):
    client.force_login(acteurs["referent_cd13"])
    reponse = client.post(
        reverse("contractualisation:contrat_modifier", args=[contrat13.slug]),
        {"statut": "signe", "version": contrat13.modifie_le.isoformat()},
    )
    assert "Indiquez la date de signature d'un contrat signé." in reponse.content.decode().replace("&#x27;", "'")


def test_avenant_et_historique(client, acteurs, contrat13):
    referent = acteurs["referent_cd13"]
    client.force_login(referent)
    url = reverse("contractualisation:avenant_ajouter", args=[contrat13.slug])
    assert client.post(url, {"numero": 1, "date": "2026-03-10", "objet": "Hausse des crédits 2026"}).status_code == 302
    doublon = client.post(url, {"numero": 1, "date": "2026-04-10", "objet": "Autre"})
    assert "Un avenant n° 1 existe déjà pour ce contrat." in doublon.content.decode()
    client.post(
        reverse("contractualisation:contrat_modifier", args=[contrat13.slug]),
        {
            "statut": "projet_transmis",
            "date_projet_transmis": "2025-06-16",
            "version": Contrat.objects.get(pk=contrat13.pk).modifie_le.isoformat(),
        },
    )
    historique = client.get(reverse("contractualisation:historique", args=[contrat13.slug])).content.decode()
    assert "Avenant n° 1" in historique
    assert "En préparation → Projet transmis" in historique
    assert str(referent) in historique


def test_signataires(client, acteurs, contrat13):
    client.force_login(acteurs["referent_prefecture13"])
    url = reverse("contractualisation:signataires_modifier", args=[contrat13.slug])
    data = {
        "contrat-version": Contrat.objects.get(pk=contrat13.pk).modifie_le.isoformat(),  # la version du contrat
        "signataires-TOTAL_FORMS": 1,
        "signataires-INITIAL_FORMS": 0,
        "signataires-0-qualite": "prefet",
        "signataires-0-nom": "M. le préfet",
        "signataires-0-ordre": 0,
    }
    assert client.post(url, data).status_code == 302
    assert "M. le préfet" in client.get(contrat13.get_absolute_url()).content.decode()


def remplir(contrat, numeros):
    choix = list(contrat.cycle.objectifs.filter(obligatoire=True)) + objectifs(contrat, *numeros)
    from contractualisation.services import choisir_objectifs

    choisir_objectifs(contrat, choix)
    sources = list(SourceFinancement.objects.all())
    enregistrer_financements(
        contrat,
        {(o.pk, annee, s.pk): Decimal("1000") for o in choix for annee in contrat.cycle.annees for s in sources},
    )


@pytest.mark.parametrize("facultatifs", [[], [5, 6, 10, 11, 12, 13, 14]])
def test_page_contrat_en_nombre_de_requetes_constant(
    client, acteurs, contrat13, django_assert_max_num_queries, facultatifs
):
    remplir(contrat13, facultatifs)
    client.force_login(acteurs["referent_cd13"])
    with django_assert_max_num_queries(16):
        assert client.get(contrat13.get_absolute_url()).status_code == 200


def test_tableau_de_financement_totaux(contrat13):
    remplir(contrat13, [])
    tableau = tableau_financement(contrat13)
    nb_sources = SourceFinancement.objects.count()
    assert tableau.total == Decimal("1000") * 7 * 3 * nb_sources
    assert all(b.total == Decimal("1000") * 3 * nb_sources for b in tableau.blocs)
    # 1 000 € sur chacune des trois sources de l'État, 1 000 € seulement pour le Département : alerte partout.
    assert len(tableau.objectifs_en_alerte) == 7
    assert all(b.total_etat == 3 * b.total_departement for b in tableau.blocs)


def test_accueil_dgcs_100_contrats_moins_de_15_requetes(client, acteurs, django_assert_max_num_queries):
    from contractualisation.models import Cycle
    from contractualisation.services import creer_contrat
    from core.models import Collectivite

    cycle = Cycle.objects.get(libelle="2025-2027")
    for collectivite in Collectivite.objects.all():
        creer_contrat(collectivite, cycle)
    client.force_login(acteurs["lecteur_dgcs"])
    with django_assert_max_num_queries(14):
        reponse = client.get(reverse("accueil"))
    assert reponse.content.decode().count('href="/contrats/') == 100


def test_la_page_du_contrat_en_cache_suit_chaque_modification(client, acteurs, contrat13):
    """Le corps de la page est en cache : chaque donnée affichée qui change doit s'y voir aussitôt."""
    client.force_login(acteurs["referent_cd13"])

    def page():
        return client.get(contrat13.get_absolute_url()).content.decode().replace("&#x27;", "'")

    assert "Aucun avenant." in page()  # met le fragment en cache

    objectif = Objectif.objects.get(cycle=contrat13.cycle, numero=1)
    objectif.titre = "Titre renommé par la DGCS"
    objectif.save()
    assert "Titre renommé par la DGCS" in page()

    url = reverse("contractualisation:avenant_ajouter", args=[contrat13.slug])
    client.post(url, {"numero": 1, "date": "2026-03-10", "objet": "Hausse des crédits 2026"})
    assert "Hausse des crédits 2026" in page()

    url = reverse("contractualisation:financements_modifier", args=[contrat13.slug])
    client.post(url, grille(contrat13, {(1, 2025, "bop304"): "4 321"}))
    assert "4\u202f321,00" in page()

    client.force_login(acteurs["referent_prefecture13"])
    url = reverse("contractualisation:signataires_modifier", args=[contrat13.slug])
    client.post(
        url,
        {
            "contrat-version": Contrat.objects.get(pk=contrat13.pk).modifie_le.isoformat(),
            "signataires-TOTAL_FORMS": 1,
            "signataires-INITIAL_FORMS": 0,
            "signataires-0-qualite": "prefet",
            "signataires-0-nom": "M. le préfet",
            "signataires-0-ordre": 0,
        },
    )
    assert "M. le préfet" in page()


def test_un_lecteur_ne_recoit_pas_les_liens_de_modification_mis_en_cache(client, acteurs, contrat13):
    client.force_login(acteurs["referent_cd13"])
    assert "Modifier les financements" in client.get(contrat13.get_absolute_url()).content.decode()
    client.force_login(acteurs["lecteur_cd13"])
    page = client.get(contrat13.get_absolute_url()).content.decode()
    assert "Modifier les financements" not in page and "Choisir les objectifs" not in page
    assert "Objectif n° 1" in page
