"""Tout ce que le rapport annuel d'exécution affiche, rassemblé depuis ce qui est déjà saisi : rien n'est
retapé. Un nombre constant de requêtes quel que soit le nombre d'objectifs, de fiches ou de réunions."""

from dataclasses import dataclass, field
from decimal import Decimal

from contractualisation.services import tableau_financement
from fiches.models import Fiche
from suivi.tableaux import cible

from . import suivi_donnees
from .models import RapportExecution

ZERO = Decimal("0")


def somme(valeurs):
    """Somme des montants saisis ; None si aucun n'est saisi (« — » plutôt que « 0 € »)."""
    saisis = [v for v in valeurs if v is not None]
    return sum(saisis, ZERO) if saisis else None


@dataclass
class LigneSource:
    source: object
    programme: Decimal | None
    engage: Decimal | None
    depense: Decimal | None


@dataclass
class BilanObjectif:
    objectif: object
    lignes: list  # une LigneSource par source, dans l'ordre des sources

    @property
    def programme(self):
        return somme(ligne.programme for ligne in self.lignes)

    @property
    def engage(self):
        return somme(ligne.engage for ligne in self.lignes)

    @property
    def depense(self):
        return somme(ligne.depense for ligne in self.lignes)


@dataclass
class Bilan:
    sources: list
    objectifs: list = field(default_factory=list)

    @property
    def totaux(self):
        return [
            LigneSource(
                source,
                somme(b.lignes[i].programme for b in self.objectifs),
                somme(b.lignes[i].engage for b in self.objectifs),
                somme(b.lignes[i].depense for b in self.objectifs),
            )
            for i, source in enumerate(self.sources)
        ]

    @property
    def programme(self):
        return somme(b.programme for b in self.objectifs)

    @property
    def engage(self):
        return somme(b.engage for b in self.objectifs)

    @property
    def depense(self):
        return somme(b.depense for b in self.objectifs)


@dataclass
class LigneIndicateur:
    libelle: str
    unite: str
    reference: Decimal | None
    annee_reference: int | None
    cible: Decimal | None
    realise: Decimal | None
    harmonise: bool = False

    @property
    def ecart(self):
        if self.cible is None or self.realise is None:
            return None
        return self.realise - self.cible

    @property
    def taux_atteinte(self):
        """Réalisé / cible, en pourcentage entier ; None si la cible est absente ou nulle."""
        if not self.cible or self.realise is None:
            return None
        return round(self.realise / self.cible * 100)


@dataclass
class FicheRapport:
    fiche: object
    indicateurs: list
    indicateurs_qualitatifs: list
    reunions: list  # ReunionFiche de fiches/extensions.py, tenues pendant la période
    releves: list

    @property
    def decisions(self):
        return [d for r in self.reunions for d in r.decisions]


@dataclass
class ObjectifRapport:
    objectif: object
    bilan: BilanObjectif
    fiches: list

    @property
    def indicateurs(self):
        return [(f.fiche, i) for f in self.fiches for i in f.indicateurs]

    @property
    def graphique(self):
        return graphique([i for _, i in self.indicateurs])


@dataclass
class DonneesRapport:
    contrat: object
    rapport: object
    annee: int
    debut: object
    fin: object
    bilan: Bilan
    objectifs: list
    avenants: list
    etapes: list

    @property
    def engagements(self):
        """[(engagement, [ObjectifRapport, …]), …] dans l'ordre des objectifs."""
        groupes = []
        for o in self.objectifs:
            if not groupes or groupes[-1][0] != o.objectif.engagement:
                groupes.append((o.objectif.engagement, []))
            groupes[-1][1].append(o)
        return groupes

    @property
    def nombre_fiches(self):
        return sum(len(o.fiches) for o in self.objectifs)

    @property
    def nombre_reunions(self):
        return nombre_de_reunions(f.reunions for o in self.objectifs for f in o.fiches)

    @property
    def nombre_decisions(self):
        return sum(len(f.decisions) for o in self.objectifs for f in o.fiches)


def nombre_de_reunions(reunions_par_fiche):
    """Les réunions tenues, chacune comptée une fois même si elle a couvert plusieurs fiches (elle figure dans
    la liste de chacune). `reunions_par_fiche` : des listes de ReunionFiche (fiches/extensions.py)."""
    return len({r.reunion_id if r.reunion_id is not None else id(r) for liste in reunions_par_fiche for r in liste})


