"""La part de `espace_partage` dans les données de démonstration (appelée par demo/donnees.py, idempotente).

Des ressources réalistes dans l'espace national, l'espace PACA et l'espace des Bouches-du-Rhône, avec de vrais
petits fichiers fabriqués à la volée (un PDF par WeasyPrint, des CSV et des textes)."""

from django.core.files.base import ContentFile
from django.utils import timezone

from contractualisation.models import Objectif
from core.models import Departement, Region, Utilisateur

from . import services
from .enums import Section
from .models import Actualite, Espace, PreferenceResume, Ressource


def pdf(titre, paragraphes):
    from weasyprint import HTML

    def aucun_acces(url, *args, **kwargs):
        raise ValueError(f"Ressource externe refusée : {url}")

    corps = "".join(f"<p>{p}</p>" for p in paragraphes)
    html = (
        "<html lang='fr'><head><meta charset='utf-8'><style>@page { size: A4; margin: 2cm } "
        "body { font-family: sans-serif; font-size: 11pt } h1 { color: #000091; font-size: 18pt }</style></head>"
        f"<body><h1>{titre}</h1>{corps}</body></html>"
    )
    return HTML(string=html, url_fetcher=aucun_acces).write_pdf()


def csv(lignes):
    return "\n".join(";".join(str(c) for c in ligne) for ligne in lignes).encode("utf-8")


def texte(lignes):
    return "\n".join(lignes).encode("utf-8")


def ressources():
    """(espace, auteur, rubrique, titre, résumé, objectifs, thèmes, (nom, contenu) ou lien, mise en avant)"""
    return [
        (
            "national",
            "admin.dgcs@demo.gouv.fr",
            Section.METHODES,
            "Guide du rapport annuel d'exécution 2025",
            "Ce que contient le rapport annuel, qui le rédige, le calendrier de transmission et les pièces à joindre.",
            [4, 7],
            ["rapport annuel", "pilotage"],
            (
                "guide-rapport-annuel-2025.pdf",
                lambda: pdf(
                    "Guide du rapport annuel d'exécution 2025",
                    [
                        "Le rapport annuel d'exécution retrace, pour chaque objectif retenu, les actions menées, "
                        "les crédits engagés et les valeurs des indicateurs harmonisés.",
                        "Il est préparé par le Département avec l'ARS et la préfecture, "
                        "puis transmis avant le 30 juin.",
                        "Pièces à joindre : tableau de financement exécuté, fiches actions mises à jour, "
                        "avis du comité de suivi.",
                    ],
                ),
            ),
            True,
        ),
        (
            "national",
            "lecteur.dgcs@demo.gouv.fr",
            Section.OUTILS,
            "Calendrier de la contractualisation 2025-2027",
            "Les échéances nationales du cycle : signature, comités de suivi, rapports annuels et avenants.",
            [],
            ["calendrier"],
            (
                "calendrier-2025-2027.csv",
                lambda: csv(
                    [
                        ("Échéance", "Date", "Qui"),
                        ("Signature des contrats", "31/03/2025", "CD, ARS, préfecture"),
                        ("Comité de suivi", "15/10/2025", "Comité technique"),
                        ("Rapport annuel 2025", "30/06/2026", "CD"),
                        ("Avenant financier 2026", "30/09/2026", "CD, préfecture"),
                    ]
                ),
            ),
            False,
        ),
        (
            "national",
            "admin.dgcs@demo.gouv.fr",
            Section.OUTILS,
            "Observatoire national de la protection de l'enfance",
            "Études, chiffres clés et ressources de l'ONPE pour nourrir les diagnostics territoriaux.",
            [],
            ["observation"],
            "https://www.onpe.gouv.fr/",
            False,
        ),
        (
            "paca",
            "referent.ars-paca@demo.gouv.fr",
            Section.RETOURS,
            "Comité régional des référents PMI : ce que nous avons appris",
            "Trois réunions par an entre PMI des six départements : bilans de santé en maternelle, "
            "entretien prénatal précoce, partage des outils.",
            [2, 3],
            ["PMI", "animation régionale"],
            (
                "retour-comite-regional-pmi.txt",
                lambda: texte(
                    [
                        "Comité régional des référents PMI — Provence-Alpes-Côte d'Azur",
                        "",
                        "Rythme : trois réunions par an, en visioconférence, d'une heure trente.",
                        "Ce qui marche : un tour de table court, un sujet approfondi, un outil partagé.",
                        "À éviter : les présentations longues sans temps d'échange.",
                    ]
                ),
            ),
            True,
        ),
        (
            "paca",
            "lecteur.dreets-paca@demo.gouv.fr",
            Section.OUTILS,
            "Tableau régional des indicateurs harmonisés",
            "Les indicateurs du contrat pour les six départements de la région, au format tableur.",
            [4],
            ["indicateurs"],
            (
                "indicateurs-paca.csv",
                lambda: csv(
                    [
                        ("Département", "IP évaluées en moins de 3 mois (%)", "Entretiens prénataux précoces"),
                        ("Alpes-de-Haute-Provence", 71, 412),
                        ("Hautes-Alpes", 78, 366),
                        ("Alpes-Maritimes", 64, 3120),
                        ("Bouches-du-Rhône", 58, 7804),
                        ("Var", 66, 3255),
                        ("Vaucluse", 69, 1640),
                    ]
                ),
            ),
            False,
        ),
        (
            "13",
            "referent.cd13@demo.gouv.fr",
            Section.METHODES,
            "Protocole départemental de recueil des informations préoccupantes",
            "Le circuit de la CRIP des Bouches-du-Rhône : réception, évaluation pluridisciplinaire en moins "
            "de trois mois, retour aux familles et aux professionnels.",
            [4],
            ["CRIP", "informations préoccupantes"],
            (
                "protocole-crip-13.pdf",
                lambda: pdf(
                    "Protocole de recueil des informations préoccupantes — Bouches-du-Rhône",
                    [
                        "Toute information préoccupante est enregistrée par la CRIP le jour de sa réception.",
                        "L'évaluation est conduite par un binôme de professionnels et conclue en trois mois au plus.",
                        "La famille est informée de l'évaluation et de ses suites, sauf si l'intérêt de l'enfant "
                        "s'y oppose.",
                    ],
                ),
            ),
            True,
        ),
        (
            "13",
            "contributeur.cd13@demo.gouv.fr",
            Section.MODELES,
            "Trame du projet pour l'enfant (PPE)",
            "La trame commune aux services de l'ASE et aux établissements, avec les rubriques obligatoires.",
            [7, 8],
            ["PPE", "ASE"],
            (
                "trame-ppe.txt",
                lambda: texte(
                    [
                        "PROJET POUR L'ENFANT",
                        "1. Situation de l'enfant et de sa famille",
                        "2. Besoins fondamentaux : santé, scolarité, relations, loisirs",
                        "3. Objectifs et actions, avec les personnes responsables",
                        "4. Date de la prochaine révision",
                    ]
                ),
            ),
            False,
        ),
        (
            "13",
            "contributeur.ddets13@demo.gouv.fr",
            Section.RETOURS,
            "Visites à domicile prénatales : bilan de la première année",
            "Nombre de visites, familles touchées et difficultés rencontrées par les sages-femmes de PMI.",
            [2],
            ["PMI", "périnatalité"],
            (
                "bilan-visites-prenatales.csv",
                lambda: csv(
                    [
                        ("Territoire", "Visites prénatales", "Familles", "Délai moyen (jours)"),
                        ("Marseille Nord", 412, 298, 12),
                        ("Marseille Sud", 286, 201, 9),
                        ("Pays d'Aix", 174, 140, 15),
                        ("Arles-Camargue", 96, 81, 18),
                    ]
                ),
            ),
            False,
        ),
    ]


