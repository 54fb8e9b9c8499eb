"""Tableau de bord PMI (Annexe 2.3) : les parts sont calculées à partir des nombres, sur un exemple chiffré."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from contractualisation.models import IndicateurHarmonise
from suivi import services
from suivi.tableaux import ratio, tableau_de_bord, tableau_pmi

from . import fabriques

pytestmark = pytest.mark.django_db


def version_de_la_page(client, url):
    return client.get(url).context["form"]["version"].value()


def ligne(tableau, numero):
    return next(x for x in tableau["lignes"] if x.indicateur.numero == numero)


def pk(code):
    return IndicateurHarmonise.objects.get(code=code).pk


def test_ratio_rend_none_sans_denominateur():
    assert ratio(Decimal("10"), None) is None
    assert ratio(Decimal("10"), Decimal("0")) is None
    assert ratio(None, Decimal("10")) is None
    assert ratio(Decimal("4120"), Decimal("19842")) == Decimal("20.8")


def test_exemple_chiffre_de_l_annexe_2_3(client, acteurs, contrat13):
    """Un département de 19 842 naissances (ligne 1) : 4 120 EPP par la PMI (ligne 2) → 20,8 % (ligne 4) ;
    29 310 enfants de 3-4 ans scolarisés (ligne 5), 23 448 bilans (ligne 6) → 80,0 % (ligne 9) ;
    VAD prénatales 1 050 (S1) + 1 190 (S2) → 2 240 / 19 842 = 11,3 % (ligne 12) ;
    enfants de 0 à 6 ans (ligne 14) non renseignés en 2025 → « — » pour les lignes 16 et 19, jamais une erreur."""
    services.enregistrer_valeurs(
        contrat13,
        acteurs["referent_cd13"],
        {
            (pk("pmi-01"), 2025, 0): (Decimal("19842"), "INSEE"),
            (pk("pmi-02"), 2025, 0): (Decimal("4120"), "CD"),
            (pk("pmi-05"), 2025, 0): (Decimal("29310"), "Éducation nationale"),
            (pk("pmi-06"), 2025, 0): (Decimal("23448"), "CD"),
            (pk("pmi-10"), 2025, 1): (Decimal("1050"), "CD"),
            (pk("pmi-10"), 2025, 2): (Decimal("1190"), "CD"),
            (pk("pmi-18"), 2025, 0): (Decimal("5400"), "CD"),
            (pk("pmi-14"), 2026, 0): (Decimal("0"), "INSEE"),
            (pk("pmi-01"), 2024, 0): (Decimal("20100"), "INSEE"),
            (pk("pmi-02"), 2024, 0): (Decimal("3618"), "CD"),
        },
    )
    t = tableau_pmi(contrat13)
    assert t["annees"] == [2025, 2026, 2027] and t["annee_reference"] == 2024
    assert ligne(t, 4).realise[0] == Decimal("20.8")
    assert ligne(t, 4).reference == Decimal("18.0")  # 3 618 / 20 100
    assert ligne(t, 9).realise[0] == Decimal("80.0")
    assert ligne(t, 10).realise[0] == Decimal("2240")
    assert ligne(t, 12).realise[0] == Decimal("11.3")
    assert ligne(t, 16).realise == [None, None, None]  # 0-6 ans : absent en 2025, nul en 2026
    assert ligne(t, 19).realise == [None, None, None]
    assert ligne(t, 4).realise[1] is None

    bord = tableau_de_bord(contrat13, aujourd_hui=date(2026, 6, 1))
    assert [i.numero for i in bord["pmi_sans_valeur"]] == [3, 7, 8, 11, 14, 15, 17]

    client.force_login(acteurs["lecteur_dgcs"])
    page = client.get(reverse("suivi:tableau_pmi", args=[contrat13.slug])).content.decode()
    assert "20,8\u00a0%" in page and "80,0\u00a0%" in page and "11,3\u00a0%" in page and "19\u202f842" in page


def test_cibles_lues_sur_la_fiche_rattachee_sans_double_saisie(acteurs, contrat13):
    fiche = fabriques.fiche(contrat13, objectif=2)
    fabriques.indicateur_quantitatif(
        fiche,
        libelle="Part des femmes enceintes ayant bénéficié d'un EPP",
        indicateur_harmonise=IndicateurHarmonise.objects.get(code="pmi-04"),
        cibles={"2025": "20", "2026": "22,5"},
    )
    entretiens = fabriques.indicateur_quantitatif(
        fiche, libelle="EPP par la PMI", indicateur_harmonise=IndicateurHarmonise.objects.get(code="pmi-02")
    )
    services.enregistrer_valeur_fiche(entretiens, acteurs["contributeur_cd13"], 2025, Decimal("4120"), "CD")
    t = tableau_pmi(contrat13)
    assert ligne(t, 4).cibles == [Decimal("20"), Decimal("22.5"), None]
    assert ligne(t, 2).realise[0] == Decimal("4120")  # saisie sur la fiche, lue au tableau du contrat


def test_saisie_des_valeurs_en_francais_avec_erreur_sous_le_champ(client, acteurs, contrat13):
    client.force_login(acteurs["contributeur_cd13"])
    url = reverse("suivi:valeurs_pmi", args=[contrat13.slug])
    assert client.get(url).status_code == 200
    champ_naissances = f"v-{pk('pmi-01')}-2025-0"
    champ_epp = f"v-{pk('pmi-02')}-2025-0"
    v = version_de_la_page(client, url)  # la version que porte le formulaire (core.concurrence)
    page = client.post(url, {"version": v, champ_naissances: "19 842", champ_epp: "beaucoup"}).content.decode()
    assert "Saisissez un nombre" in page and 'value="19 842"' in page
    assert client.post(url, {"version": v, champ_naissances: "19 842", champ_epp: "4 120,0"}).status_code == 302
    assert ligne(tableau_pmi(contrat13), 4).realise[0] == Decimal("20.8")
    # Vider une case efface la valeur.
    client.post(url, {"version": version_de_la_page(client, url), champ_naissances: "", champ_epp: "4120"})
    assert ligne(tableau_pmi(contrat13), 4).realise[0] is None


def test_valeurs_de_fiche_et_graphique_cible_atteint(client, acteurs, contrat13):
    fiche = fabriques.fiche(contrat13, objectif=2)
    propre = fabriques.indicateur_quantitatif(fiche, libelle="Familles accompagnées", cibles={"2025": "120"})
    rattache = fabriques.indicateur_quantitatif(
        fiche, libelle="EPP par la PMI", indicateur_harmonise=IndicateurHarmonise.objects.get(code="pmi-02")
    )
    client.force_login(acteurs["contributeur_cd13"])
    url = reverse("suivi:valeurs_fiche", args=[fiche.pk])
    reponse = client.post(
        url, {"version": version_de_la_page(client, url), f"v-{propre.pk}-2025": "96", f"v-{rattache.pk}-2025": "4 120"}
    )
    assert reponse.status_code == 302
    # La valeur de l'indicateur rattaché est celle du contrat : elle apparaît au tableau PMI sans autre saisie.
    assert ligne(tableau_pmi(contrat13), 2).realise[0] == Decimal("4120")
    page = client.get(reverse("suivi:releves_fiche", args=[fiche.pk])).content.decode()
    assert 'class="ce-graphique"' in page and ">120<" in page and ">96<" in page
    client.post(
        url, {"version": version_de_la_page(client, url), f"v-{propre.pk}-2025": "", f"v-{rattache.pk}-2025": "4120"}
    )
    assert not propre.valeurs.exists()
