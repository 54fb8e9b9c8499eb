"""Les exports disent ce que disent les pages. Chaque chiffre affiché par le tableau de bord PMI, la page du rapport
d'exécution et le tableau de financement de la page du contrat est relu dans les classeurs (openpyxl : valeur de la
cellule *et* son format de nombre, rendus comme un tableur les affiche) et dans le PDF (pdftotext -layout) : tout
doit être égal, sur les données de démonstration et sur des données fabriquées (plusieurs contrats, une réunion qui
couvre deux fiches, des valeurs semestrielles, des valeurs de l'année n-1).

Le test ne lit que ce qu'un utilisateur voit (pages servies, fichiers téléchargés) : il ne réutilise pas le code de
mise en forme de l'application, il a son propre lecteur de formats de nombre."""

import io
import re
import subprocess
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import lxml.html
import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from openpyxl import load_workbook

from contractualisation import services as contrats
from contractualisation.enums import CategorieSource, StatutContrat
from contractualisation.models import Contrat, IndicateurHarmonise, SourceFinancement
from fiches.models import Fiche, IndicateurQuantitatif, MontantFiche
from rapports import national
from rapports import services as rapports
from rapports.services import annees_possibles
from suivi import services as suivi
from tests import factories

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
ESPACES = re.compile(r"[\s\u00a0\u202f]+")
TIRET = "—"


def net(texte):
    return ESPACES.sub(" ", str(texte or "")).strip()


class Compteur:
    """Compte les chiffres comparés : un test qui ne comparerait rien ne doit pas passer pour juste."""

    def __init__(self):
        self.n = 0
        self.ecarts = []

    def egal(self, attendu, obtenu, ou):
        if net(obtenu) != net(attendu):
            self.ecarts.append(f"{ou} : la page montre {attendu!r}, l'export {obtenu!r}")
        self.n += 1

    def verifier(self, quoi):
        print(f"\n{self.n} chiffres comparés ({quoi}), {len(self.ecarts)} écarts")
        assert self.n > 600
        assert not self.ecarts, "\n".join(self.ecarts[:40])


# --- Un tableur qui affiche une cellule (valeur + format de nombre), comme Excel ou LibreOffice ---------------


def _arrondi(valeur, decimales):
    return valeur.quantize(Decimal(1).scaleb(-decimales), rounding=ROUND_HALF_UP)


def rendu(cellule):
    """Le texte qu'un tableur montre pour cette cellule. Les formats inconnus font échouer le test."""
    valeur, code = cellule.value, cellule.number_format
    if valeur is None:
        return ""
    if isinstance(valeur, str):
        return valeur
    if isinstance(valeur, datetime | date):
        assert code.upper() in ("DD/MM/YYYY", "DD/MM/YY"), f"format de date inattendu {code!r}"
        return valeur.strftime("%d/%m/%Y")
    assert not isinstance(valeur, bool)
    valeur = Decimal(str(valeur))
    if code == "General":
        if valeur == valeur.to_integral_value():
            return str(int(valeur))
        return f"{valeur.normalize():f}".replace(".", ",")
    section = code.split(";")[0]
    bloc = re.search(r"[#0][#0,]*(?:\.[#0]+)?|\.[#0]+", section)
    assert bloc, f"format de nombre illisible {code!r}"
    avant, motif, apres = section[: bloc.start()], bloc.group(), section[bloc.end() :]

    def litteral(texte):
        texte = re.sub(r'"([^"]*)"', r"\1", texte)
        return re.sub(r"\\(.)", r"\1", texte).replace("_)", "")

    if "%" in section:
        valeur *= 100
    entiers, _, decimales = motif.partition(".")
    minimum, maximum = decimales.count("0"), len(decimales)
    valeur = _arrondi(valeur, maximum)
    signe, valeur = ("-" if valeur < 0 else ""), abs(valeur)
    partie_entiere = int(valeur)
    texte_entier = f"{partie_entiere:,}" if "," in entiers else str(partie_entiere)
    if partie_entiere == 0 and "0" not in entiers:
        texte_entier = ""
    texte_entier = texte_entier.replace(",", " ")
    fraction = f"{valeur - partie_entiere:.{maximum}f}"[2:] if maximum else ""
    while len(fraction) > minimum and fraction.endswith("0"):
        fraction = fraction[:-1]
    # Comme un tableur : « #,##0.## » affiche la virgule même sans décimale (« 4 100, »).
    texte = texte_entier + ("," + fraction if decimales else "")
    return litteral(avant) + signe + texte + litteral(apres)


