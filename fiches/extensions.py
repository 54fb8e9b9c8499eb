"""Ce que `suivi` fournit aux vues des fiches sans que `fiches` ne l'importe (règle de dépendance) : les
réunions d'état d'avancement de chaque fiche, pour la vue « fiche et ses annexes » et la vue calendrier."""

from dataclasses import dataclass, field
from datetime import date


@dataclass
class DecisionFiche:
    libelle: str
    responsable: str
    echeance: date | None
    statut: str  # libellé : « À faire », « Fait », « Abandonnée »


@dataclass
class ReunionFiche:
    """« Réunion d'état d'avancement n° k — date » pour une fiche (k compte les réunions de cette fiche)."""

    numero: int
    date: date
    elements_positifs: str
    axes_amelioration: str
    decisions: list[DecisionFiche] = field(default_factory=list)
    url: str = ""
    reunion_id: int | None = None  # une réunion qui couvre plusieurs fiches apparaît dans chacune : la compter une fois


FOURNISSEURS_REUNIONS = []


def enregistrer_fournisseur_reunions(fournisseur):
    """`fournisseur(fiches)` rend {fiche.pk: [ReunionFiche, …] dans l'ordre des dates}, en un nombre constant
    de requêtes quel que soit le nombre de fiches. À appeler depuis `AppConfig.ready()`."""
    if fournisseur not in FOURNISSEURS_REUNIONS:
        FOURNISSEURS_REUNIONS.append(fournisseur)


def reunions_des_fiches(fiches):
    resultat = {fiche.pk: [] for fiche in fiches}
    for fournisseur in FOURNISSEURS_REUNIONS:
        for pk, reunions in fournisseur(fiches).items():
            resultat.setdefault(pk, []).extend(reunions)
    return resultat


# --- Liens ajoutés à l'en-tête d'une fiche par d'autres applications (relevés et indicateurs du suivi…) -----------

LIENS_FICHE = []


def ajouter_lien_fiche(libelle, url_de, ordre=50):
    """`url_de(fiche)` rend l'adresse du lien, tirée de la seule fiche : l'en-tête de sa page est en cache avec la
    version de la fiche (fiches/fragments.py). À appeler depuis `AppConfig.ready()`."""
    if all(libelle != lien[1] for lien in LIENS_FICHE):
        LIENS_FICHE.append((ordre, libelle, url_de))
        LIENS_FICHE.sort(key=lambda lien: lien[0])


def liens_fiche(fiche):
    return [{"libelle": libelle, "url": url_de(fiche)} for _, libelle, url_de in LIENS_FICHE]
