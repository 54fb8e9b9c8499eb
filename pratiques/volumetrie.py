"""La part de `pratiques` dans le volume national (appelée par demo/volumetrie.py, en création de masse) :
un millier de pratiques publiées, aux textes de longueur réaliste, réparties sur tous les départements."""

from datetime import date, timedelta

from django.utils import timezone

from core.models import Departement

from .enums import Accord, Liste, Nature, StatutPratique
from .models import LONGUEUR_DESCRIPTION, Modalite, Pratique

NOMBRE = 1000
PHRASES = [
    "L'action s'adresse aux familles repérées par les services de PMI et de l'ASE.",
    "Une équipe pluridisciplinaire se réunit chaque mois pour ajuster les accompagnements.",
    "Les partenaires de l'Éducation nationale et de la santé sont associés dès le diagnostic.",
    "Un bilan annuel est présenté à l'observatoire départemental de la protection de l'enfance.",
    "Les professionnels ont suivi une formation commune de trois jours.",
    "Les familles sont associées à l'évaluation par un questionnaire et un entretien.",
    "Le dispositif a été étendu à un deuxième territoire après une année d'expérimentation.",
    "Les jeunes accompagnés participent à la construction des ateliers.",
]
SUJETS = ["Accompagnement", "Accueil", "Prévention", "Soutien", "Médiation", "Atelier", "Relais", "Plateforme"]
OBJETS = [
    "des familles vulnérables",
    "des jeunes majeurs",
    "de la parentalité",
    "des enfants confiés",
    "des adolescents en rupture",
    "des parents isolés",
]


def peupler_volume(contrats, hasard, nombre=NOMBRE):
    listes = {valeur: list(Modalite.objects.filter(liste=valeur)) for valeur in Liste.values}
    departements = list(Departement.objects.select_related("region"))
    maintenant = timezone.now()
    pratiques = []
    for rang in range(nombre):
        dep = hasard.choice(departements)
        description = " ".join(hasard.choice(PHRASES) for _ in range(hasard.randint(3, 10)))
        pratiques.append(
            Pratique(
                nature=Nature.DISPOSITIF if rang % 50 == 0 else Nature.DECLAREE,
                statut=StatutPratique.PUBLIEE,
                etape=4,
                conditions_acceptees=True,
                courriel_declarant=f"declarant{rang}@volume.fr",
                date_mise_en_oeuvre=date(2015, 1, 1) + timedelta(days=hasard.randint(0, 3600)),
                entite=f"Structure {dep.nom} n° {rang}"[:100],
                intitule=f"{hasard.choice(SUJETS)} {hasard.choice(OBJETS)} ({dep.code}-{rang})"[:100],
                description=description[:LONGUEUR_DESCRIPTION],
                thematique=hasard.choice(listes[Liste.THEMATIQUE]),
                public=hasard.choice(listes[Liste.PUBLIC]),
                echelle=hasard.choice(listes[Liste.ECHELLE]),
                type_intervention=hasard.choice(listes[Liste.TYPE_INTERVENTION]),
                relais=hasard.choice(listes[Liste.RELAIS]),
                region=dep.region,
                departement=dep,
                commune="",
                contact_nom="Contact du volume",
                contact_fonction="Chef de service",
                contact_courriel=f"contact{rang}@volume.fr",
                accord=Accord.ACCORDE,
                valorisee=rang % 97 == 0,
                deposee_le=maintenant - timedelta(days=hasard.randint(30, 700)),
                publiee_le=maintenant - timedelta(days=hasard.randint(0, 29), minutes=rang),
            )
        )
    return Pratique.objects.bulk_create(pratiques, batch_size=500)