def lignes_du_classeur(feuille, debut=1):
    return [list(ligne) for ligne in feuille.iter_rows(min_row=debut)]


# --- Lire les pages ---------------------------------------------------------------------------------------


def page(client, url):
    reponse = client.get(url)
    assert reponse.status_code == 200, url
    return lxml.html.fromstring(reponse.content.decode())


def cellules(tr):
    return [net(c.text_content()) for c in tr.xpath("./th|./td")]


def page_pmi(client, contrat):
    """{n° : (chiffres : année n-1, cibles, atteints ; détail des semestres)}."""
    doc = page(client, reverse("suivi:tableau_pmi", args=[contrat.slug]))
    lignes = {}
    for tr in doc.xpath("//table[contains(@class, 'ce-tableau-pmi')]/tbody/tr"):
        tds = tr.xpath("./td")
        semestres = [net(s.text_content()) for s in tr.xpath("./th//span") if " : S1 " in net(s.text_content())]
        lignes[net(tds[0].text_content())] = ([net(td.text_content()) for td in tds[1:]], semestres)
    assert len(lignes) == 19
    return lignes


def page_rapport(client, contrat, annee):
    doc = page(client, reverse("rapports:rapport", args=[contrat.slug, annee]))
    texte = net(doc.xpath("//main")[0].text_content())
    m = re.search(
        r"(\d+) objectifs, (\d+) fiches? actions?, (\d+) réunions? d'état d'avancement et (\d+) décisions? "
        r"sur la période",
        texte,
    )
    assert m, texte[:500]
    bilan = [cellules(tr) for tr in doc.xpath("//section[@id='bilan']//table/tbody/tr")]
    total = cellules(doc.xpath("//section[@id='bilan']//table/tfoot/tr")[0])
    indicateurs = [cellules(tr) for tr in doc.xpath("//section[@aria-labelledby='titre-resultats']//table/tbody/tr")]
    reunions, fiche = [], None
    for el in doc.xpath("//section[@aria-labelledby='titre-qualitatif']//*[self::h3 or self::strong]"):
        t = net(el.text_content())
        if el.tag == "h3":
            fiche = re.match(r"Fiche action n° (\S+) —", t).group(1)
        elif r := re.match(r"Réunion d'état d'avancement n° (\d+) — (\S+)$", t):
            reunions.append((fiche, r.group(1), r.group(2)))
    return {
        "comptes": dict(zip(("objectifs", "fiches", "reunions", "decisions"), m.groups(), strict=True)),
        "bilan": bilan,
        "total": total,
        "indicateurs": indicateurs,
        "reunions": reunions,
    }


def page_financement(client, contrat):
    """{(n° objectif, année, source) : montant affiché} et {(n° objectif, source) : total de l'objectif}."""
    doc = page(client, reverse("contractualisation:contrat", args=[contrat.slug]))
    tables = doc.xpath("//table[caption[contains(., 'Financements programmés')]]")
    if not tables:
        return [], {}, {}
    table = tables[0]
    sources = [net(th.text_content()) for th in table.xpath("./thead/tr/th")][2:-1]
    cases, totaux, objectif = {}, {}, None
    for tr in table.xpath("./tbody/tr"):
        cs = tr.xpath("./th|./td")
        if cs[0].tag == "th":
            objectif = net(cs[0].text_content()).removeprefix("n° ")
            cs = cs[1:]
        textes = [net(c.text_content()) for c in cs]
        if textes[0].startswith("Total objectif"):
            totaux.update({(objectif, s): v for s, v in zip(sources, textes[1:-1], strict=True)})
        else:
            cases.update({(objectif, int(textes[0]), s): v for s, v in zip(sources, textes[1:-1], strict=True)})
    return sources, cases, totaux


# --- Lire les exports --------------------------------------------------------------------------------------


def classeur(client, url):
    reponse = client.get(url)
    assert reponse.status_code == 200, url
    return load_workbook(io.BytesIO(reponse.content))


def texte_pdf(contenu, tmp_path):
    chemin = tmp_path / "export.pdf"
    chemin.write_bytes(contenu)
    sortie = subprocess.run(["pdftotext", "-layout", str(chemin), "-"], capture_output=True, text=True, check=True)
    return sortie.stdout.replace("\u00a0", " ").replace("\u202f", " ")


