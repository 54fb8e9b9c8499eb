"""Les données de démonstration : trois contrats réalistes et un compte pour chaque type d'utilisateur.

Utilisées par `make demo` et par les tests (parcours navigateur)."""

from datetime import date
from decimal import Decimal
from importlib import import_module

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction

from contractualisation import services as contrats
from contractualisation.enums import QualiteSignataire, StatutContrat
from contractualisation.models import Contrat, Cycle, SourceFinancement
from core.enums import Role
from core.models import Adhesion, Collectivite, Departement, Institution, Region, TypeInstitution, Utilisateur
from core.referentiels import GROUPE_COMITE_SELECTION

MOT_DE_PASSE_DEMO = "Demo-Enfance-2025!"

# Chaque application ajoute sa part (module `<application>.donnees_demo`, fonction `peupler()`), dans cet ordre.
APPLICATIONS = ["fiches", "suivi", "espace_partage", "pratiques", "rapports"]

# (nom de l'institution, type, territoire : ("collectivite", slug) / ("region", code) / ("departement", code))
INSTITUTIONS = [
    ("Département des Bouches-du-Rhône", "cd", ("collectivite", "cd-13")),
    ("Département de Lot-et-Garonne", "cd", ("collectivite", "cd-47")),
    ("Collectivité européenne d'Alsace", "cd", ("collectivite", "collectivite-europeenne-alsace")),
    ("ARS Provence-Alpes-Côte d'Azur", "ars", ("region", "93")),
    ("ARS Nouvelle-Aquitaine", "ars", ("region", "75")),
    ("ARS Grand Est", "ars", ("region", "44")),
    ("DREETS Provence-Alpes-Côte d'Azur", "dreets", ("region", "93")),
    ("DDETS des Bouches-du-Rhône", "ddets", ("departement", "13")),
    ("DDETSPP de Lot-et-Garonne", "ddets", ("departement", "47")),
    ("DDETS du Bas-Rhin", "ddets", ("departement", "67")),
    ("Préfecture des Bouches-du-Rhône", "prefecture", ("departement", "13")),
    ("Préfecture de Lot-et-Garonne", "prefecture", ("departement", "47")),
    ("Préfecture du Bas-Rhin", "prefecture", ("departement", "67")),
    ("DTPJJ des Bouches-du-Rhône", "pjj", ("departement", "13")),
    ("DSDEN de Lot-et-Garonne", "dsden", ("departement", "47")),
    ("ODPE des Bouches-du-Rhône", "odpe", ("departement", "13")),
    ("Association Sauvegarde 13", "association", None),
]

# (e-mail, prénom, nom, fonction, institution, rôle)
UTILISATEURS = [
    (
        "referent.cd13@demo.gouv.fr",
        "Laurence",
        "Champsaur",
        "Cheffe de service ASE",
        "Département des Bouches-du-Rhône",
        Role.REFERENT,
    ),
    (
        "contributeur.cd13@demo.gouv.fr",
        "Matthieu",
        "Rochelle",
        "Chargé de mission PMI",
        "Département des Bouches-du-Rhône",
        Role.CONTRIBUTEUR,
    ),
    (
        "lecteur.cd13@demo.gouv.fr",
        "Marc",
        "Veraldo",
        "Directeur enfance-famille",
        "Département des Bouches-du-Rhône",
        Role.LECTEUR,
    ),
    (
        "referent.cd47@demo.gouv.fr",
        "Claire",
        "Dupuy",
        "Responsable de l'observatoire",
        "Département de Lot-et-Garonne",
        Role.REFERENT,
    ),
    (
        "referent.cea@demo.gouv.fr",
        "Éva",
        "Ea",
        "Cheffe de projet contractualisation",
        "Collectivité européenne d'Alsace",
        Role.REFERENT,
    ),
    (
        "referent.ars-paca@demo.gouv.fr",
        "Christine",
        "Cassan",
        "Référente périnatalité",
        "ARS Provence-Alpes-Côte d'Azur",
        Role.REFERENT,
    ),
    (
        "referent.ars-na@demo.gouv.fr",
        "Corinne",
        "Beylot",
        "Chargée de mission",
        "ARS Nouvelle-Aquitaine",
        Role.REFERENT,
    ),
    (
        "lecteur.dreets-paca@demo.gouv.fr",
        "Marielle",
        "Coipilet",
        "Cheffe de pôle",
        "DREETS Provence-Alpes-Côte d'Azur",
        Role.LECTEUR,
    ),
    (
        "contributeur.ddets13@demo.gouv.fr",
        "Nelly",
        "Ferrandez",
        "Inspectrice",
        "DDETS des Bouches-du-Rhône",
        Role.CONTRIBUTEUR,
    ),
    (
        "referent.prefecture13@demo.gouv.fr",
        "Hervé",
        "Meur",
        "Secrétaire général adjoint",
        "Préfecture des Bouches-du-Rhône",
        Role.REFERENT,
    ),
    (
        "contributeur.pjj13@demo.gouv.fr",
        "Samira",
        "Kherif",
        "Directrice territoriale adjointe",
        "DTPJJ des Bouches-du-Rhône",
        Role.CONTRIBUTEUR,
    ),
    (
        "lecteur.dsden47@demo.gouv.fr",
        "Paul",
        "Martin",
        "Conseiller technique",
        "DSDEN de Lot-et-Garonne",
        Role.LECTEUR,
    ),
    ("lecteur.dgcs@demo.gouv.fr", "Marie", "Caraux", "Chargée de mission", "DGCS", Role.LECTEUR),
    ("admin.dgcs@demo.gouv.fr", "Laure", "Neliaz", "Administratrice nationale", "DGCS", Role.ADMINISTRATEUR),
    ("lecteur.dgs@demo.gouv.fr", "Marlène", "Maubert", "Chargée de mission", "DGS", Role.LECTEUR),
    (
        "comite@demo.gouv.fr",
        "Sophie",
        "Rios",
        "Membre du comité de sélection",
        "France Enfance Protégée (ONPE)",
        Role.CONTRIBUTEUR,
    ),
    (
        "membre.association@demo.gouv.fr",
        "Clément",
        "Gaudin",
        "Chef de service",
        "Association Sauvegarde 13",
        Role.CONTRIBUTEUR,
    ),
]

