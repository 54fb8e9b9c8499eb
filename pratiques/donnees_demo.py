"""La part de `pratiques` dans les données de démonstration (appelée par demo/donnees.py, idempotente) :
dix pratiques publiées sur plusieurs thèmes et territoires, deux fiches dispositifs de l'ONPE, quelques
déclarations dans la file du comité à des statuts différents et une séance."""

from datetime import date, timedelta

from django.utils import timezone

from core.models import Departement, Utilisateur

from .enums import Accord, Avis, Liste, Nature, StatutPratique
from .models import AvisMembre, Modalite, Pratique, Seance, Transition

# (intitulé, entité, département, thématique, public, échelle, type d'intervention, relais, description)
PUBLIEES = [
    (
        "Visites à domicile périnatales renforcées",
        "Département des Bouches-du-Rhône",
        "13",
        "Éducation",
        "0 à 3 ans",
        "Départementale",
        "Diagnostic de situation",
        "Département",
        "Des sages-femmes et puéricultrices de PMI proposent jusqu'à six visites à domicile entre le quatrième "
        "mois de grossesse et les trois mois de l'enfant aux futurs parents repérés lors de l'entretien "
        "prénatal précoce. Les visites s'appuient sur une grille partagée avec les maternités.",
    ),
    (
        "Parrainage de proximité pour enfants confiés",
        "Association Sauvegarde 13",
        "13",
        "Maintien des liens parents-enfants",
        "4 à 12 ans",
        "Locale",
        "Accueil chez un tiers digne de confiance",
        "Association",
        "Des bénévoles formés accueillent un enfant confié à l'ASE un week-end par mois et pendant une partie "
        "des vacances. L'association assure le recrutement, la formation et un suivi trimestriel du lien.",
    ),
    (
        "Accueil de jour éducatif pour adolescents déscolarisés",
        "Département de Lot-et-Garonne",
        "47",
        "Éducation",
        "Adolescents",
        "Départementale",
        "Accueil de jour",
        "Département",
        "Un accueil de jour associe éducateurs, enseignant détaché et psychologue pour raccrocher des "
        "adolescents protégés sans solution scolaire. Chaque jeune a un projet individualisé revu toutes "
        "les six semaines avec l'établissement d'origine.",
    ),
    (
        "Équipe mobile santé mentale enfance protégée",
        "ARS Nouvelle-Aquitaine",
        "47",
        "Santé mentale",
        "Adolescents",
        "Régionale",
        "Diagnostic de situation",
        "Autre",
        "Une équipe mobile de pédopsychiatrie intervient dans les lieux d'accueil de l'ASE pour évaluer les "
        "situations complexes, conseiller les équipes et organiser l'accès aux soins.",
    ),
    (
        "Groupes de parole pour enfants exposés aux violences conjugales",
        "Association Solidarité Femmes 67",
        "67",
        "Violences conjugales",
        "4 à 12 ans",
        "Locale",
        "Autre",
        "Association",
        "Dix séances en petit groupe, animées par deux psychologues, permettent aux enfants de mettre des mots "
        "sur ce qu'ils ont vécu. Un temps est proposé en parallèle au parent protecteur.",
    ),
    (
        "Préparation à l'autonomie dès 16 ans",
        "Collectivité européenne d'Alsace",
        "67",
        "Autre",
        "Jeunes majeurs",
        "Départementale",
        "Placement en établissement",
        "Département",
        "Chaque jeune confié bénéficie dès 16 ans d'un entretien d'autonomie, d'un référent logement et d'un "
        "accompagnement vers les droits (santé, ressources, formation) poursuivi après la majorité.",
    ),
    (
        "Hébergement et accompagnement des mineurs non accompagnés en colocation",
        "Association Accueil Jeunes 33",
        "33",
        "Modalités d'organisation interne",
        "Mineurs non accompagnés",
        "Locale",
        "Placement en établissement",
        "Association",
        "Des colocations de trois à quatre jeunes, suivies par une équipe éducative de proximité, favorisent "
        "l'autonomie et l'insertion professionnelle des mineurs non accompagnés de plus de 16 ans.",
    ),
    (
        "Prévention du cyberharcèlement au collège",
        "Département du Nord",
        "59",
        "Harcèlement",
        "Adolescents",
        "Départementale",
        "Lien famille-école",
        "Département",
        "Des éducateurs de prévention spécialisée coaniment avec les infirmières scolaires des ateliers sur les "
        "usages numériques et le harcèlement, et accompagnent les familles des élèves concernés.",
    ),
    (
        "Visites médiatisées en lieu neutre pour parents détenus",
        "Association Relais Enfants Parents",
        "69",
        "Parents détenus",
        "Tous publics",
        "Régionale",
        "Autre",
        "Association",
        "Des bénévoles accompagnent les enfants lors des visites au parloir et préparent la rencontre avec le "
        "parent détenu, en lien avec le service de l'ASE qui suit l'enfant.",
    ),
    (
        "Placement éducatif à domicile renforcé",
        "Département de la Gironde",
        "33",
        "Maintien des liens parents-enfants",
        "4 à 12 ans",
        "Départementale",
        "Placement éducatif à domicile",
        "Département",
        "L'enfant reste au domicile familial sous une mesure de placement : une équipe disponible sept jours "
        "sur sept intervient plusieurs fois par semaine et peut proposer un accueil de repli immédiat.",
    ),
]

