"""L'historique lisible d'un contrat : qui a changé quoi, et quand, à partir des tables de
django-simple-history (contrat, objectifs retenus, signataires, financements, avenants)."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from core import nombres

from .models import Avenant, Contrat, Financement, ObjectifContrat, Signataire, SourceFinancement

ACTIONS = {"+": "ajout", "~": "modification", "-": "suppression"}
CHAMPS_IGNORES = {"id", "modifie_le", "contrat", "slug", "cree_par", "collectivite", "cycle"}


@dataclass
class Evenement:
    date: datetime
    auteur: object
    objet: str
    action: str
    changements: list = field(default_factory=list)


MONTANTS = {"montant", "engage", "depense"}


def afficher(valeur, champ="montant"):
    """La valeur d'un champ dans l'historique, écrite comme sur les pages (core/nombres.py) : un montant en
    euros, un autre nombre (valeur de référence d'un indicateur) sans unité."""
    if valeur is None or valeur == "":
        return "—"
    if isinstance(valeur, Decimal):
        return nombres.euros(valeur) if champ in MONTANTS else nombres.nombre(valeur)
    if isinstance(valeur, date):
        return valeur.strftime("%d/%m/%Y")
    return str(valeur)


def changements(modele, precedent, courant):
    if precedent is None:
        return []
    lignes = []
    for f in modele._meta.concrete_fields:
        if f.name in CHAMPS_IGNORES:
            continue
        avant, apres = getattr(precedent, f.attname), getattr(courant, f.attname)
        if avant != apres:
            if f.choices:
                choix = dict(f.flatchoices)
                avant, apres = choix.get(avant, avant), choix.get(apres, apres)
            lignes.append((str(f.verbose_name).capitalize(), afficher(avant, f.name), afficher(apres, f.name)))
    return lignes


def historique_contrat(contrat):
    numeros = dict(contrat.cycle.objectifs.values_list("pk", "numero"))
    sources = dict(SourceFinancement.objects.values_list("pk", "libelle"))

    def libelle(modele, record):
        if modele is Contrat:
            return "Contrat"
        if modele is ObjectifContrat:
            return f"Objectif n° {numeros.get(record.objectif_id, '?')} retenu"
        if modele is Signataire:
            return f"Signataire : {record.nom}"
        if modele is Financement:
            return (
                f"Financement objectif n° {numeros.get(record.objectif_id, '?')}, "
                f"{record.annee}, {sources.get(record.source_id, '?')}"
            )
        return f"Avenant n° {record.numero}"

    def details(modele, precedent, record):
        if modele is Financement and record.history_type == "+":
            return [("Montant", "—", afficher(record.montant))]
        if modele is Financement and record.history_type == "-":
            return [("Montant", afficher(record.montant), "—")]
        return changements(modele, precedent, record)

    return evenements(
        [
            (Contrat, {"id": contrat.pk}),
            (ObjectifContrat, {"contrat_id": contrat.pk}),
            (Signataire, {"contrat_id": contrat.pk}),
            (Financement, {"contrat_id": contrat.pk}),
            (Avenant, {"contrat_id": contrat.pk}),
        ],
        libelle,
        details,
    )


def evenements(sources, libelle, details):
    """Les événements des tables historiques `sources` ([(modèle, filtre)]), du plus récent au plus ancien.
    `libelle(modele, version)` nomme l'objet ; `details(modele, precedente, version)` liste ses changements
    (une modification sans changement affiché est omise). Sert aussi à l'historique des fiches."""
    resultat = []
    for modele, filtre in sources:
        precedentes = {}
        versions = modele.history.filter(**filtre).select_related("history_user").order_by("history_date", "history_id")
        for version in versions:
            precedente = precedentes.get(version.id)
            precedentes[version.id] = version
            lignes = details(modele, precedente, version)
            if version.history_type == "~" and not lignes:
                continue
            resultat.append(
                Evenement(
                    date=version.history_date,
                    auteur=version.history_user,
                    objet=libelle(modele, version),
                    action=ACTIONS[version.history_type],
                    changements=lignes,
                )
            )
    resultat.sort(key=lambda e: e.date, reverse=True)
    return resultat