def peupler():
    espaces = {
        "national": Espace.objects.get(niveau="national"),
        "paca": Espace.objects.get(region=Region.objects.get(code="93")),
        "13": Espace.objects.get(departement=Departement.objects.get(code="13")),
    }
    objectifs = {o.numero: o for o in Objectif.objects.filter(cycle__libelle="2025-2027")}
    for cle, email, section, titre, resume, numeros, themes, contenu, en_avant in ressources():
        espace = espaces[cle]
        if Ressource.objects.filter(espace=espace, titre=titre).exists():
            continue
        auteur = Utilisateur.objects.get(email=email)
        fichier = ContentFile(contenu[1](), name=contenu[0]) if isinstance(contenu, tuple) else None
        ressource = services.deposer_ressource(
            espace,
            auteur,
            section=section,
            titre=titre,
            resume=resume,
            lien="" if fichier else contenu,
            objectifs=[objectifs[n] for n in numeros if n in objectifs],
            themes=themes,
            fichier=fichier,
        )
        if en_avant:
            services.mettre_en_avant(ressource)
        if titre.startswith("Trame du projet"):
            services.commenter(
                ressource,
                Utilisateur.objects.get(email="contributeur.pjj13@demo.gouv.fr"),
                "Nous l'utilisons aussi à la PJJ pour les mesures conjointes : la rubrique scolarité est précieuse.",
            )
    for cle, email, titre, texte_ in [
        (
            "national",
            "admin.dgcs@demo.gouv.fr",
            "Ouverture de l'espace partagé",
            "Déposez ici vos méthodes, modèles et retours d'expérience : chaque trimestre, une ressource est mise "
            "en avant pour tous les territoires.",
        ),
        (
            "13",
            "referent.cd13@demo.gouv.fr",
            "Comité technique du 14 mars",
            "Ordre du jour : bilan des visites prénatales et point sur les délais d'évaluation de la CRIP.",
        ),
    ]:
        Actualite.objects.get_or_create(
            espace=espaces[cle],
            titre=titre,
            defaults={"texte": texte_, "auteur": Utilisateur.objects.get(email=email), "publiee_le": timezone.now()},
        )
    PreferenceResume.objects.update_or_create(
        utilisateur=Utilisateur.objects.get(email="lecteur.cd13@demo.gouv.fr"), defaults={"actif": True}
    )
