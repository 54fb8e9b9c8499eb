"""Points d'extension de la page du contrat : les applications au-dessus (fiches, suivi, rapports) y
ajoutent leurs liens sans que `contractualisation` ne les importe (règle de dépendance, ARCHITECTURE.md)."""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class LienContrat:
    libelle: str
    nom_url: str  # reçoit le slug du contrat
    icone: str
    ordre: int


LIENS_CONTRAT = []


def ajouter_lien_contrat(libelle, nom_url, icone="fr-icon-arrow-right-line", ordre=50):
    """À appeler depuis `AppConfig.ready()` : un lien affiché dans la barre « Pilotage » du contrat."""
    lien = LienContrat(libelle, nom_url, icone, ordre)
    if lien not in LIENS_CONTRAT:
        LIENS_CONTRAT.append(lien)
        LIENS_CONTRAT.sort(key=lambda lien: lien.ordre)


def liens_contrat(contrat):
    return [
        {"libelle": lien.libelle, "url": reverse(lien.nom_url, args=[contrat.slug]), "icone": lien.icone}
        for lien in LIENS_CONTRAT
    ]


# --- Financements calculés ailleurs (fiches actions) ---------------------------------------------

FOURNISSEURS_FINANCEMENTS = []


def enregistrer_fournisseur_financements(fournisseur):
    """`fournisseur(contrat)` rend {objectif_id: {(annee, source_id): montant}} pour les objectifs dont les
    montants viennent d'ailleurs (les fiches actions), en une requête. Ces objectifs ne se saisissent plus au
    niveau du contrat : jamais deux saisies pour le même argent. À appeler depuis `AppConfig.ready()`."""
    if fournisseur not in FOURNISSEURS_FINANCEMENTS:
        FOURNISSEURS_FINANCEMENTS.append(fournisseur)


def financements_externes(contrat):
    resultat = {}
    for fournisseur in FOURNISSEURS_FINANCEMENTS:
        resultat.update(fournisseur(contrat))
    return resultat