MONTANT = r"—|-?\d[\d ]*,\d\d €"
NOMBRE = r"—|-?\d[\d ]*(?:,\d+)?"
ENTIER_GROUPE = re.compile(r"^-?\d{1,3}(?: \d{3})*(?:,\d+)?$")


def chiffre_lisible(compteur, texte, ou):
    """Un nombre affiché a ses milliers séparés (« 4 100 », pas « 4100 ») ; une année entre parenthèses non."""
    for morceau in re.findall(r"-?\d[\d ,]*\d|\d", re.sub(r"\(\d{4}\)", "", net(texte))):
        if not ENTIER_GROUPE.match(morceau.strip()):
            compteur.ecarts.append(f"{ou} : {texte!r} sans séparateur de milliers")


# --- Les comparaisons -----------------------------------------------------------------------------------------


def comparer_pmi(client, contrat, compteur):
    attendu = page_pmi(client, contrat)
    feuille = classeur(client, reverse("rapports:tableau_bord", args=[contrat.slug])).active
    vus = set()
    for ligne in lignes_du_classeur(feuille, debut=6):
        if not isinstance(ligne[2].value, int):
            continue
        numero = str(ligne[2].value)
        chiffres, semestres = attendu[numero]
        compteur.egal(numero, rendu(ligne[2]), f"PMI n° {numero}")
        for rang, (a, cellule) in enumerate(zip(chiffres, ligne[4:11], strict=True)):
            chiffre_lisible(compteur, a, f"page PMI ligne {numero}")
            compteur.egal(a, rendu(cellule) or TIRET, f"PMI ligne {numero}, colonne {rang + 5}")
        libelle = net(ligne[3].value)
        for s in semestres:
            compteur.egal(s, s if s in libelle else libelle, f"PMI ligne {numero}, semestres")
        vus.add(numero)
    assert vus == set(attendu)


