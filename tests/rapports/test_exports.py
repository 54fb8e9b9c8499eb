"""Les exports : le PDF contient chaque objectif et les chiffres de la base, il est balisé (PDF/UA) ; les
classeurs s'ouvrent dans LibreOffice, leurs totaux sont ceux de la base, l'Annexe 2 garde ses colonnes."""

import io
import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from contractualisation.models import Financement, IndicateurHarmonise
from fiches.models import IndicateurQuantitatif
from rapports import services
from rapports.exports.pdf import FetcherLocal

pytestmark = pytest.mark.django_db


def sans_espaces(texte):
    return re.sub(r"\s+", "", texte)


def texte_pdf(contenu, tmp_path):
    chemin = tmp_path / "rapport.pdf"
    chemin.write_bytes(contenu)
    return subprocess.run(["pdftotext", "-layout", str(chemin), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def rapport(contrat, objectifs, sources, acteurs, fiche):
    rapport = services.ouvrir_rapport(contrat, 2025, acteurs["referent_cd13"])
    services.rediger(rapport, "Une année de mise en route des actions.", "Étendre l'accueil familial.")
    services.enregistrer_montants(
        rapport,
        {
            (objectifs[1].pk, objectifs[1].sources.first().pk): (Decimal("90000"), Decimal("45000")),
            (objectifs[7].pk, sources["departement"].pk): (Decimal("150000.50"), Decimal("120000")),
        },
    )
    return rapport


def test_le_pdf_contient_chaque_objectif_et_les_chiffres_de_la_base(client, acteurs, rapport, objectifs, tmp_path):
    client.force_login(acteurs["lecteur_dgcs"])
    reponse = client.get(reverse("rapports:pdf", args=[rapport.contrat.slug, 2025]))
    assert reponse["Content-Type"] == "application/pdf"
    texte = sans_espaces(texte_pdf(reponse.content, tmp_path))
    for objectif in objectifs.values():
        assert sans_espaces(objectif.titre) in texte, objectif.numero
    programme_2025 = sum(
        Financement.objects.filter(contrat=rapport.contrat, annee=2025).values_list("montant", flat=True)
    )
    engage = sum(m.engage for m in rapport.montants.all())
    for montant in (programme_2025, engage, Decimal("150000.50"), Decimal("45000")):
        assert f"{montant:,.2f}".replace(",", "").replace(".", ",") in re.sub(
            r"(?<=\d)[\s\u202f\u00a0](?=\d)", "", texte
        )
    assert "Unean" + "néedemiseenroute" in texte
    assert "Entretiensprénatauxprécocesréalisés" in texte and "1200" in texte


def test_le_pdf_est_balise_et_utilise_marianne(rapport, tmp_path):
    from rapports import donnees
    from rapports.exports.pdf import rendre_pdf

    chemin = tmp_path / "r.pdf"
    chemin.write_bytes(rendre_pdf(donnees.rassembler(rapport.contrat, 2025)))
    info = subprocess.run(["pdfinfo", str(chemin)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Tagged:\s+yes", info, re.M)
    assert "Rapport annuel d'exécution 2025" in info
    polices = subprocess.run(["pdffonts", str(chemin)], capture_output=True, text=True, check=True).stdout
    assert "Marianne" in polices
    # Sommaire avec numéros de page : « 2. Bilan financier ....... 4 »
    assert re.search(r"2\. Bilan financier\s*\.{5,}\s*\d+", texte_pdf(chemin.read_bytes(), tmp_path))


def test_le_pdf_ne_charge_que_nos_fichiers_statiques():
    fetcher = FetcherLocal([])
    for url in ("file:///etc/passwd", "https://exemple.org/police.woff2"):
        with pytest.raises(ValueError, match="refusée"):
            fetcher.fetch(url)


def test_classeur_du_rapport_totaux_justes(client, acteurs, rapport):
    client.force_login(acteurs["referent_ars_paca"])
    classeur = load_workbook(
        io.BytesIO(client.get(reverse("rapports:xlsx", args=[rapport.contrat.slug, 2025])).content)
    )
    bilan = list(classeur["Bilan financier"].iter_rows(values_only=True))
    assert bilan[0] == ("N° objectif", "Objectif", "Source", "Programmé 2025", "Engagé", "Dépensé")
    dernier = bilan[-1]
    attendu_programme = sum(
        Financement.objects.filter(contrat=rapport.contrat, annee=2025).values_list("montant", flat=True)
    )
    assert Decimal(str(dernier[3])) == attendu_programme
    assert Decimal(str(dernier[4])) == sum(m.engage for m in rapport.montants.all())
    assert Decimal(str(dernier[5])) == sum(m.depense for m in rapport.montants.all())
    indicateurs = list(classeur["Indicateurs"].iter_rows(values_only=True))
    assert indicateurs[1][2] == "Entretiens prénataux précoces réalisés"


def test_plan_action_dans_la_mise_en_page_de_l_annexe_2(client, acteurs, contrat, objectifs, sources):
    client.force_login(acteurs["lecteur_cd13"])
    feuille = load_workbook(io.BytesIO(client.get(reverse("rapports:plan_action", args=[contrat.slug])).content)).active
    lignes = list(feuille.iter_rows(values_only=True))
    # Colonnes de l'Annexe 2, dans son ordre, puis un bloc « Financements <année> » par année du cycle.
    assert lignes[3][:6] == (
        "Mesure",
        "N° de l'objectif",
        "Objectif",
        "Résumé des actions à mettre en œuvre",
        "Partenaires",
        "Source de financement État",
    )
    assert lignes[3][6] == "Financements 2025" and lignes[3][10] == "Financements 2026"
    assert lignes[4][6:10] == (
        "Département",
        "État",
        "Total pour l'objectif",
        "Autres financements (précisez la source)",
    )
    assert lignes[5][0].startswith("Engagement 1")  # les engagements sont des lignes de section
    par_numero = {ligne[1]: ligne for ligne in lignes if isinstance(ligne[1], int) and isinstance(ligne[2], str)}
    assert set(par_numero) == set(objectifs)
    o1 = par_numero[1]
    assert o1[5] == "BOP 304"
    assert (o1[6], o1[7], o1[8]) == (120000, 100000, 220000)  # 2025 : Département, État, total
    recap = lignes.index(
        ("Récapitulatifs montants totaux 2025", "Montant État sollicité", "Montant CD") + (None,) * (len(lignes[0]) - 3)
    )
    bop = lignes[recap + 1]
    etat_bop = sum(
        Financement.objects.filter(contrat=contrat, annee=2025, source=sources["bop304"]).values_list(
            "montant", flat=True
        )
    )
    assert bop[0] == "BOP 304" and bop[1] == etat_bop and bop[2] == 120000 + 210000  # CD des objectifs 1 et 7
    fir = lignes[recap + 2]
    assert fir[:3] == ("FIR", 50000, 55000)


def test_tableau_de_bord_annexe_2_3_ratios_calcules(client, acteurs, contrat, fiche):
    naissances, epp = IndicateurHarmonise.objects.get(code="pmi-01"), IndicateurHarmonise.objects.get(code="pmi-02")
    IndicateurQuantitatif.objects.create(
        fiche=fiche,
        indicateur_harmonise=naissances,
        libelle=naissances.libelle,
        valeur_reference=Decimal("20000"),
        cibles={"2025": "20000", "2026": "0"},
    )
    IndicateurQuantitatif.objects.create(
        fiche=fiche,
        indicateur_harmonise=epp,
        libelle=epp.libelle,
        valeur_reference=Decimal("3000"),
        cibles={"2025": "5000", "2026": "5200"},
    )
    client.force_login(acteurs["lecteur_dgcs"])
    feuille = load_workbook(
        io.BytesIO(client.get(reverse("rapports:tableau_bord", args=[contrat.slug])).content)
    ).active
    lignes = list(feuille.iter_rows(values_only=True))
    assert lignes[3][0] == "Mesure" and lignes[3][2] == "Calcul des indicateurs"
    assert lignes[3][4].startswith("Indicateur année n-1") and lignes[3][5].startswith("Niveau cible")
    assert lignes[3][8].startswith("Indicateur de suivi")
    assert lignes[4][5:11] == ("année 2025", "année 2026", "année 2027") * 2
    ratio = next(ligne for ligne in lignes if ligne[2] == 4)
    assert ratio[4] == pytest.approx(0.15)  # 3 000 EPP / 20 000 naissances
    assert ratio[5] == pytest.approx(0.25)  # cible 2025 : 5 000 / 20 000
    assert ratio[6] == "—"  # dénominateur nul : pas d'erreur
    assert ratio[8] == "—"  # rien d'atteint saisi


def test_les_classeurs_s_ouvrent_dans_libreoffice(client, acteurs, rapport, tmp_path):
    libreoffice = shutil.which("libreoffice") or shutil.which("soffice")
    assert libreoffice, "LibreOffice manque : `make navigateur` installe libreoffice-calc (paquet Debian)."
    client.force_login(acteurs["lecteur_dgcs"])
    slug = rapport.contrat.slug
    for nom, url in (
        ("rapport", reverse("rapports:xlsx", args=[slug, 2025])),
        ("plan", reverse("rapports:plan_action", args=[slug])),
        ("tableau", reverse("rapports:tableau_bord", args=[slug])),
    ):
        (tmp_path / f"{nom}.xlsx").write_bytes(client.get(url).content)
    client.post(reverse("rapports:national_generer"), {"annee": 2025})
    (tmp_path / "national.xlsx").write_bytes(
        b"".join(client.get(reverse("rapports:national_telecharger") + "?annee=2025").streaming_content)
    )
    profil = tmp_path / "profil-libreoffice"
    for nom in ("rapport", "plan", "tableau", "national"):
        resultat = subprocess.run(
            [
                libreoffice,
                f"-env:UserInstallation=file://{profil}",
                "--headless",
                "--convert-to",
                "csv:Text - txt - csv (StarCalc):44,34,76",
                "--outdir",
                str(tmp_path / "csv"),
                str(tmp_path / f"{nom}.xlsx"),
            ],
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert resultat.returncode == 0, resultat.stderr
        assert (tmp_path / "csv" / f"{nom}.csv").stat().st_size > 0, nom
    plan = (tmp_path / "csv" / "plan.csv").read_text(encoding="utf-8")
    assert "Récapitulatifs montants totaux 2025" in plan and "Département Bouches-du-Rhône" in plan


def test_les_commandes_ecrivent_les_memes_fichiers_que_les_boutons(client, acteurs, rapport, tmp_path):
    client.force_login(acteurs["referent_cd13"])
    slug = rapport.contrat.slug
    call_command("rapport_execution", contrat=slug, annee=2025, format="xlsx", out=str(tmp_path / "c.xlsx"))
    call_command(
        "rapport_execution", contrat=str(rapport.contrat.pk), annee=2025, format="pdf", out=str(tmp_path / "c.pdf")
    )
    par_bouton = load_workbook(io.BytesIO(client.get(reverse("rapports:xlsx", args=[slug, 2025])).content))
    par_commande = load_workbook(tmp_path / "c.xlsx")
    for feuille in par_bouton.sheetnames:
        assert list(par_bouton[feuille].values) == list(par_commande[feuille].values), feuille
    pdf_bouton = texte_pdf(client.get(reverse("rapports:pdf", args=[slug, 2025])).content, tmp_path)
    pdf_commande = texte_pdf((tmp_path / "c.pdf").read_bytes(), tmp_path)
    sans_date = re.compile(r"Document établi le .*")
    assert sans_date.sub("", pdf_bouton) == sans_date.sub("", pdf_commande)
    call_command("export_national", annee=2025, out=str(tmp_path / "n.xlsx"))
    assert "Contrats" in load_workbook(tmp_path / "n.xlsx").sheetnames
