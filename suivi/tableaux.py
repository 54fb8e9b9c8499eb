"""Ce que les pages du suivi affichent, calculé en un nombre constant de requêtes quel que soit le nombre de
fiches : préparation de l'ordre du jour, tableau de bord du contrat, tableau de bord PMI (Annexe 2.3)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe

from contractualisation.enums import TypeIndicateur
from contractualisation.models import IndicateurHarmonise
from core.nombres import lire, nombre
from fiches.extensions import DecisionFiche, ReunionFiche
from fiches.models import Fiche, IndicateurQuantitatif

from .enums import StatutDecision, StatutReunion
from .models import Decision, PointFiche, Releve, ValeurIndicateur
from .services import numeros_des_reunions

# --- Préparer et tenir la réunion ----------------------------------------------------------------


@dataclass
class Preparation:
    """Une fiche à l'ordre du jour : son numéro de réunion, ce qui a changé depuis la précédente, les
    décisions de la précédente et celles de cette séance."""

    point: PointFiche
    numero: int
    precedente: object = None  # date de la réunion précédente de cette fiche
    releves: list = field(default_factory=list)
    valeurs: list = field(default_factory=list)
    decisions_ouvertes: list = field(default_factory=list)
    decisions_precedentes: list = field(default_factory=list)
    decisions: list = field(default_factory=list)

    @property
    def fiche(self):
        return self.point.fiche


def points_de_la_reunion(reunion, **filtres):
    return list(
        reunion.points.filter(**filtres)
        .select_related("fiche__objectif_contrat__objectif", "fiche__referent", "modifie_par")
        .order_by("ordre", "pk")
    )


def fin_des_nouveautes(reunion, maintenant=None):
    """Une réunion passée montre ce qui avait changé avant elle, pas ce qui a été écrit depuis : jusqu'au
    lendemain de la réunion, une fois ce lendemain passé ; None tant que la réunion est récente ou à venir."""
    maintenant = maintenant or timezone.now()
    return reunion.date + timedelta(days=1) if reunion.date < maintenant - timedelta(days=1) else None


def preparer(reunion, points=None):
    """La préparation de chaque point de l'ordre du jour, en six requêtes."""
    points = points_de_la_reunion(reunion) if points is None else points
    fiche_ids = [p.fiche_id for p in points]
    numeros = numeros_des_reunions(fiche_ids)
    # Réunions précédentes de chaque fiche (hors réunions annulées).
    anterieurs = defaultdict(list)
    for fiche_id, reunion_id, jour in (
        PointFiche.objects.filter(fiche_id__in=fiche_ids, reunion__date__lt=reunion.date)
        .exclude(reunion__statut=StatutReunion.ANNULEE)
        .order_by("reunion__date")
        .values_list("fiche_id", "reunion_id", "reunion__date")
    ):
        anterieurs[fiche_id].append((reunion_id, jour))
    precedente = {f: lignes[-1] for f, lignes in anterieurs.items()}
    depuis_min = min((jour for _, jour in precedente.values()), default=None)

    decisions = defaultdict(list)
    for d in (
        Decision.objects.filter(point__fiche_id__in=fiche_ids, point__reunion__date__lte=reunion.date)
        .exclude(point__reunion__statut=StatutReunion.ANNULEE)
        .select_related("responsable", "point")
        .order_by("cree_le", "pk")
    ):
        decisions[d.point.fiche_id].append(d)

    releves = Releve.objects.filter(fiche_id__in=fiche_ids).select_related("indicateur")
    if depuis_min is not None:
        releves = releves.filter(cree_le__gte=depuis_min)
    jusqu_a = fin_des_nouveautes(reunion)
    if jusqu_a is not None:
        releves = releves.filter(cree_le__lte=jusqu_a)
    par_fiche_releves = defaultdict(list)
    for r in releves.order_by("-date_observation"):
        par_fiche_releves[r.fiche_id].append(r)

    indicateurs = list(IndicateurQuantitatif.objects.filter(fiche_id__in=fiche_ids).order_by("ordre", "pk"))
    harmonises = defaultdict(list)
    for i in indicateurs:
        if i.indicateur_harmonise_id:
            harmonises[i.indicateur_harmonise_id].append(i)
    valeurs_filtre = Q(indicateur__in=indicateurs) | Q(
        contrat_id=reunion.contrat_id, indicateur_harmonise_id__in=list(harmonises)
    )
    valeurs = ValeurIndicateur.objects.filter(valeurs_filtre).select_related("indicateur", "indicateur_harmonise")
    if depuis_min is not None:
        valeurs = valeurs.filter(saisi_le__gte=depuis_min)
    if jusqu_a is not None:
        valeurs = valeurs.filter(saisi_le__lte=jusqu_a)
    par_fiche_valeurs = defaultdict(list)
    for v in valeurs.order_by("annee", "semestre"):
        cibles = [v.indicateur] if v.indicateur_id else harmonises[v.indicateur_harmonise_id]
        for indicateur in cibles:
            par_fiche_valeurs[indicateur.fiche_id].append((indicateur, v))

    resultat = []
    for p in points:
        avant = precedente.get(p.fiche_id)
        depuis = avant[1] if avant else None
        toutes = decisions[p.fiche_id]
        resultat.append(
            Preparation(
                point=p,
                numero=numeros.get((p.fiche_id, reunion.pk), 1),
                precedente=depuis,
                releves=[r for r in par_fiche_releves[p.fiche_id] if depuis is None or r.cree_le >= depuis],
                valeurs=[(i, v) for i, v in par_fiche_valeurs[p.fiche_id] if depuis is None or v.saisi_le >= depuis],
                decisions_ouvertes=[
                    d for d in toutes if d.point.reunion_id != reunion.pk and d.statut == StatutDecision.A_FAIRE
                ],
                decisions_precedentes=[d for d in toutes if avant and d.point.reunion_id == avant[0]],
                decisions=[d for d in toutes if d.point.reunion_id == reunion.pk],
            )
        )
    return resultat