def comparer_rapport(client, contrat, annee, compteur, tmp_path, pdf=True):
    p = page_rapport(client, contrat, annee)
    c = classeur(client, reverse("rapports:xlsx", args=[contrat.slug, annee]))

    synthese = {net(a.value): rendu(b) for a, b, *_ in lignes_du_classeur(c["Synthèse"], debut=3)}
    compteur.egal(p["comptes"]["fiches"], synthese["Fiches actions"], "nombre de fiches")
    compteur.egal(p["comptes"]["reunions"], synthese["Réunions d'état d'avancement sur la période"], "réunions")
    compteur.egal(p["comptes"]["decisions"], synthese["Décisions prises"], "décisions")

    bilan_x, total_x, par_source_x = [], None, []
    for ligne in lignes_du_classeur(c["Bilan financier"], debut=2):
        a, b, s, *montants = (rendu(x) or TIRET for x in ligne[:6])
        if b.startswith("Total objectif n°"):
            bilan_x.append([f"n° {a}", "Total de l'objectif", *montants])
        elif b == "Total du contrat" and s == "Toutes sources":
            total_x = ["Total du contrat", *montants]
        elif b == "Total du contrat":
            par_source_x.append([s, *montants])
        else:
            bilan_x.append([f"n° {a}", s, *montants])
    assert len(bilan_x) == len(p["bilan"]), (bilan_x, p["bilan"])
    for attendue, obtenue in zip(p["bilan"], bilan_x, strict=True):
        for a, o in zip(attendue, obtenue, strict=True):
            compteur.egal(a, o, f"bilan financier {attendue[:2]}")
    for a, o in zip(p["total"], total_x, strict=True):
        compteur.egal(a, o, "total du contrat")

    indicateurs_x = []
    for ligne in lignes_du_classeur(c["Indicateurs"], debut=2):
        _, fiche, libelle, unite, ref, an, cible, atteint, ecart = (rendu(x) for x in ligne[:9])
        indicateurs_x.append(
            [
                fiche.split()[0],
                libelle + (f" ({unite})" if unite else ""),
                ref + (f" ({an})" if an != TIRET else ""),
                cible,
                atteint,
                ecart,
            ]
        )
    assert len(indicateurs_x) == len(p["indicateurs"])
    for attendue, obtenue in zip(p["indicateurs"], indicateurs_x, strict=True):
        for a, o in zip(attendue, obtenue, strict=True):
            compteur.egal(a, o, f"indicateur {attendue[:2]}")
        for a in attendue[2:]:
            chiffre_lisible(compteur, a, f"page du rapport, indicateur {attendue[1]}")

    reunions_x = [
        (rendu(b).split()[0], rendu(r).rsplit(" ", 1)[-1], rendu(d))
        for _, b, r, d, *_ in lignes_du_classeur(c["Suivi qualitatif"], debut=2)
    ]
    assert reunions_x == p["reunions"]
    compteur.n += 2 * len(reunions_x)

    if not pdf:
        return p
    reponse = client.get(reverse("rapports:pdf", args=[contrat.slug, annee]))
    texte = texte_pdf(reponse.content, tmp_path)
    for entite in ("&#x27;", "&#39;", "&amp;", "&quot;"):
        if entite in texte:
            compteur.ecarts.append(f"PDF {contrat.collectivite} {annee} : « {entite} » imprimé")
    m = re.search(
        r"retient (\d+) objectifs, déclinés en (\d+) fiches? actions?\. Sur la période, (\d+) réunions? d'état "
        r"d'avancement (?:s'est tenue|se sont tenues) et (\d+) décisions?",
        net(texte),
    )
    assert m, "phrase de synthèse introuvable dans le PDF"
    for cle, valeur in zip(("objectifs", "fiches", "reunions", "decisions"), m.groups(), strict=True):
        compteur.egal(p["comptes"][cle], valeur, f"PDF : nombre de {cle}")
    lignes = texte.splitlines()
    bilan_pdf = [
        [f"n° {m.group(1)}", m.group(2), m.group(3), m.group(4), m.group(5)]
        for ligne in lignes
        if (
            m := re.match(
                rf"^\s*n° (\d+)\s{{2,}}(\S.*?)\s{{2,}}({MONTANT})\s{{2,}}({MONTANT})\s{{2,}}({MONTANT})\s*$", ligne
            )
        )
    ]
    assert len(bilan_pdf) == len(p["bilan"]), (bilan_pdf, p["bilan"])
    for attendue, obtenue in zip(p["bilan"], bilan_pdf, strict=True):
        for a, o in zip(attendue, obtenue, strict=True):
            compteur.egal(a, o, f"PDF bilan {attendue[:2]}")
    debut = next(i for i, ligne in enumerate(lignes) if "Totaux du contrat par source" in ligne)
    par_source_pdf = []
    for ligne in lignes[debut:]:
        if "3. Résultats" in ligne:
            break
        if m := re.match(rf"^\s*(\S.*?)\s{{2,}}({MONTANT})\s{{2,}}({MONTANT})\s{{2,}}({MONTANT})\s*$", ligne):
            par_source_pdf.append(list(m.groups()))
    assert par_source_pdf[-1][0] == "Total du contrat"
    for a, o in zip(p["total"], par_source_pdf[-1], strict=True):
        compteur.egal(a, o, "PDF total du contrat")
    assert len(par_source_pdf[:-1]) == len(par_source_x)
    for x, pdf_ in zip(par_source_x, par_source_pdf[:-1], strict=True):
        for a, o in zip(x, pdf_, strict=True):
            compteur.egal(a, o, f"total par source {x[0]} (classeur / PDF)")
    indicateurs_pdf = [
        [m.group(1), m.group(2), m.group(3), m.group(4), m.group(5), m.group(6)]
        for ligne in lignes
        if (
            m := re.match(
                rf"^\s*(\d+\.\d+)\s{{2,}}(\S.*?)\s{{2,}}((?:{NOMBRE})(?: \(\d{{4}}\))?)\s{{2,}}({NOMBRE})\s{{2,}}"
                rf"({NOMBRE})\s{{2,}}({NOMBRE})\s*$",
                ligne,
            )
        )
    ]
    assert len(indicateurs_pdf) == len(p["indicateurs"]), (indicateurs_pdf, p["indicateurs"])
    for attendue, obtenue in zip(p["indicateurs"], indicateurs_pdf, strict=True):
        compteur.egal(attendue[0], obtenue[0], "PDF indicateur : fiche")
        assert net(attendue[1]).startswith(net(obtenue[1])), (attendue[1], obtenue[1])
        for a, o in zip(attendue[2:], obtenue[2:], strict=True):
            compteur.egal(a, o, f"PDF indicateur {attendue[:2]}")
    reunions_pdf, fiche = [], None
    for ligne in lignes:
        if m := re.search(r"Fiche action n° (\d+\.\d+) —", ligne):
            fiche = m.group(1)
        elif m := re.search(r"Réunion d'état d'avancement n° (\d+) — (\d\d/\d\d/\d{4})", ligne):
            reunions_pdf.append((fiche, m.group(1), m.group(2)))
    assert reunions_pdf == p["reunions"]
    compteur.n += 2 * len(reunions_pdf)
    # L'en-tête courant de chaque page (après la couverture) porte le nom de la collectivité tel qu'il s'écrit.
    pages = [x for x in texte.split("\f")[1:] if x.strip()]
    for numero, contenu in enumerate(pages, start=2):
        entete = net(next(ligne for ligne in contenu.splitlines() if ligne.strip()))
        compteur.egal(f"{contrat.collectivite} Rapport annuel d'exécution {annee}", entete, f"PDF, en-tête p. {numero}")
    return p