def graphique(lignes, largeur=420, marge=200, pas=34):
    """Barres horizontales cible / atteint par indicateur, chacune à l'échelle du plus grand des deux.
    Rend les coordonnées toutes calculées : le gabarit n'a qu'à les poser dans le SVG."""
    barres = []
    for ligne in lignes:
        if ligne.cible is None and ligne.realise is None:
            continue
        echelle = max(ligne.cible or 0, ligne.realise or 0) or 1
        y = 22 + len(barres) * pas
        l_cible = round(float((ligne.cible or 0) / echelle) * largeur, 1)
        l_realise = round(float((ligne.realise or 0) / echelle) * largeur, 1)
        barres.append(
            {
                "libelle": ligne.libelle,
                "cible": ligne.cible,
                "realise": ligne.realise,
                "y_libelle": y + 10,
                "y_cible": y,
                "y_realise": y + 13,
                "x": marge,
                "l_cible": l_cible,
                "l_realise": l_realise,
                "x_texte_cible": marge + l_cible + 4,
                "x_texte_realise": marge + l_realise + 4,
            }
        )
    return {"barres": barres, "hauteur": 26 + len(barres) * pas}


def rapport_de(contrat, annee):
    """Le rapport enregistré, ou un rapport vierge (non enregistré) pour exporter ce qui existe déjà."""
    return RapportExecution.objects.filter(contrat=contrat, annee=annee).first() or RapportExecution(
        contrat=contrat, annee=annee
    )


def objectifs_du_contrat(contrat):
    return [
        oc.objectif
        for oc in contrat.objectifs_contrat.select_related("objectif__engagement").prefetch_related("objectif__sources")
    ]


def rassembler(contrat, annee, rapport=None):
    rapport = rapport or rapport_de(contrat, annee)
    debut, fin = rapport.periode
    objectifs = objectifs_du_contrat(contrat)
    tableau = tableau_financement(contrat, objectifs=objectifs)
    rang_annee = contrat.cycle.annees.index(annee) if annee in contrat.cycle.annees else None
    executes = {}
    if rapport.pk:
        executes = {(m.objectif_id, m.source_id): m for m in rapport.montants.all()}

    bilan = Bilan(sources=tableau.sources)
    for bloc in tableau.blocs:
        lignes = []
        for i, source in enumerate(tableau.sources):
            programme = bloc.annees[rang_annee].montants[i] if rang_annee is not None else None
            m = executes.get((bloc.objectif.pk, source.pk))
            lignes.append(LigneSource(source, programme, m.engage if m else None, m.depense if m else None))
        bilan.objectifs.append(BilanObjectif(bloc.objectif, lignes))

    fiches = list(
        Fiche.objects.filter(contrat=contrat)
        .select_related("objectif_contrat__objectif", "referent", "referent_institution")
        .prefetch_related("indicateurs_quantitatifs", "indicateurs_qualitatifs")
    )
    indicateurs = [i for f in fiches for i in f.indicateurs_quantitatifs.all()]
    realises = suivi_donnees.valeurs_realisees(indicateurs)
    reunions = suivi_donnees.reunions_par_fiche(fiches)
    releves = suivi_donnees.releves_valides(fiches)

    par_objectif = {}
    for fiche in fiches:
        lignes = [
            LigneIndicateur(
                libelle=i.libelle,
                unite=i.unite,
                reference=i.valeur_reference,
                annee_reference=i.annee_reference,
                cible=cible(i, annee),
                realise=realises.get(i.pk, {}).get(annee),
                harmonise=i.indicateur_harmonise_id is not None,
            )
            for i in fiche.indicateurs_quantitatifs.all()
        ]
        tenues = [r for r in reunions.get(fiche.pk, []) if debut <= r.date <= fin]
        par_objectif.setdefault(fiche.objectif_contrat.objectif_id, []).append(
            FicheRapport(
                fiche,
                lignes,
                list(fiche.indicateurs_qualitatifs.all()),
                tenues,
                [r for r in releves.get(fiche.pk, []) if debut <= r.date_observation <= fin],
            )
        )

    return DonneesRapport(
        contrat=contrat,
        rapport=rapport,
        annee=annee,
        debut=debut,
        fin=fin,
        bilan=bilan,
        objectifs=[
            ObjectifRapport(b.objectif, b, sorted(par_objectif.get(b.objectif.pk, []), key=lambda f: f.fiche.numero))
            for b in bilan.objectifs
        ],
        avenants=[a for a in contrat.avenants.all() if debut <= a.date <= fin],
        etapes=list(rapport.etapes.select_related("auteur")) if rapport.pk else [],
    )