# --- Les réunions d'une fiche (vue « fiche et ses annexes », vue calendrier) --------------------


def reunions_des_fiches(fiches):
    """Fournisseur enregistré auprès de `fiches.extensions` : {fiche.pk: [ReunionFiche]} en deux requêtes."""
    fiche_ids = [f.pk for f in fiches]
    points = list(
        PointFiche.objects.filter(fiche_id__in=fiche_ids)
        .exclude(reunion__statut=StatutReunion.ANNULEE)
        .select_related("reunion")
        .order_by("reunion__date", "reunion_id")
    )
    decisions = defaultdict(list)
    for d in Decision.objects.filter(point__in=points).select_related("responsable"):
        decisions[d.point_id].append(
            DecisionFiche(
                libelle=d.libelle, responsable=d.nom_responsable, echeance=d.echeance, statut=d.get_statut_display()
            )
        )
    resultat, compteurs = defaultdict(list), defaultdict(int)
    for p in points:
        compteurs[p.fiche_id] += 1
        resultat[p.fiche_id].append(
            ReunionFiche(
                numero=compteurs[p.fiche_id],
                date=timezone.localtime(p.reunion.date).date(),
                elements_positifs=p.elements_positifs,
                axes_amelioration=p.axes_amelioration,
                decisions=decisions[p.pk],
                url=reverse("suivi:ordre_du_jour", args=[p.reunion_id]) + f"#point-{p.pk}",
                reunion_id=p.reunion_id,
            )
        )
    return dict(resultat)


# --- Tableau de bord du contrat ------------------------------------------------------------------


@dataclass
class LigneFiche:
    fiche: Fiche
    derniere_reunion: object = None
    decisions_ouvertes: int = 0
    decisions_en_retard: int = 0
    releves_en_attente: int = 0
    indicateurs_sans_valeur: list = field(default_factory=list)


def derniere_periode(aujourd_hui=None):
    """La dernière année complète : c'est elle que le tableau de bord réclame."""
    return (aujourd_hui or timezone.localdate()).year - 1