def euros_attendus(valeur):
    return f"{valeur:,.2f}".replace(",", " ").replace(".", ",") + " €"


def lire_montant(texte):
    return Decimal("0") if texte == TIRET else Decimal(texte.removesuffix(" €").replace(" ", "").replace(",", "."))


def comparer_financement(client, contrat, compteur, tmp_path):
    sources, cases, totaux = page_financement(client, contrat)
    if not cases:
        return
    # Le programmé du rapport d'exécution de chaque année (classeur) = la case de la page du contrat.
    for annee in annees_possibles(contrat):
        if annee not in contrat.cycle.annees:
            continue
        c = classeur(client, reverse("rapports:xlsx", args=[contrat.slug, annee]))
        montres = set()
        for ligne in lignes_du_classeur(c["Bilan financier"], debut=2):
            a, b, s, prog = (rendu(x) or TIRET for x in ligne[:4])
            if b.startswith("Total"):
                continue
            a = str(ligne[0].value)
            compteur.egal(cases[(a, annee, s)], prog, f"programmé {annee}, objectif n° {a}, {s}")
            montres.add((a, annee, s))
        oublies = {k for k, v in cases.items() if k[1] == annee and v != TIRET} - montres
        assert not oublies, f"montants de la page du contrat absents du rapport {annee} : {oublies}"

    # Le plan d'action (Annexe 2) : Département, État, total, autres par objectif et année.
    categorie = {s.libelle: s.categorie for s in SourceFinancement.objects.all()}
    feuille = classeur(client, reverse("rapports:plan_action", args=[contrat.slug])).active
    for ligne in lignes_du_classeur(feuille, debut=6):
        if not isinstance(ligne[1].value, int) or not isinstance(ligne[2].value, str):
            continue
        numero = str(ligne[1].value)
        compteur.egal(numero, rendu(ligne[1]), "n° de l'objectif du plan d'action")
        for i, annee in enumerate(contrat.cycle.annees):
            somme = {k: Decimal("0") for k in CategorieSource.values}
            for s in sources:
                somme[categorie[s]] += lire_montant(cases[(numero, annee, s)])
            dep, etat, autres = (somme[k] for k in ("departement", "etat", "autre"))
            attendus = [dep, etat, dep + etat, autres]
            for j, valeur in enumerate(attendus):
                cellule = ligne[6 + 4 * i + j]
                compteur.egal(euros_attendus(valeur), rendu(cellule), f"plan d'action n° {numero}, {annee}, col. {j}")

    # Le classeur national : programmé sur le cycle et programmé de l'année, par objectif et source.
    annee = annees_possibles(contrat)[0]
    nom = national.generer(annee, cle=f"comparaison-{contrat.pk}", contrats=[contrat.pk])
    feuille = load_workbook(default_storage.open(nom, "rb"))["Financements"]
    for ligne in lignes_du_classeur(feuille, debut=2):
        if ligne[1].value != str(contrat.collectivite):
            continue
        numero, s = str(ligne[2].value), rendu(ligne[4])
        compteur.egal(numero, rendu(ligne[2]), "national, n° de l'objectif")
        compteur.egal(totaux[(numero, s)], rendu(ligne[6]) or TIRET, f"national, cycle, n° {numero}, {s}")
        compteur.egal(cases[(numero, annee, s)], rendu(ligne[7]) or TIRET, f"national, {annee}, n° {numero}, {s}")


def comparer_tout(client, contrat, tmp_path, compteur):
    comparer_pmi(client, contrat, compteur)
    for rang, annee in enumerate(annees_possibles(contrat)):
        comparer_rapport(client, contrat, annee, compteur, tmp_path, pdf=rang == 0)
    comparer_financement(client, contrat, compteur, tmp_path)