DISPOSITIFS = [
    {
        "intitule": "Les unités d'accueil pédiatriques enfants en danger (UAPED)",
        "entite": "ONPE — avec les centres hospitaliers partenaires",
        "description": "Un lieu unique à l'hôpital pour recueillir la parole de l'enfant victime, l'examiner et "
        "l'orienter, en lien avec la justice et l'ASE.",
        "thematique": "Violences sexuelles",
        "public": "Tous publics",
        "echelle": "Nationale",
        "type_intervention": "Diagnostic de situation",
        "contexte": "Les enfants victimes étaient entendus à plusieurs reprises, dans des lieux inadaptés.",
        "objectifs": "Éviter la répétition des auditions ; associer soin, protection et enquête.",
        "moyens": "Une salle d'audition adaptée, un pédiatre référent, un psychologue, une convention avec le "
        "parquet et le Département.",
        "cles_reussite": "Un portage conjoint de l'hôpital, du parquet et du Département ; la formation des "
        "enquêteurs.",
        "resultats_attendus": "Une audition unique filmée ; un accès aux soins dans la semaine.",
        "difficultes": "Le financement pérenne des postes ; la couverture des territoires ruraux.",
        "public_detail": "Enfants et adolescents victimes de violences.",
        "territoire": "Déploiement national, une unité par département.",
    },
    {
        "intitule": "Scolarité des enfants protégés : le binôme éducateur-enseignant",
        "entite": "ONPE",
        "description": "Un binôme formé d'un éducateur de l'ASE et d'un enseignant ressource suit la scolarité des "
        "enfants confiés et prévient les ruptures.",
        "thematique": "Éducation",
        "public": "4 à 12 ans",
        "echelle": "Départementale",
        "type_intervention": "Lien famille-école",
        "contexte": "Les enfants protégés connaissent plus souvent des retards et des ruptures scolaires.",
        "objectifs": "Repérer tôt les difficultés ; assurer la continuité lors des changements de lieu d'accueil.",
        "moyens": "Un enseignant détaché à mi-temps par secteur, une convention Département / DSDEN.",
        "cles_reussite": "Des réunions mensuelles ; un dossier scolaire qui suit l'enfant.",
        "resultats_attendus": "Moins de changements d'école ; moins d'exclusions.",
        "difficultes": "La mobilité des enfants entre départements ; le partage d'informations.",
        "public_detail": "Enfants confiés scolarisés en primaire et au collège.",
        "territoire": "Expérimenté dans trois départements.",
    },
]

# (intitulé, entité, département, statut, accord)
FILE_COMITE = [
    (
        "Relais parentalité en centre social",
        "Centre social des Aygalades",
        "13",
        StatutPratique.DEPOSEE,
        Accord.ATTENDU,
    ),
    (
        "Médiation familiale en protection de l'enfance",
        "Association Sauvegarde 13",
        "13",
        StatutPratique.EN_EXAMEN,
        Accord.ACCORDE,
    ),
    (
        "Accueil séquentiel en famille d'accueil relais",
        "Département de Lot-et-Garonne",
        "47",
        StatutPratique.COMPLEMENTS,
        Accord.ACCORDE,
    ),
    (
        "Pair-aidance entre anciens enfants placés",
        "Association Repairs 67",
        "67",
        StatutPratique.RECEVABLE,
        Accord.ATTENDU,
    ),
]


def modalites():
    return {(m.liste, m.libelle): m for m in Modalite.objects.all()}