def tableau_de_bord(contrat, aujourd_hui=None):
    """Des faits par fiche, regroupés par objectif : en six requêtes."""
    aujourd_hui = aujourd_hui or timezone.localdate()
    annee = derniere_periode(aujourd_hui)
    fiches = list(Fiche.objects.filter(contrat=contrat).select_related("objectif_contrat__objectif", "referent"))
    lignes = {f.pk: LigneFiche(fiche=f) for f in fiches}
    for fiche_id, jour in (
        PointFiche.objects.filter(fiche__contrat=contrat, reunion__date__lte=timezone.now())
        .exclude(reunion__statut=StatutReunion.ANNULEE)
        .values_list("fiche_id", "reunion__date")
    ):
        ligne = lignes[fiche_id]
        if ligne.derniere_reunion is None or jour > ligne.derniere_reunion:
            ligne.derniere_reunion = jour
    for fiche_id, echeance in Decision.objects.filter(
        point__fiche__contrat=contrat, statut=StatutDecision.A_FAIRE
    ).values_list("point__fiche_id", "echeance"):
        lignes[fiche_id].decisions_ouvertes += 1
        if echeance is not None and echeance < aujourd_hui:
            lignes[fiche_id].decisions_en_retard += 1
    for fiche_id in Releve.objects.filter(fiche__contrat=contrat).en_attente().values_list("fiche_id", flat=True):
        lignes[fiche_id].releves_en_attente += 1
    indicateurs = list(IndicateurQuantitatif.objects.filter(fiche__contrat=contrat).select_related("fiche"))
    renseignes_fiche, renseignes_harmonises = set(), set()
    for indicateur_id, harmonise_id in ValeurIndicateur.objects.filter(contrat=contrat, annee=annee).values_list(
        "indicateur_id", "indicateur_harmonise_id"
    ):
        renseignes_fiche.add(indicateur_id)
        renseignes_harmonises.add(harmonise_id)
    for i in indicateurs:
        if i.pk not in renseignes_fiche and (
            i.indicateur_harmonise_id is None or i.indicateur_harmonise_id not in renseignes_harmonises
        ):
            lignes[i.fiche_id].indicateurs_sans_valeur.append(i)
    par_objectif = defaultdict(list)
    for f in fiches:
        par_objectif[f.objectif_contrat.objectif].append(lignes[f.pk])
    pmi_sans_valeur = [
        i
        for i in IndicateurHarmonise.objects.filter(famille="PMI", type=TypeIndicateur.NOMBRE).order_by("ordre")
        if i.pk not in renseignes_harmonises
    ]
    series = [serie for serie in series_indicateurs(contrat, indicateurs) if serie.maximum]
    fiches_de = {f.pk: f for f in fiches}
    for serie in series:
        serie.fiche = fiches_de[serie.indicateur.fiche_id]
    return {
        "annee": annee,
        "objectifs": list(par_objectif.items()),
        "lignes": list(lignes.values()),
        "series": series,
        "pmi_sans_valeur": pmi_sans_valeur,
    }


# --- Tableau de bord PMI (Annexe 2.3) ------------------------------------------------------------

CENT = Decimal("100")