# --- Les données --------------------------------------------------------------------------------------------


def pk(code):
    return IndicateurHarmonise.objects.get(code=code).pk


@pytest.fixture
def fabriquees(acteurs, sources):
    """Deux contrats signés : les Bouches-du-Rhône (une réunion couvre deux fiches, valeurs semestrielles et de
    l'année n-1, objectif financé par ses fiches) et la Collectivité européenne d'Alsace (une apostrophe)."""
    auteur = acteurs["referent_cd13"]
    resultat = []
    for slug, signature in (("cd-13", date(2025, 9, 22)), ("collectivite-europeenne-alsace", date(2025, 10, 6))):
        contrat = factories.contrat(slug)
        contrat.statut, contrat.date_signature = StatutContrat.SIGNE, signature
        contrat.save()
        objectifs = {oc.objectif.numero: oc for oc in contrat.objectifs_contrat.select_related("objectif")}
        montants = {}
        for numero, (etat, dep) in {1: (104500, 120000), 3: (51250.5, 55000), 8: (1200000, 90000)}.items():
            o = objectifs[numero].objectif
            for annee, k in ((2025, 1), (2026, 2), (2027, 3)):
                montants[(o.pk, annee, o.sources.first().pk)] = Decimal(str(etat)) * k
                montants[(o.pk, annee, sources["departement"].pk)] = Decimal(dep) * k
        contrats.enregistrer_financements(contrat, montants)
        prenatal = Fiche.objects.create(contrat=contrat, objectif_contrat=objectifs[2], numero=1, titre="EPP en MDS")
        domicile = Fiche.objects.create(contrat=contrat, objectif_contrat=objectifs[7], numero=1, titre="AED renforcée")
        IndicateurQuantitatif.objects.create(
            fiche=prenatal,
            libelle="Entretiens prénataux précoces réalisés",
            unite="entretiens",
            valeur_reference=Decimal("4100"),
            annee_reference=2024,
            cibles={"2025": "4 800", "2026": "5600,5", "2027": "6400"},
        )
        vad = IndicateurQuantitatif.objects.create(
            fiche=prenatal,
            indicateur_harmonise=IndicateurHarmonise.objects.get(code="pmi-10"),
            libelle="Visites à domicile prénatales",
            valeur_reference=Decimal("1830"),
            annee_reference=2024,
            cibles={"2025": "2000", "2026": "2 300"},
        )
        aed = IndicateurQuantitatif.objects.create(
            fiche=domicile, libelle="Mesures d'AED renforcée", unite="mesures", cibles={"2025": "12,5"}
        )
        suivi.enregistrer_valeur_fiche(aed, auteur, 2025, Decimal("11.25"))
        assert vad.pk
        for annee, source, montant in ((2025, "bop304", "208000"), (2025, "departement", "240000"),
                                       (2026, "bop304", "260000"), (2027, "autres", "40000")):  # fmt: skip
            MontantFiche.objects.create(fiche=domicile, annee=annee, source=sources[source], montant=Decimal(montant))
        suivi.enregistrer_valeurs(
            contrat,
            auteur,
            {
                (pk("pmi-01"), 2024, 0): (Decimal("20100"), "INSEE"),
                (pk("pmi-02"), 2024, 0): (Decimal("3618"), "CD"),
                (pk("pmi-10"), 2024, 0): (Decimal("1830"), "CD"),
                (pk("pmi-11"), 2024, 0): (Decimal("2410"), "CD"),
                (pk("pmi-14"), 2024, 0): (Decimal("160300"), "INSEE"),
                (pk("pmi-15"), 2024, 0): (Decimal("17630"), "CD"),
                (pk("pmi-01"), 2025, 0): (Decimal("19842"), "INSEE"),
                (pk("pmi-02"), 2025, 0): (Decimal("4120"), "CD"),
                (pk("pmi-14"), 2025, 0): (Decimal("158900"), "INSEE"),
                (pk("pmi-10"), 2025, 1): (Decimal("1050"), "CD"),
                (pk("pmi-10"), 2025, 2): (Decimal("1190"), "CD"),
                (pk("pmi-11"), 2025, 1): (Decimal("1320"), "CD"),
                (pk("pmi-11"), 2025, 2): (Decimal("1365"), "CD"),
                (pk("pmi-15"), 2025, 1): (Decimal("9100"), "CD"),
                (pk("pmi-15"), 2025, 2): (Decimal("9480"), "CD"),
                (pk("pmi-10"), 2026, 1): (Decimal("700"), "CD"),  # S2 pas encore saisi : l'année reste « — »
            },
        )
        tenue = suivi.planifier_reunion(
            contrat, auteur, fiches=[prenatal, domicile], date=datetime(2026, 3, 10, 10, tzinfo=PARIS)
        )
        for point, libelle in zip(tenue.points.order_by("ordre"), ("Recruter une sage-femme", "Former"), strict=True):
            suivi.enregistrer_point(point, auteur, elements_positifs="Bien", axes_amelioration="Délais")
            suivi.ajouter_decision(point, auteur, libelle=libelle, responsable_texte="CD")
        suivi.planifier_reunion(contrat, auteur, fiches=[prenatal], date=datetime(2027, 1, 5, 10, tzinfo=PARIS))
        rapport = rapports.ouvrir_rapport(contrat, 2025, auteur)
        o1 = objectifs[1].objectif
        rapports.enregistrer_montants(
            rapport,
            {
                (o1.pk, o1.sources.first().pk): (Decimal("90000"), Decimal("45000.5")),
                (objectifs[7].objectif.pk, sources["departement"].pk): (Decimal("150000.50"), None),
            },
        )
        resultat.append(contrat)
    return resultat