CONTRATS = [
    {
        "collectivite": "cd-13",
        "statut": StatutContrat.SIGNE,
        "dates": {
            "date_projet_transmis": date(2025, 6, 16),
            "date_signature": date(2025, 9, 22),
            "date_deliberation": date(2025, 9, 12),
        },
        "reference_deliberation": "Délibération n° 2025-117 de la commission permanente",
        "facultatifs": [5, 10, 12],
        "signataires": [
            (
                QualiteSignataire.PREFET,
                "Le préfet de la région PACA, préfet des Bouches-du-Rhône",
                "Préfecture des Bouches-du-Rhône",
            ),
            (
                QualiteSignataire.DG_ARS,
                "Le directeur général de l'ARS PACA",
                "ARS Provence-Alpes-Côte d'Azur",
            ),
            (
                QualiteSignataire.PRESIDENT_CD,
                "La présidente du conseil départemental des Bouches-du-Rhône",
                "Département des Bouches-du-Rhône",
            ),
            (QualiteSignataire.DTPJJ, "La directrice territoriale de la PJJ", "DTPJJ des Bouches-du-Rhône"),
        ],
        # objectif : (BOP 304, FIR, ONDAM, Département, autres) par an
        "financements": {
            1: (180000, 0, 0, 190000, 20000),
            2: (0, 95000, 0, 100000, 0),
            3: (0, 120000, 0, 125000, 15000),
            4: (140000, 0, 0, 150000, 0),
            7: (260000, 0, 0, 300000, 40000),
            8: (60000, 0, 0, 45000, 0),
            9: (90000, 0, 0, 95000, 0),
            10: (0, 0, 150000, 150000, 0),
            12: (35000, 0, 0, 40000, 5000),
        },
        "avenants": [
            (
                1,
                date(2026, 3, 10),
                (
                    "Ajustement des montants 2026 : +20 000 € BOP 304 sur l'objectif n° 7 (accueil familial), "
                    "et report d'une partie des crédits de l'objectif n° 8."
                ),
            )
        ],
    },
    {
        "collectivite": "cd-47",
        "statut": StatutContrat.SIGNE,
        "dates": {
            "date_projet_transmis": date(2025, 6, 30),
            "date_signature": date(2025, 10, 6),
            "date_deliberation": date(2025, 9, 26),
        },
        "reference_deliberation": "Délibération n° 9012 du conseil départemental",
        "facultatifs": [6, 13],
        "signataires": [
            (QualiteSignataire.PREFET, "Le préfet de Lot-et-Garonne", "Préfecture de Lot-et-Garonne"),
            (
                QualiteSignataire.DG_ARS,
                "Le directeur général de l'ARS Nouvelle-Aquitaine",
                "ARS Nouvelle-Aquitaine",
            ),
            (
                QualiteSignataire.PRESIDENT_CD,
                "Le président du conseil départemental de Lot-et-Garonne",
                "Département de Lot-et-Garonne",
            ),
            (
                QualiteSignataire.DASEN,
                "La directrice académique des services de l'éducation nationale",
                "DSDEN de Lot-et-Garonne",
            ),
        ],
        "financements": {
            1: (70000, 0, 0, 75000, 0),
            2: (0, 40000, 0, 42000, 0),
            3: (0, 52000, 0, 60000, 0),
            4: (48000, 0, 0, 50000, 0),
            7: (110000, 0, 0, 118000, 12000),
            8: (30000, 0, 0, 30000, 0),
            9: (45000, 0, 0, 47000, 0),
            13: (25000, 0, 0, 25000, 0),
        },
        "avenants": [],
    },
    {
        "collectivite": "collectivite-europeenne-alsace",
        "statut": StatutContrat.PROJET_TRANSMIS,
        "dates": {"date_projet_transmis": date(2025, 11, 14)},
        "reference_deliberation": "",
        "facultatifs": [11, 14],
        "signataires": [
            (
                QualiteSignataire.PREFET,
                "La préfète de la région Grand Est, préfète du Bas-Rhin",
                "Préfecture du Bas-Rhin",
            ),
            (QualiteSignataire.DG_ARS, "Le directeur général de l'ARS Grand Est", "ARS Grand Est"),
            (
                QualiteSignataire.PRESIDENT_CD,
                "Le président de la Collectivité européenne d'Alsace",
                "Collectivité européenne d'Alsace",
            ),
        ],
        "financements": {
            1: (150000, 0, 0, 160000, 0),
            2: (0, 85000, 0, 85000, 0),
            7: (210000, 0, 0, 230000, 0),
            11: (40000, 0, 0, 40000, 0),
        },
        "avenants": [],
    },
]


