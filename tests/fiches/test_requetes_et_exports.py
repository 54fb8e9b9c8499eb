import io
import subprocess
from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse

from contractualisation.models import IndicateurHarmonise
from core.models import Institution
from fiches.models import (
    Commentaire,
    Fiche,
    IndicateurQualitatif,
    IndicateurQuantitatif,
    Jalon,
    MontantFiche,
    Partenaire,
)

pytestmark = pytest.mark.django_db


def completer(fiche, sources, n=1):
    institution = Institution.objects.first()
    for i in range(n):
        Partenaire.objects.create(fiche=fiche, institution=institution, role=f"Rôle {i}")
        Partenaire.objects.create(fiche=fiche, organisation=f"Association {i}", role="Accueil")
        MontantFiche.objects.create(fiche=fiche, annee=2025 + i % 3, source=sources["bop304"], montant=1000 + i)
        MontantFiche.objects.create(fiche=fiche, annee=2025 + i % 3, source=sources["departement"], montant=1200 + i)
        Jalon.objects.create(fiche=fiche, date=date(2026, 1 + i % 12, 1), libelle=f"Étape {i}")
        IndicateurQuantitatif.objects.create(
            fiche=fiche,
            libelle=f"Nombre d'enfants {i}",
            indicateur_harmonise=IndicateurHarmonise.objects.first(),
            cibles={"2026": "10"},
        )
        IndicateurQualitatif.objects.create(fiche=fiche, libelle=f"Qualité {i}", questions_cles="Pourquoi ?")
        Commentaire.objects.create(fiche=fiche, texte=f"Commentaire {i}")


@pytest.mark.parametrize("n", [1, 3])
def test_page_fiche_nombre_de_requetes_constant(client, acteurs, fiche13, sources, django_assert_num_queries, n):
    completer(fiche13, sources, n)
    autre = Fiche.objects.create(
        contrat=fiche13.contrat, objectif_contrat=fiche13.objectif_contrat, numero=9, titre="Liée"
    )
    fiche13.fiches_liees.add(autre)
    client.force_login(acteurs["contributeur_cd13"])
    url = reverse("fiches:fiche", args=[fiche13.pk])
    client.get(url)
    cache.clear()  # les fragments rendus ; servis du cache : tests/fiches/test_page_en_cache.py
    with django_assert_num_queries(20):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(8):
        assert client.get(url).status_code == 200


def test_liste_de_100_fiches_nombre_de_requetes_constant(client, acteurs, contrat13, django_assert_num_queries):
    objectifs = list(contrat13.objectifs_contrat.all())
    Fiche.objects.bulk_create(
        Fiche(
            contrat=contrat13,
            objectif_contrat=objectifs[i % len(objectifs)],
            numero=i // len(objectifs) + 1,
            titre=f"Fiche {i}",
            referent=acteurs["contributeur_cd13"],
            action_a_impact=i % 7 == 0,
        )
        for i in range(100)
    )
    client.force_login(acteurs["contributeur_cd13"])
    url = reverse("fiches:liste", args=[contrat13.slug])
    client.get(url)
    cache.clear()  # la liste calculée (le fragment en cache est vérifié plus bas)
    with django_assert_num_queries(12):
        reponse = client.get(url)
    assert reponse.content.decode().count('href="/fiches/fiche/') == 100
    with django_assert_num_queries(11):
        reponse = client.get(url, {"impact": "on", "q": "Fiche", "statut": "brouillon"})
    assert reponse.content.decode().count('href="/fiches/fiche/') == 15
    # Servie du cache : sans les requêtes de la liste et des filtres.
    with django_assert_num_queries(8):
        assert client.get(url).content.decode().count('href="/fiches/fiche/') == 100
    # Une fiche modifiée (titre, statut…) change la clé : la liste est recalculée.
    fiche = Fiche.objects.get(contrat=contrat13, titre="Fiche 0")
    fiche.titre = "Fiche zéro renommée"
    fiche.save()
    assert "Fiche zéro renommée" in client.get(url).content.decode()


def remplir_fiche(fiche, sources):
    fiche.constat = "Constat : 40 % des enfants placés le sont hors du département."
    fiche.objectif_operationnel = "Recruter 30 assistants familiaux d'ici 2027."
    fiche.description = "Campagne de recrutement et formation renforcée."
    fiche.points_vigilance = "Vieillissement des assistants familiaux."
    fiche.save()
    Partenaire.objects.create(fiche=fiche, organisation="Union départementale des assistants familiaux", role="Relais")
    MontantFiche.objects.create(fiche=fiche, annee=2026, source=sources["bop304"], montant=Decimal("45000"))
    Jalon.objects.create(fiche=fiche, date=date(2026, 2, 1), libelle="Lancement de la campagne")
    IndicateurQuantitatif.objects.create(
        fiche=fiche, libelle="Nombre d'assistants familiaux recrutés", cibles={"2026": "15"}
    )
    IndicateurQualitatif.objects.create(fiche=fiche, libelle="Accueil des nouveaux assistants familiaux")