def test_donnees_fabriquees_exports_egaux_aux_pages(client, acteurs, fabriquees, tmp_path):
    client.force_login(acteurs["lecteur_dgcs"])
    compteur = Compteur()
    for contrat in fabriquees:
        comparer_tout(client, contrat, tmp_path, compteur)
    compteur.verifier(f"données fabriquées, {len(fabriquees)} contrats")


def test_donnees_de_demonstration_exports_egaux_aux_pages(client, acteurs, tmp_path):
    from demo.donnees import creer_donnees_demo

    creer_donnees_demo()
    client.force_login(acteurs["lecteur_dgcs"])
    demo = list(Contrat.objects.select_related("collectivite", "cycle").order_by("pk"))
    assert len(demo) >= 3
    compteur = Compteur()
    for contrat in demo:
        comparer_tout(client, contrat, tmp_path, compteur)
    compteur.verifier(f"démonstration, {len(demo)} contrats")


# --- Ce que l'issue 12 a mesuré, vérifié un par un --------------------------------------------------------------


def test_une_reunion_qui_couvre_deux_fiches_compte_une_fois(client, acteurs, fabriquees, tmp_path):
    contrat = fabriquees[0]
    client.force_login(acteurs["lecteur_dgcs"])
    p = page_rapport(client, contrat, 2025)
    assert p["comptes"]["reunions"] == "1" and p["comptes"]["decisions"] == "2"
    assert len(p["reunions"]) == 2  # la même réunion, dans la partie de chacune des deux fiches
    synthese = {
        net(a.value): b.value
        for a, b, *_ in classeur(client, reverse("rapports:xlsx", args=[contrat.slug, 2025]))["Synthèse"].iter_rows(
            min_row=3
        )
    }  # noqa: E501
    assert synthese["Réunions d'état d'avancement sur la période"] == 1
    texte = net(texte_pdf(client.get(reverse("rapports:pdf", args=[contrat.slug, 2025])).content, tmp_path))
    assert "1 réunion d'état d'avancement s'est tenue et 2 décisions ont été prises" in texte
    # Le classeur national compte toutes les réunions du contrat, chacune une fois (deux : 10/03/2026 et 05/01/2027).
    feuille = load_workbook(default_storage.open(national.generer(2025, cle="reunions", contrats=[contrat.pk]), "rb"))[
        "Contrats"
    ]
    ligne = next(r for r in feuille.iter_rows(min_row=2, values_only=True) if r[1] == str(contrat.collectivite))
    assert ligne[10:13] == (2, 2, 2)  # fiches, réunions, décisions


def test_l_apostrophe_du_nom_dans_l_en_tete_de_chaque_page(client, acteurs, fabriquees, tmp_path):
    alsace = fabriquees[1]
    client.force_login(acteurs["lecteur_dgcs"])
    texte = texte_pdf(client.get(reverse("rapports:pdf", args=[alsace.slug, 2025])).content, tmp_path)
    pages = [x for x in texte.split("\f")[1:] if x.strip()]
    assert len(pages) >= 5
    for contenu in pages:
        assert net(contenu.strip().splitlines()[0]).startswith("Collectivité européenne d'Alsace")
    assert "&#x27;" not in texte and "&#39;" not in texte