def ratio(numerateur, denominateur):
    """Part en pourcentage, arrondie au dixième ; None (affiché « — ») si une donnée manque ou si le
    dénominateur est nul."""
    if numerateur is None or denominateur is None or denominateur == 0:
        return None
    return (Decimal(numerateur) * CENT / Decimal(denominateur)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class LignePmi:
    indicateur: IndicateurHarmonise
    reference: object  # valeur de l'année n-1
    cibles: list
    realise: list
    semestres: list  # [(annee, s1, s2)] pour les indicateurs semestriels

    @property
    def est_ratio(self):
        return self.indicateur.type == TypeIndicateur.RATIO

    @property
    def detail_semestres(self):
        """« 2025 : S1 1 010 · S2 1 085 » pour chaque année dont un semestre est saisi (page et classeur)."""
        return [
            f"{annee} : S1 {nombre(s1)} · S2 {nombre(s2)}"
            for annee, s1, s2 in self.semestres
            if s1 is not None or s2 is not None
        ]


def tableau_pmi(contrat):
    """Les 19 lignes de l'Annexe 2.3 : année n-1, cibles et niveau atteint par année du cycle ; les parts
    sont calculées à partir des lignes de nombres (trois requêtes). La page du tableau de bord PMI et son
    classeur Excel (rapports/exports/tableau_bord.py) lisent tous deux ce tableau : ils ne peuvent pas se
    contredire."""
    annees = contrat.cycle.annees
    annee_reference = annees[0] - 1
    indicateurs = list(
        IndicateurHarmonise.objects.filter(famille="PMI").select_related("numerateur", "denominateur").order_by("ordre")
    )
    valeurs = {
        (v.indicateur_harmonise_id, v.annee, v.semestre): v.valeur
        for v in ValeurIndicateur.objects.filter(contrat=contrat, indicateur_harmonise__in=indicateurs)
    }
    # Les cibles sont saisies une fois, sur l'indicateur de fiche rattaché à l'indicateur harmonisé.
    cibles = {}
    for i in IndicateurQuantitatif.objects.filter(fiche__contrat=contrat, indicateur_harmonise__in=indicateurs):
        for annee, texte in (i.cibles or {}).items():
            valeur = lire(texte)
            if valeur is not None:
                cibles.setdefault((i.indicateur_harmonise_id, int(annee)), valeur)
        # La valeur de référence de la fiche est l'état des lieux de l'année n-1, sauf si elle en dit une autre.
        if i.valeur_reference is not None and i.annee_reference in (None, annee_reference):
            cibles.setdefault((i.indicateur_harmonise_id, annee_reference), i.valeur_reference)

    def valeur_annee(indicateur_id, annee):
        return valeur_de_l_annee(valeurs, (indicateur_id, annee))

    def reference(indicateur_id):
        v = valeur_annee(indicateur_id, annee_reference)
        return v if v is not None else cibles.get((indicateur_id, annee_reference))

    lignes = []
    for ind in indicateurs:
        if ind.type == TypeIndicateur.RATIO:
            n, d = ind.numerateur_id, ind.denominateur_id
            ref = ratio(reference(n), reference(d))
            lignes_cibles = [
                cibles.get((ind.pk, a)) if (ind.pk, a) in cibles else ratio(cibles.get((n, a)), cibles.get((d, a)))
                for a in annees
            ]
            realise = [ratio(valeur_annee(n, a), valeur_annee(d, a)) for a in annees]
        else:
            ref = reference(ind.pk)
            lignes_cibles = [cibles.get((ind.pk, a)) for a in annees]
            realise = [valeur_annee(ind.pk, a) for a in annees]
        semestres = []
        if ind.periodicite == "semestrielle" and ind.type != TypeIndicateur.RATIO:
            semestres = [(a, valeurs.get((ind.pk, a, 1)), valeurs.get((ind.pk, a, 2))) for a in annees]
        lignes.append(LignePmi(ind, ref, lignes_cibles, realise, semestres))
    return {"annees": annees, "annee_reference": annee_reference, "lignes": lignes, "valeurs": valeurs}


# --- Cibles et réalisé des indicateurs de fiche (petits graphiques) -------------------------------


@dataclass
class Serie:
    indicateur: IndicateurQuantitatif
    points: list  # [(annee, cible, realise)]
    maximum: Decimal

    @property
    def barres(self):
        """Hauteurs en pixels (sur 60) des barres cible / réalisé, pour le petit graphique SVG."""
        echelle = Decimal(60) / self.maximum if self.maximum else Decimal(0)
        barres = []
        for rang, (annee, cible, realise) in enumerate(self.points):
            h_cible, h_realise = int((cible or 0) * echelle), int((realise or 0) * echelle)
            x = 8 + rang * 56
            barres.append(
                {
                    "annee": annee,
                    "cible": cible,
                    "realise": realise,
                    "h_cible": h_cible,
                    "y_cible": 70 - h_cible,
                    "h_realise": h_realise,
                    "y_realise": 70 - h_realise,
                    "x": x,
                    "x_realise": x + 22,
                    "x_texte": x + 21,
                }
            )
        return barres

    @property
    def largeur(self):
        return 16 + 56 * len(self.points)

    @cached_property
    def graphique(self):
        """Le petit graphique SVG (cible en contour pointillé, atteint en plein, par année), écrit une fois en
        Python : une centaine de graphiques par des inclusions de gabarit coûtaient l'essentiel de la page. Il
        n'y entre que des entiers. Les chiffres sont dans le texte voisin (`legende`)."""
        largeur = self.largeur
        morceaux = [
            f'<svg class="ce-graphique" width="{largeur}" height="92" viewBox="0 0 {largeur} 92" aria-hidden="true"'
            f' focusable="false">',
            f'<line x1="0" y1="70" x2="{largeur}" y2="70" stroke="#666"></line>',
        ]
        for b in self.barres:
            if b["cible"] is not None:
                morceaux.append(
                    f'<rect x="{b["x"]}" y="{b["y_cible"]}" width="20" height="{b["h_cible"]}" fill="none"'
                    f' stroke="#000091" stroke-width="2" stroke-dasharray="4 2"></rect>'
                )
            if b["realise"] is not None:
                morceaux.append(
                    f'<rect x="{b["x_realise"]}" y="{b["y_realise"]}" width="20" height="{b["h_realise"]}"'
                    f' fill="#000091"></rect>'
                )
            morceaux.append(
                f'<text x="{b["x_texte"]}" y="86" text-anchor="middle" font-size="11" fill="#161616">'
                f"{int(b['annee'])}</text>"
            )
        morceaux.append("</svg>")
        return mark_safe("".join(morceaux))

    @property
    def legende(self):
        """« 2025 : cible 80, atteint 75 · 2026 : cible 100, atteint — »."""
        return " · ".join(
            f"{annee} : cible {nombre(cible)}, atteint {nombre(realise)}" for annee, cible, realise in self.points
        )


def series_indicateurs(contrat, indicateurs):
    """Cible et valeur atteinte par année du cycle pour chaque indicateur de fiche (une requête)."""
    annees = contrat.cycle.annees
    atteintes = valeurs_atteintes(indicateurs)
    series = []
    for i in indicateurs:
        points = [(a, cible(i, a), atteintes.get(i.pk, {}).get(a)) for a in annees]
        maximum = max([v for _, c, r in points for v in (c, r) if v is not None], default=Decimal(0))
        series.append(Serie(i, points, maximum))
    return series


# --- La valeur d'une année, pour toutes les pages et tous les exports ----------------------------------------


def valeur_de_l_annee(valeurs, cle):
    """`valeurs` : {(*cle, semestre): valeur}. La valeur de l'année entière (semestre 0) si elle est saisie,
    sinon la somme des deux semestres quand les deux le sont ; None autrement (« — »)."""
    if (*cle, 0) in valeurs:
        return valeurs[(*cle, 0)]
    s1, s2 = valeurs.get((*cle, 1)), valeurs.get((*cle, 2))
    return s1 + s2 if s1 is not None and s2 is not None else None


def cible(indicateur, annee):
    """La cible saisie sur la fiche pour cette année (texte tapé à la française), en Decimal ou None."""
    return lire((indicateur.cibles or {}).get(str(annee)))


def valeurs_atteintes(indicateurs):
    """{indicateur.pk: {annee: Decimal}} pour des indicateurs de fiche, d'un ou de plusieurs contrats (une
    requête). Un indicateur rattaché à un indicateur harmonisé lit la valeur saisie une fois pour son contrat
    (celle du tableau de bord PMI) ; l'année vaut la valeur annuelle ou la somme des deux semestres, comme au
    tableau de bord PMI. Les indicateurs doivent avoir leur fiche chargée (`select_related` ou préchargement)."""
    indicateurs = list(indicateurs)
    harmonises = {(i.fiche.contrat_id, i.indicateur_harmonise_id) for i in indicateurs if i.indicateur_harmonise_id}
    filtre = Q(indicateur__in=[i for i in indicateurs if not i.indicateur_harmonise_id])
    if harmonises:
        filtre |= Q(
            contrat_id__in={c for c, _ in harmonises},
            indicateur_harmonise_id__in={h for _, h in harmonises},
            indicateur__isnull=True,
        )
    if not indicateurs:
        return {}
    valeurs, annees = {}, defaultdict(set)
    for v in ValeurIndicateur.objects.filter(filtre).values(
        "contrat_id", "indicateur_id", "indicateur_harmonise_id", "annee", "semestre", "valeur"
    ):
        cle = ("f", v["indicateur_id"]) if v["indicateur_id"] else ("h", v["contrat_id"], v["indicateur_harmonise_id"])
        valeurs[(cle, v["annee"], v["semestre"])] = v["valeur"]
        annees[cle].add(v["annee"])
    resultat = {}
    for i in indicateurs:
        cle = ("h", i.fiche.contrat_id, i.indicateur_harmonise_id) if i.indicateur_harmonise_id else ("f", i.pk)
        par_annee = {a: valeur_de_l_annee(valeurs, (cle, a)) for a in sorted(annees[cle])}
        par_annee = {a: v for a, v in par_annee.items() if v is not None}
        if par_annee:
            resultat[i.pk] = par_annee
    return resultat
