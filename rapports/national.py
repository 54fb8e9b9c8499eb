"""La vue nationale : l'état des rapports de tous les contrats pour une année, et le classeur national qui
consolide tous les contrats (openpyxl en écriture seule, par paquets de contrats : temps linéaire, mémoire
bornée). Le classeur est gardé tant que les données ne changent pas (clé = dates des dernières modifications)."""

import functools
import hashlib
import os
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps
from django.core.cache import cache
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection
from django.db.models import Count, Max, Value
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from contractualisation.models import Contrat, Financement, ObjectifContrat, SourceFinancement
from contractualisation.services import tableau_financement
from core import nombres
from core.taches import publier
from fiches.models import Fiche
from suivi.tableaux import cible

from . import suivi_donnees
from .donnees import nombre_de_reunions
from .enums import EtapeRapport, EtatNational
from .models import MontantExecute, RapportExecution, periode

ZERO = Decimal("0")
TAILLE_PAQUET = 25
APPLICATIONS_SUIVIES = ["contractualisation", "fiches", "suivi", "rapports"]


@dataclass
class LigneNationale:
    contrat: Contrat
    rapport: RapportExecution | None
    etat: str
    debut: object
    fin: object

    @property
    def libelle_etat(self):
        return EtatNational(self.etat).label

    @property
    def en_retard(self):
        return self.etat == EtatNational.EN_RETARD


def etat_du_rapport(contrat, rapport, annee, aujourdhui):
    _, fin = periode(contrat, annee)
    transmis = rapport is not None and rapport.etape == EtapeRapport.TRANSMIS
    if contrat.date_signature and not transmis and fin < aujourdhui:
        return EtatNational.EN_RETARD
    if rapport is None:
        return EtatNational.NON_COMMENCE
    return EtatNational(rapport.etape)


def contrats_de_l_annee(annee):
    """Les contrats qui doivent un rapport pour cette année : signés au plus tard cette année-là, cycle en cours."""
    return (
        Contrat.objects.select_related("collectivite__region", "cycle")
        .filter(cycle__annee_fin__gte=annee, cycle__annee_debut__lte=annee)
        .exclude(date_signature__year__gt=annee)
        .order_by("collectivite__nom")
    )


def etats_des_contrats(annee, contrats=None):
    contrats = list(contrats if contrats is not None else contrats_de_l_annee(annee))
    rapports = {r.contrat_id: r for r in RapportExecution.objects.filter(annee=annee, contrat__in=contrats)}
    aujourdhui = timezone.localdate()
    lignes = []
    for c in contrats:
        r = rapports.get(c.pk)
        debut, fin = periode(c, annee)
        lignes.append(LigneNationale(c, r, etat_du_rapport(c, r, annee, aujourdhui), debut, fin))
    return lignes


def compter(lignes):
    comptes = defaultdict(int)
    for ligne in lignes:
        comptes[ligne.etat] += 1
    return [(EtatNational(e).label, comptes[e]) for e in EtatNational.values if comptes[e]]


# --- Cache du classeur et de la page ------------------------------------------------------------


def tables_suivies():
    """Les modèles dont dépendent le classeur et la page, avec la date qui change à chaque écriture : la date
    d'historique (création, modification, suppression) des modèles historisés, sinon `modifie_le`."""
    for application in APPLICATIONS_SUIVIES:
        try:
            config = apps.get_app_config(application)
        except LookupError:
            continue
        for modele in sorted(config.get_models(), key=lambda m: m.__name__):
            champs = {f.name for f in modele._meta.get_fields()}
            champ = next((c for c in ("history_date", "modifie_le", "enregistre_le") if c in champs), None)
            if champ:
                yield modele, champ


@functools.cache
def requete_etat_des_tables():
    """Un seul SELECT (UNION ALL d'un agrégat par table), composé une fois par processus : le composer avec
    l'ORM à chaque page coûtait plus que de l'exécuter. Une table d'historique ne fait que grandir : son dernier
    identifiant suffit à voir une ligne de plus (lu dans l'index, quand un comptage lirait tout l'historique)."""
    parties = [
        modele.objects.order_by()
        .annotate(table=Value(modele._meta.label))
        .values("table")
        .annotate(n=Max("pk") if champ == "history_date" else Count("*"), d=Max(champ))
        for modele, champ in tables_suivies()
    ]
    return parties[0].union(*parties[1:], all=True).query.sql_with_params()