def peupler():
    if Pratique.objects.filter(intitule=PUBLIEES[0][0]).exists():
        return
    m = modalites()
    departements = {d.code: d for d in Departement.objects.select_related("region")}
    comite = Utilisateur.objects.filter(email="comite@demo.gouv.fr").first()
    referent13 = Utilisateur.objects.filter(email="referent.cd13@demo.gouv.fr").first()
    maintenant = timezone.now()
    seance = Seance.objects.create(date=date(2025, 10, 2), intitule="Séance plénière", creee_par=comite)

    for rang, (intitule, entite, code, theme, public, echelle, type_, relais, description) in enumerate(PUBLIEES):
        dep = departements[code]
        pratique = Pratique.objects.create(
            statut=StatutPratique.PUBLIEE,
            etape=4,
            conditions_acceptees=True,
            courriel_declarant=f"declarant{rang}@exemple.fr",
            date_mise_en_oeuvre=date(2019 + rang % 6, 1 + rang, 1),
            entite=entite,
            intitule=intitule,
            description=description,
            thematique=m[(Liste.THEMATIQUE, theme)],
            public=m[(Liste.PUBLIC, public)],
            echelle=m[(Liste.ECHELLE, echelle)],
            type_intervention=m[(Liste.TYPE_INTERVENTION, type_)],
            relais=m[(Liste.RELAIS, relais)],
            region=dep.region,
            departement=dep,
            contact_nom="Camille Durand",
            contact_fonction="Cheffe de projet",
            contact_courriel=f"contact{rang}@exemple.fr",
            accord=Accord.ACCORDE,
            accord_le=maintenant - timedelta(days=60),
            valorisee=rang in (0, 4),
            deposee_le=maintenant - timedelta(days=90 - rang),
            publiee_le=maintenant - timedelta(days=30 - rang),
        )
        Transition.objects.create(
            pratique=pratique,
            de=StatutPratique.EN_EXAMEN,
            vers=StatutPratique.RETENUE,
            par=comite,
            par_libelle=str(comite or "Comité"),
            seance=seance,
            motif="Pratique documentée, transposable.",
        )
        Transition.objects.create(
            pratique=pratique,
            de=StatutPratique.RETENUE,
            vers=StatutPratique.PUBLIEE,
            par=comite,
            par_libelle=str(comite or "Comité"),
        )

    for rang, fiche in enumerate(DISPOSITIFS):
        Pratique.objects.create(
            nature=Nature.DISPOSITIF,
            statut=StatutPratique.PUBLIEE,
            etape=4,
            conditions_acceptees=True,
            publiee_le=maintenant - timedelta(days=10 + rang),
            accord=Accord.ACCORDE,
            declarant=comite,
            **{cle: (m[(Liste(cle), valeur)] if cle in Liste.values else valeur) for cle, valeur in fiche.items()},
        )

    for rang, (intitule, entite, code, statut, accord) in enumerate(FILE_COMITE):
        dep = departements[code]
        pratique = Pratique.objects.create(
            statut=statut,
            etape=4,
            conditions_acceptees=True,
            courriel_declarant=f"file{rang}@exemple.fr",
            date_mise_en_oeuvre=date(2022, 3, 1),
            entite=entite,
            intitule=intitule,
            description=f"{intitule} : description déclarée par {entite}, en attente d'examen par le comité.",
            thematique=m[(Liste.THEMATIQUE, "Maintien des liens parents-enfants")],
            public=m[(Liste.PUBLIC, "Parents")],
            echelle=m[(Liste.ECHELLE, "Locale")],
            type_intervention=m[(Liste.TYPE_INTERVENTION, "Autre")],
            relais=m[(Liste.RELAIS, "Association")],
            region=dep.region,
            departement=dep,
            contact_nom="Alex Martin",
            contact_fonction="Directeur",
            contact_courriel=f"contact.file{rang}@exemple.fr",
            accord=accord,
            accord_par=referent13 if accord == Accord.ACCORDE and code == "13" else None,
            accord_le=maintenant - timedelta(days=5) if accord == Accord.ACCORDE else None,
            deposee_le=maintenant - timedelta(days=20 - rang),
        )
        Transition.objects.create(
            pratique=pratique,
            de=StatutPratique.BROUILLON,
            vers=StatutPratique.DEPOSEE,
            par_libelle=f"Déclarant (file{rang}@exemple.fr)",
        )
        if statut == StatutPratique.COMPLEMENTS:
            Transition.objects.create(
                pratique=pratique,
                de=StatutPratique.EN_EXAMEN,
                vers=statut,
                par=comite,
                par_libelle=str(comite or "Comité"),
                motif="Précisez le nombre de familles accueillies et le coût annuel de l'action.",
            )
        if statut == StatutPratique.EN_EXAMEN and comite:
            AvisMembre.objects.create(
                pratique=pratique, membre=comite, avis=Avis.FAVORABLE, commentaire="Action bien documentée."
            )