def test_formats_des_nombres_dans_les_classeurs(client, acteurs, fabriquees):
    contrat = fabriquees[0]
    client.force_login(acteurs["lecteur_dgcs"])
    tableau = classeur(client, reverse("rapports:tableau_bord", args=[contrat.slug])).active
    lignes = {ligne[2].value: ligne for ligne in tableau.iter_rows(min_row=6) if isinstance(ligne[2].value, int)}
    for numero in (4, 12, 13, 16):  # lignes de parts : le n° reste un entier, les parts sont des pourcentages
        assert rendu(lignes[numero][2]) == str(numero) and "%" not in lignes[numero][2].number_format
        assert "%" in lignes[numero][8].number_format
    assert rendu(lignes[12][8]) == "11,3 %"  # (1 050 + 1 190) / 19 842
    assert rendu(lignes[12][4]) == "9,1 %"  # année n-1 : 1 830 / 20 100
    assert rendu(lignes[10][8]) == "2 240" and rendu(lignes[10][4]) == "1 830"  # somme des semestres ; n-1
    assert rendu(lignes[15][8]) == "18 580" and rendu(lignes[16][8]) == "11,7 %"
    assert rendu(lignes[10][9]) == TIRET  # 2026 : un seul semestre saisi
    assert rendu(lignes[1][4]) == "20 100"  # entier : pas de décimale, pas de virgule finale

    rapport = classeur(client, reverse("rapports:xlsx", args=[contrat.slug, 2025]))
    indicateurs = list(rapport["Indicateurs"].iter_rows(min_row=2))
    epp = next(ligne for ligne in indicateurs if ligne[2].value == "Entretiens prénataux précoces réalisés")
    assert rendu(epp[0]) == "2" and rendu(epp[4]) == "4 100" and rendu(epp[5]) == "2024" and rendu(epp[6]) == "4 800"
    aed = next(ligne for ligne in indicateurs if ligne[2].value == "Mesures d'AED renforcée")
    assert (rendu(aed[6]), rendu(aed[7]), rendu(aed[8])) == ("12,5", "11,25", "-1,25")
    vad = next(ligne for ligne in indicateurs if ligne[2].value == "Visites à domicile prénatales")
    assert rendu(vad[7]) == "2 240"  # le rapport lit la même somme des semestres que le tableau PMI
    bilan = list(rapport["Bilan financier"].iter_rows(min_row=2))
    numeros = [rendu(ligne[0]) for ligne in bilan]  # n° d'objectif dans une ligne de montants : pas « 1,00 € »
    assert numeros and all(re.fullmatch(r"\d*", n) for n in numeros), numeros
    plan = classeur(client, reverse("rapports:plan_action", args=[contrat.slug])).active
    numeros = [
        rendu(ligne[1])
        for ligne in plan.iter_rows(min_row=6)
        if isinstance(ligne[1].value, int) and isinstance(ligne[2].value, str)
    ]
    assert numeros and all(re.fullmatch(r"\d+", n) for n in numeros), numeros


def test_aucun_commentaire_de_gabarit_sur_plusieurs_lignes():
    """`{# … #}` ne vaut que sur une ligne : sur plusieurs, Django l'affiche tel quel dans la page."""
    from pathlib import Path

    from django.conf import settings

    racine = Path(settings.BASE_DIR)
    fautifs = []
    for gabarit in racine.glob("**/templates/**/*"):
        if ".venv" in gabarit.parts or not gabarit.is_file() or gabarit.suffix not in {".html", ".txt", ".ics"}:
            continue
        for numero, ligne in enumerate(gabarit.read_text(encoding="utf-8").splitlines(), start=1):
            debut = ligne.rfind("{#")
            if debut >= 0 and "#}" not in ligne[debut:]:
                fautifs.append(f"{gabarit.relative_to(racine)}:{numero}")
    assert not fautifs


def test_la_page_nationale_n_affiche_pas_de_commentaire(client, acteurs):
    client.force_login(acteurs["lecteur_dgcs"])
    contenu = client.get(reverse("rapports:national")).content.decode()
    assert "{#" not in contenu and "#}" not in contenu