def etat_des_tables():
    """{« application.Modèle » : (nombre de lignes, dernière date)} pour chaque table suivie, en une requête."""
    sql, parametres = requete_etat_des_tables()
    with connection.cursor() as curseur:
        curseur.execute(sql, parametres)
        return {table: (n, d) for table, n, d in curseur.fetchall()}


def _empreinte(annee, etat, tables):
    parties = [str(annee), timezone.localdate().isoformat()]
    parties += [f"{table}:{etat[table][0]}:{etat[table][1] or ''}" for table in tables]
    return hashlib.sha256("|".join(parties).encode()).hexdigest()[:20]


def cle_donnees(annee, etat=None):
    """Change dès qu'une donnée du classeur change (une ligne ajoutée, modifiée ou supprimée d'une table suivie)."""
    etat = etat or etat_des_tables()
    return _empreinte(annee, etat, sorted(etat))


# Les tables que montre le tableau de la page nationale : contrats (collectivité, signature), cycles (années),
# rapports et leurs étapes. Le jour compte aussi : un rapport passe « en retard » à minuit.
TABLES_DU_TABLEAU = [
    "contractualisation.Contrat",
    "contractualisation.HistoricalContrat",
    "contractualisation.HistoricalCycle",
    "rapports.RapportExecution",
    "rapports.HistoricalRapportExecution",
    "rapports.EtapeFranchie",
]


def cle_tableau(annee, etat):
    """La clé du fragment en cache de la page nationale (tableau des contrats et compteurs)."""
    return _empreinte(annee, etat, TABLES_DU_TABLEAU)


def nom_fichier(annee, cle):
    return f"exports/national-{annee}-{cle}.xlsx"


def cle_progression(annee, cle):
    return f"rapports:export-national:{annee}:{cle}"


def fichier_pret(annee):
    """Le nom du classeur à jour dans le stockage (à lire par `default_storage.open`, local ou S3), ou None."""
    nom = nom_fichier(annee, cle_donnees(annee))
    return nom if default_storage.exists(nom) else None


def etat_export(annee, etat=None):
    cle = cle_donnees(annee, etat)
    nom = nom_fichier(annee, cle)
    if default_storage.exists(nom):
        return {"pret": True, "genere_le": default_storage.get_modified_time(nom)}
    progression = cache.get(cle_progression(annee, cle))
    if progression:
        total = progression["total"] or 1
        return {"en_cours": True, **progression, "pourcent": round(progression["fait"] * 100 / total)}
    return {"absent": True}


def lancer_export(annee):
    """Lance la tâche de fond si le classeur à jour n'existe pas et qu'aucune génération n'est en cours."""
    from .tasks import generer_export_national

    cle = cle_donnees(annee)
    if default_storage.exists(nom_fichier(annee, cle)):
        return None
    total = contrats_de_l_annee(annee).count()
    if not cache.add(cle_progression(annee, cle), {"fait": 0, "total": total}, timeout=3600) and cache.get(
        cle_progression(annee, cle)
    ):
        return None  # déjà en cours (cache injoignable : relancée, la tâche ne refait pas un classeur existant)
    publier(generer_export_national, (annee, cle))  # rien à valider avant : la tâche part tout de suite
    return True


def generer(annee, cle=None, contrats=None):
    """Écrit le classeur dans le stockage (s'il n'y est pas déjà) et rend son nom."""
    cle = cle or cle_donnees(annee)
    nom = nom_fichier(annee, cle)
    if default_storage.exists(nom):
        return nom
    contrats = contrats if contrats is not None else contrats_de_l_annee(annee)

    def progression(fait, total):
        cache.set(cle_progression(annee, cle), {"fait": fait, "total": total}, timeout=3600)

    descripteur, temporaire = tempfile.mkstemp(suffix=".xlsx")
    os.close(descripteur)
    try:
        ecrire_classeur(temporaire, annee, contrats, progression)
        with open(temporaire, "rb") as flux:
            nom = default_storage.save(nom, File(flux))
    finally:
        os.unlink(temporaire)
        cache.delete(cle_progression(annee, cle))
    return nom


# --- Le classeur ----------------------------------------------------------------------------------

