"""La part de `rapports` dans les données de démonstration (appelée par demo/donnees.py, idempotente) : le
rapport d'exécution 2025 des Bouches-du-Rhône en cours, proposé au préfet et à l'ARS, avec sa synthèse, ses
perspectives et une partie des crédits engagés et dépensés."""

from datetime import date
from decimal import Decimal

from contractualisation.models import Contrat, SourceFinancement
from core.models import Utilisateur

from . import services
from .enums import EtapeRapport
from .models import RapportExecution

SYNTHESE = (
    "La première année du contrat a permis d'engager les neuf objectifs retenus. Les interventions précoces à "
    "domicile ont démarré dans les quatre maisons départementales de la solidarité du territoire marseillais, et "
    "le recrutement de deux sages-femmes de PMI a porté les visites à domicile prénatales au niveau de la cible.\n"
    "Le comité technique (Département, ARS, préfecture, PJJ) s'est réuni trois fois ; les réunions d'état "
    "d'avancement ont concentré le suivi sur les actions à impact."
)
PERSPECTIVES = (
    "Pour la deuxième année : étendre l'accueil familial de proximité (objectif n° 7), stabiliser le protocole "
    "de scolarité des enfants protégés avec la DSDEN (objectif n° 8) et fiabiliser la remontée des données PMI."
)
# objectif : (source, engagé, dépensé)
EXECUTES = {
    1: [("bop304", 150000, 118000), ("departement", 160000, 131500)],
    2: [("fir", 76000, 61000), ("departement", 80000, 64000)],
    7: [("bop304", 208000, 150000), ("departement", 240000, 196000)],
    10: [("ondam", 90000, 42000), ("departement", 120000, 88000)],
}


def peupler():
    contrat = Contrat.objects.filter(collectivite__slug="cd-13").select_related("cycle").first()
    if contrat is None or contrat.date_signature is None:
        return
    annee = contrat.date_signature.year
    if RapportExecution.objects.filter(contrat=contrat, annee=annee).exists():
        return
    referent = Utilisateur.objects.filter(email="referent.cd13@demo.gouv.fr").first()
    rapport = services.ouvrir_rapport(contrat, annee, referent)
    services.rediger(rapport, SYNTHESE, PERSPECTIVES)
    sources = {s.code: s for s in SourceFinancement.objects.all()}
    objectifs = {oc.objectif.numero: oc.objectif for oc in contrat.objectifs_contrat.select_related("objectif")}
    services.enregistrer_montants(
        rapport,
        {
            (objectifs[numero].pk, sources[code].pk): (Decimal(engage), Decimal(depense))
            for numero, lignes in EXECUTES.items()
            if numero in objectifs
            for code, engage, depense in lignes
        },
    )
    services.franchir_etape(
        rapport,
        EtapeRapport.PROPOSE,
        referent,
        date(annee + 1, 9, 1),
        commentaire="Projet adressé au préfet et à la directrice générale de l'ARS PACA.",
    )