def test_pdf_s_ouvre_et_contient_la_fiche(client, acteurs, fiche13, sources, tmp_path):
    remplir_fiche(fiche13, sources)
    client.force_login(acteurs["lecteur_dgcs"])
    reponse = client.get(reverse("fiches:pdf", args=[fiche13.pk]))
    assert reponse["Content-Type"] == "application/pdf"
    fichier = tmp_path / "fiche.pdf"
    fichier.write_bytes(reponse.content)
    texte = subprocess.run(["pdftotext", str(fichier), "-"], capture_output=True, text=True, check=True).stdout
    texte = " ".join(texte.split())
    for attendu in (
        "OBJECTIF N° 7",
        "FICHE ACTION N° 7.1",
        "Développer l'accueil familial",
        "Constat du diagnostic",
        "40 % des enfants placés",
        "Identification des acteurs à mobiliser",
        "Union départementale des assistants familiaux",
        "45 000,00",
        "Lancement de la campagne",
        "Nombre d'assistants familiaux recrutés",
        "Accueil des nouveaux assistants familiaux",
        "Vieillissement des assistants familiaux",
    ):
        assert attendu in texte, attendu
    ordre = [
        texte.index(t)
        for t in ("Constat du diagnostic", "Objectif opérationnel", "Moyens financiers", "Points de vigilance")
    ]
    assert ordre == sorted(ordre)


def test_docx_s_ouvre_et_contient_la_fiche(client, acteurs, fiche13, sources):
    from docx import Document

    remplir_fiche(fiche13, sources)
    client.force_login(acteurs["lecteur_cd13"])
    reponse = client.get(reverse("fiches:docx", args=[fiche13.pk]))
    assert reponse["Content-Disposition"].endswith('.docx"')
    document = Document(io.BytesIO(reponse.content))
    cellules = {ligne.cells[0].text: ligne.cells[1].text for ligne in document.tables[0].rows}
    assert cellules["Constat du diagnostic"].startswith("Constat : 40 %")
    assert "Union départementale des assistants familiaux" in cellules["Identification des acteurs à mobiliser"]
    assert "45 000,00" in cellules["Moyens financiers prévisionnels"].replace("\u202f", " ").replace("\xa0", " ")
    assert "Lancement de la campagne" in cellules["Calendrier prévisionnel"]
    assert "2026 : 15" in cellules["Indicateurs quantitatifs de mise en œuvre de l'action"]
    assert any("FICHE ACTION N° 7.1" in k for k in cellules)


def test_pdf_en_marianne_et_aucune_ressource_distante(client, acteurs, fiche13, tmp_path):
    from fiches.exports import lecteur_local

    client.force_login(acteurs["lecteur_cd13"])
    fichier = tmp_path / "fiche.pdf"
    fichier.write_bytes(client.get(reverse("fiches:pdf", args=[fiche13.pk])).content)
    polices = subprocess.run(["pdffonts", str(fichier)], capture_output=True, text=True, check=True).stdout
    assert "Marianne" in polices
    with pytest.raises(ValueError):
        lecteur_local().fetch("https://exemple.org/image.png")
    with pytest.raises(ValueError):
        lecteur_local().fetch("file:///etc/passwd")


def test_lien_fiches_sur_la_page_du_contrat(client, acteurs, contrat13):
    client.force_login(acteurs["lecteur_cd13"])
    page = client.get(contrat13.get_absolute_url()).content.decode()
    assert reverse("fiches:liste", args=[contrat13.slug]) in page


def test_exemples_tenus_par_l_administration_nationale(client, acteurs):
    from fiches.models import ExempleIndicateur

    url = reverse("contractualisation:referentiel", args=["exemples-indicateurs"])
    client.force_login(acteurs["referent_cd13"])
    assert client.get(url).status_code == 403
    client.force_login(acteurs["admin_dgcs"])
    assert "ADSEAAV" in client.get(url).content.decode()
    exemple = ExempleIndicateur.objects.get(libelle="Nombre d'ETP recruté pour l'ADSEAAV")
    url = reverse("contractualisation:referentiel_modifier", args=["exemples-indicateurs", exemple.pk])
    reponse = client.post(
        url,
        {
            "version": client.get(url).context["form"]["version"].value(),  # la version que porte la page
            "objectif": exemple.objectif_id,
            "type": "quantitatif",
            "libelle": "Nombre d'ETP recrutés",
            "unite": "ETP",
            "questions_cles": "",
            "ordre": 1,
        },
    )
    assert reponse.status_code == 302
    exemple.refresh_from_db()
    assert exemple.libelle == "Nombre d'ETP recrutés"


def test_donnees_demo_idempotentes_et_tableau_inchange(db):
    from contractualisation.models import Contrat
    from contractualisation.services import tableau_financement
    from demo.donnees import creer_donnees_demo

    creer_donnees_demo()
    contrat = Contrat.objects.get(collectivite__slug="cd-13")
    nombre = Fiche.objects.filter(contrat=contrat).count()
    creer_donnees_demo()
    assert Fiche.objects.filter(contrat=contrat).count() == nombre >= 8
    assert Fiche.objects.filter(contrat=contrat, action_a_impact=True).count() == 2
    assert IndicateurQuantitatif.objects.filter(fiche__contrat=contrat, indicateur_harmonise__famille="PMI").exists()
    tableau = tableau_financement(contrat)
    assert {b.objectif.numero for b in tableau.blocs if b.depuis_fiches} == {2, 7, 9}
    assert tableau.total == sum(f.montant for f in contrat.financements.all())


def test_volume_environ_cinq_fiches_par_objectif(db):
    import random

    from contractualisation.models import ObjectifContrat
    from demo.volumetrie import creer_contrats
    from fiches.volumetrie import peupler_volume

    contrats = creer_contrats(3, 7)
    peupler_volume(contrats, random.Random(8))
    objectifs = ObjectifContrat.objects.filter(contrat__in=contrats).count()
    fiches = Fiche.objects.filter(contrat__in=contrats)
    assert 4 * objectifs <= fiches.count() <= 6 * objectifs
    assert IndicateurQuantitatif.objects.filter(fiche__in=fiches).count() == fiches.count()
    assert MontantFiche.objects.filter(fiche__in=fiches).exists()