ENTETES = {
    "Contrats": [
        "Région",
        "Collectivité",
        "Cycle",
        "Statut du contrat",
        "Signé le",
        "Période du",
        "au",
        "État du rapport",
        "Étape franchie",
        "Avis de l'ODPE",
        "Fiches actions",
        "Réunions d'état d'avancement",
        "Décisions",
        "Programmé {annee}",
        "Engagé",
        "Dépensé",
    ],
    "Financements": [
        "Région",
        "Collectivité",
        "N° objectif",
        "Objectif",
        "Source",
        "Catégorie",
        "Programmé sur le cycle",
        "Programmé {annee}",
        "Engagé {annee}",
        "Dépensé {annee}",
    ],
    "Indicateurs": [
        "Région",
        "Collectivité",
        "N° objectif",
        "Fiche action",
        "Indicateur",
        "Indicateur harmonisé",
        "Unité",
        "Valeur de référence",
        "Année de référence",
        "Cible {annee}",
        "Atteint {annee}",
        "Écart",
    ],
}


def _entete(feuille, colonnes, annee):
    gras = Font(bold=True)
    cellules = []
    for titre in colonnes:
        c = WriteOnlyCell(feuille, value=titre.format(annee=annee))
        c.font = gras
        cellules.append(c)
    feuille.append(cellules)


def _cellule(feuille, valeur, format_):
    """Une cellule du mode écriture seule, au format de core/nombres.py ; une valeur absente reste vide (le
    classeur national se relit en tableau croisé)."""
    c = WriteOnlyCell(feuille, value=valeur)
    if valeur is not None:
        c.number_format = format_
    return c


def _euros(feuille, valeur):
    return _cellule(feuille, valeur, nombres.FORMAT_EUROS)


def _nombre(feuille, valeur):
    return _cellule(feuille, valeur, nombres.format_nombre(valeur))


def _date(feuille, valeur):
    return _cellule(feuille, valeur, nombres.FORMAT_DATE)


def _somme(valeurs):
    saisis = [v for v in valeurs if v is not None]
    return sum(saisis, ZERO) if saisis else None


def ecrire_classeur(chemin, annee, contrats, progression=None):
    classeur = Workbook(write_only=True)
    feuilles = {titre: classeur.create_sheet(titre) for titre in ENTETES}
    for titre, colonnes in ENTETES.items():
        _entete(feuilles[titre], colonnes, annee)
    consolidation = classeur.create_sheet("Consolidation")
    sources = list(SourceFinancement.objects.all())
    consolide = defaultdict(lambda: [ZERO, ZERO, ZERO, ZERO])  # (n° objectif, titre, source) → cycle, an, eng., dép.

    identifiants = list(contrats.values_list("pk", flat=True)) if hasattr(contrats, "values_list") else contrats
    total = len(identifiants)
    for debut in range(0, total, TAILLE_PAQUET):
        paquet = list(
            Contrat.objects.filter(pk__in=identifiants[debut : debut + TAILLE_PAQUET])
            .select_related("collectivite__region", "cycle")
            .order_by("collectivite__nom")
        )
        _ecrire_paquet(feuilles, paquet, annee, sources, consolide)
        if progression:
            progression(min(debut + TAILLE_PAQUET, total), total)

    _entete(
        consolidation,
        [
            "N° objectif",
            "Objectif",
            "Source",
            "Programmé sur le cycle",
            "Programmé {annee}",
            "Engagé {annee}",
            "Dépensé {annee}",
        ],
        annee,
    )
    for (numero, titre, source), montants in sorted(consolide.items(), key=lambda e: (e[0][0], e[0][1], e[0][2])):
        consolidation.append([numero, titre, source, *(_euros(consolidation, m) for m in montants)])
    classeur.save(chemin)