def territoire(spec):
    if spec is None:
        return {}
    genre, code = spec
    if genre == "collectivite":
        return {"collectivite": Collectivite.objects.get(slug=code)}
    if genre == "region":
        return {"region": Region.objects.get(code=code)}
    return {"departement": Departement.objects.get(code=code)}


@transaction.atomic
def creer_donnees_demo():
    types = {t.code: t for t in TypeInstitution.objects.all()}
    for nom, code_type, spec in INSTITUTIONS:
        Institution.objects.get_or_create(nom=nom, defaults={"type": types[code_type], **territoire(spec)})
    institutions = {i.nom: i for i in Institution.objects.all()}

    mot_de_passe = make_password(MOT_DE_PASSE_DEMO)  # haché une fois (coûteux à dessein), partagé par les comptes
    for email, prenom, nom, fonction, institution, role in UTILISATEURS:
        user = Utilisateur.objects.filter(email=email).first()
        if user is None:
            user = Utilisateur.objects.create(
                email=email, password=mot_de_passe, first_name=prenom, last_name=nom, fonction=fonction
            )
        Adhesion.objects.get_or_create(utilisateur=user, institution=institutions[institution], defaults={"role": role})
    Group.objects.get(name=GROUPE_COMITE_SELECTION).user_set.add(Utilisateur.objects.get(email="comite@demo.gouv.fr"))

    cycle = Cycle.objects.get(libelle="2025-2027")
    sources = list(SourceFinancement.objects.order_by("ordre"))
    for donnees in CONTRATS:
        collectivite = Collectivite.objects.get(slug=donnees["collectivite"])
        if Contrat.objects.filter(collectivite=collectivite, cycle=cycle).exists():
            continue
        contrat = contrats.creer_contrat(collectivite, cycle, statut=donnees["statut"], **donnees["dates"])
        contrat.reference_deliberation = donnees["reference_deliberation"]
        contrat.save()
        objectifs = list(cycle.objectifs.filter(obligatoire=True)) + list(
            cycle.objectifs.filter(numero__in=donnees["facultatifs"])
        )
        contrats.choisir_objectifs(contrat, objectifs)
        for ordre, (qualite, nom, institution) in enumerate(donnees["signataires"]):
            contrat.signataires.create(
                qualite=qualite,
                nom=nom,
                institution=institutions[institution],
                ordre=ordre,
                date_signature=donnees["dates"].get("date_signature"),
            )
        numeros = {o.numero: o for o in objectifs}
        montants = {}
        for numero, par_source in donnees["financements"].items():
            for annee in cycle.annees:
                # Montée en charge : 80 % la première année, 100 % ensuite.
                coefficient = Decimal("0.8") if annee == cycle.annee_debut else Decimal("1")
                for source, montant in zip(sources, par_source, strict=True):
                    if montant:
                        montants[(numeros[numero].pk, annee, source.pk)] = (Decimal(montant) * coefficient).quantize(
                            Decimal("1")
                        )
        contrats.enregistrer_financements(contrat, montants)
        auteur = Utilisateur.objects.filter(adhesions__institution__collectivite=collectivite).first()
        for numero, jour, objet in donnees["avenants"]:
            contrats.ajouter_avenant(contrat, auteur, numero, jour, objet)
    for application in APPLICATIONS:
        import_module(f"{application}.donnees_demo").peupler()
    return Contrat.objects.filter(cycle=cycle).count()