def _ecrire_paquet(feuilles, contrats, annee, sources, consolide):
    """Un paquet de contrats, en un nombre constant de requêtes."""
    ids = [c.pk for c in contrats]
    libelle_source = {s.pk: s for s in sources}
    objectifs = defaultdict(list)
    for oc in ObjectifContrat.objects.filter(contrat_id__in=ids).select_related("objectif"):
        objectifs[oc.contrat_id].append(oc.objectif)
    financements = defaultdict(list)
    for f in Financement.objects.filter(contrat_id__in=ids):
        financements[f.contrat_id].append(f)
    # Le tableau de financement de chaque contrat (montants des fiches actions quand elles les portent).
    programme_cycle, programme_annee = {}, {}
    for c in contrats:
        tableau = tableau_financement(c, objectifs=objectifs[c.pk], financements=financements[c.pk])
        for bloc in tableau.blocs:
            for i, source in enumerate(tableau.sources):
                cle = (c.pk, bloc.objectif.pk, source.pk)
                programme_cycle[cle] = bloc.totaux_sources[i]
                for ligne in bloc.annees:
                    if ligne.annee == annee and ligne.montants[i] is not None:
                        programme_annee[cle] = ligne.montants[i]
    rapports = {r.contrat_id: r for r in RapportExecution.objects.filter(contrat_id__in=ids, annee=annee)}
    executes = {
        (m.rapport.contrat_id, m.objectif_id, m.source_id): m
        for m in MontantExecute.objects.filter(rapport__in=rapports.values()).select_related("rapport")
    }
    fiches = list(
        Fiche.objects.filter(contrat_id__in=ids)
        .select_related("objectif_contrat__objectif")
        .prefetch_related("indicateurs_quantitatifs__indicateur_harmonise")
    )
    fiches_par_contrat = defaultdict(list)
    for fiche in fiches:
        fiches_par_contrat[fiche.contrat_id].append(fiche)
    reunions = suivi_donnees.reunions_par_fiche(fiches)
    indicateurs = [i for f in fiches for i in f.indicateurs_quantitatifs.all()]
    realises = suivi_donnees.valeurs_realisees(indicateurs)
    aujourdhui = timezone.localdate()

    f_contrats, f_fin, f_ind = feuilles["Contrats"], feuilles["Financements"], feuilles["Indicateurs"]
    for c in contrats:
        region, nom = c.collectivite.region.nom, str(c.collectivite)
        r = rapports.get(c.pk)
        debut, fin = periode(c, annee)
        siennes = fiches_par_contrat[c.pk]
        nb_reunions = nombre_de_reunions(reunions.get(f.pk, []) for f in siennes)
        nb_decisions = sum(len(x.decisions) for f in siennes for x in reunions.get(f.pk, []))
        prog_total, eng_total, dep_total = [], [], []
        for objectif in sorted(objectifs[c.pk], key=lambda o: o.numero):
            for source_id, source in libelle_source.items():
                cle = (c.pk, objectif.pk, source_id)
                m = executes.get(cle)
                eng, dep = (m.engage, m.depense) if m else (None, None)
                cycle_, an = programme_cycle.get(cle), programme_annee.get(cle)
                if not cycle_ and eng is None and dep is None:
                    continue
                prog_total.append(an)
                eng_total.append(eng)
                dep_total.append(dep)
                f_fin.append(
                    [
                        region,
                        nom,
                        objectif.numero,
                        objectif.titre,
                        source.libelle,
                        source.get_categorie_display(),
                        _euros(f_fin, cycle_),
                        _euros(f_fin, an),
                        _euros(f_fin, eng),
                        _euros(f_fin, dep),
                    ]
                )
                total = consolide[(objectif.numero, objectif.titre, source.libelle)]
                for i, v in enumerate((cycle_, an, eng, dep)):
                    total[i] += v or ZERO
        etat = etat_du_rapport(c, r, annee, aujourdhui)
        f_contrats.append(
            [
                region,
                nom,
                c.cycle.libelle,
                c.get_statut_display(),
                _date(f_contrats, c.date_signature),
                _date(f_contrats, debut),
                _date(f_contrats, fin),
                EtatNational(etat).label,
                r.get_etape_display() if r else "",
                r.get_avis_odpe_display() if r else "",
                len(siennes),
                nb_reunions,
                nb_decisions,
                _euros(f_contrats, _somme(prog_total)),
                _euros(f_contrats, _somme(eng_total)),
                _euros(f_contrats, _somme(dep_total)),
            ]
        )
        for fiche in siennes:
            for i in fiche.indicateurs_quantitatifs.all():
                cible_ = cible(i, annee)
                atteint = realises.get(i.pk, {}).get(annee)
                f_ind.append(
                    [
                        region,
                        nom,
                        fiche.objectif_contrat.objectif.numero,
                        f"{fiche.numero_complet} {fiche.titre}",
                        i.libelle,
                        i.indicateur_harmonise.code if i.indicateur_harmonise else "",
                        i.unite,
                        _nombre(f_ind, i.valeur_reference),
                        _cellule(f_ind, i.annee_reference, nombres.FORMAT_ANNEE),
                        _nombre(f_ind, cible_),
                        _nombre(f_ind, atteint),
                        _nombre(f_ind, atteint - cible_ if cible_ is not None and atteint is not None else None),
                    ]
                )
