"""La part de `fiches` dans les données de démonstration (appelée par demo/donnees.py, idempotente).

Bouches-du-Rhône : plusieurs objectifs, deux ou trois fiches chacun, deux actions à impact. Les montants des
fiches des objectifs 2, 7 et 9 reprennent exactement ceux du tableau de financement de démonstration (répartis
entre les fiches) : le tableau du contrat, désormais calculé à partir des fiches, ne change pas."""

from datetime import date
from decimal import Decimal

from django.db import transaction

from contractualisation.models import Contrat, IndicateurHarmonise
from core.models import Institution, Utilisateur

from .enums import Implication, StatutFiche
from .models import Commentaire, Fiche, IndicateurQualitatif, IndicateurQuantitatif, Jalon, MontantFiche, Partenaire

# (objectif, titre, référent (e-mail), institution référente, statut, à impact, part des montants de l'objectif)
FICHES_CD13 = [
    (
        2,
        "Généraliser l'entretien prénatal précoce dans les centres de PMI",
        "contributeur.cd13@demo.gouv.fr",
        "Département des Bouches-du-Rhône",
        StatutFiche.EN_COURS,
        True,
        Decimal("0.7"),
    ),
    (
        2,
        "Visites à domicile postnatales des sages-femmes de PMI dans les quartiers prioritaires",
        "contributeur.cd13@demo.gouv.fr",
        None,
        StatutFiche.VALIDEE,
        False,
        Decimal("0.3"),
    ),
    (
        7,
        "Développer l'aide éducative à domicile renforcée",
        "referent.cd13@demo.gouv.fr",
        "Département des Bouches-du-Rhône",
        StatutFiche.EN_COURS,
        True,
        Decimal("0.5"),
    ),
    (
        7,
        "Recruter et fidéliser les assistants familiaux",
        "referent.cd13@demo.gouv.fr",
        None,
        StatutFiche.EN_COURS,
        False,
        Decimal("0.35"),
    ),
    (
        7,
        "Soutenir les tiers dignes de confiance",
        "lecteur.cd13@demo.gouv.fr",
        None,
        StatutFiche.BROUILLON,
        False,
        Decimal("0.15"),
    ),
    (
        9,
        "Accompagner les jeunes majeurs vers l'autonomie",
        "contributeur.pjj13@demo.gouv.fr",
        "DTPJJ des Bouches-du-Rhône",
        StatutFiche.VALIDEE,
        False,
        Decimal("0.6"),
    ),
    (
        9,
        "Un logement à la sortie de l'aide sociale à l'enfance",
        "referent.cd13@demo.gouv.fr",
        None,
        StatutFiche.BROUILLON,
        False,
        Decimal("0.4"),
    ),
    (
        4,
        "Renforcer l'équipe pluridisciplinaire de la CRIP",
        "referent.cd13@demo.gouv.fr",
        "Département des Bouches-du-Rhône",
        StatutFiche.VALIDEE,
        False,
        None,
    ),
    (
        4,
        "Actualiser le protocole départemental des informations préoccupantes",
        None,
        "Département des Bouches-du-Rhône",
        StatutFiche.ACHEVEE,
        False,
        None,
    ),
]

TEXTES = {
    2: (
        "En 2024, 38 % des femmes enceintes du département ont bénéficié d'un entretien prénatal précoce, avec de "
        "fortes disparités entre Marseille nord et le reste du territoire. Les maternités repèrent tard les "
        "situations de vulnérabilité.",
        "Atteindre 55 % d'entretiens prénataux précoces en 2027, dont la moitié réalisés par la PMI auprès des "
        "femmes les plus vulnérables.",
        "Création de créneaux dédiés dans 12 centres de PMI, information des maternités et des sages-femmes "
        "libérales, interprétariat pour les femmes non francophones, orientation vers les visites à domicile.",
        "Disponibilité des sages-femmes de PMI ; articulation avec l'Assurance maladie pour éviter les doublons.",
    ),
    7: (
        "Le département compte 4 200 enfants confiés ; 45 % des accueils se font en établissement faute "
        "d'alternative à domicile ou familiale. 180 assistants familiaux partiront à la retraite d'ici 2027.",
        "Porter à 600 le nombre de mesures d'aide éducative à domicile renforcées et stabiliser le nombre "
        "d'assistants familiaux.",
        "Appel à projets auprès des associations habilitées pour des mesures renforcées (2 à 3 interventions par "
        "semaine), astreinte éducative le soir et le week-end, formation commune des équipes.",
        "Recrutement des éducateurs dans un marché tendu ; délais d'habilitation des services.",
    ),
    9: (
        "Un jeune sur quatre sortant de l'ASE à 18 ans n'a ni logement stable ni formation en cours.",
        "Proposer un contrat jeune majeur à chaque jeune qui en remplit les conditions et un projet d'autonomie "
        "préparé dès 16 ans.",
        "Entretien d'autonomie à 17 ans, référent de parcours unique, partenariat avec les missions locales et "
        "les bailleurs sociaux, allocation d'autonomie.",
        "Continuité du suivi lors des changements de lieu d'accueil.",
    ),
    4: (
        "Délai moyen d'évaluation des informations préoccupantes : 4 mois et demi en 2024.",
        "Évaluer 90 % des informations préoccupantes en moins de trois mois.",
        "Recrutement de deux évaluateurs, d'un médecin référent et d'un psychologue ; application du référentiel "
        "d'évaluation de la HAS.",
        "Hausse continue du nombre d'informations préoccupantes entrantes.",
    ),
}

PARTENAIRES = {
    2: [
        ("ARS Provence-Alpes-Côte d'Azur", "", "Cofinancement FIR, lien avec les maternités", Implication.ENGAGE),
        (None, "Réseau périnatal Méditerranée", "Formation des sages-femmes", Implication.ENGAGE),
        (None, "CPAM des Bouches-du-Rhône", "Information des assurées", Implication.SOLLICITE),
    ],
    7: [
        ("DDETS des Bouches-du-Rhône", "", "Suivi du cofinancement BOP 304", Implication.ENGAGE),
        ("Association Sauvegarde 13", "", "Mise en œuvre des mesures renforcées", Implication.ENGAGE),
        (
            None,
            "Union départementale des associations familiales",
            "Relais auprès des familles",
            Implication.A_MOBILISER,
        ),
    ],
    9: [
        ("DTPJJ des Bouches-du-Rhône", "", "Jeunes suivis au pénal", Implication.ENGAGE),
        (None, "Missions locales des Bouches-du-Rhône", "Insertion professionnelle", Implication.ENGAGE),
        (None, "Bailleurs sociaux (AR Hlm PACA)", "Logements réservés", Implication.SOLLICITE),
    ],
    4: [("Préfecture des Bouches-du-Rhône", "", "Lien avec le parquet", Implication.ENGAGE)],
}

QUANTITATIFS = {
    2: [("pmi-03", "", "entretiens", Decimal("4100"), {"2025": "4800", "2026": "5600", "2027": "6400"}, "DREES PMI")],
    7: [
        (
            None,
            "Nombre de mesures d'aide éducative à domicile renforcées exercées",
            "mesures",
            Decimal("320"),
            {"2025": "400", "2026": "500", "2027": "600"},
            "Logiciel ASE",
        ),
        (
            None,
            "Nombre d'assistants familiaux recrutés dans l'année",
            "assistants familiaux",
            Decimal("35"),
            {"2025": "50", "2026": "60", "2027": "60"},
            "Service de l'accueil familial",
        ),
    ],
    9: [
        (
            None,
            "Nombre de jeunes bénéficiaires d'un contrat jeune majeur",
            "jeunes",
            Decimal("410"),
            {"2026": "480", "2027": "520"},
            "Logiciel ASE",
        )
    ],
    4: [("crip-taux-3-mois", "", "%", Decimal("48"), {"2025": "60", "2026": "75", "2027": "90"}, "CRIP")],
}

QUALITATIFS = {
    2: [
        (
            "Repérage des vulnérabilités lors de l'entretien prénatal précoce",
            "Les futurs parents en situation de vulnérabilité sont-ils orientés vers un accompagnement adapté ?",
        )
    ],
    7: [
        (
            "Adaptation des mesures à domicile aux besoins de l'enfant",
            "La mesure est-elle ajustée à l'évolution de la situation de l'enfant ?",
        )
    ],
    9: [
        (
            "Mobilisation des dispositifs par les jeunes majeurs",
            "Les jeunes majeurs comprennent-ils et mobilisent-ils les dispositifs existants ?",
        )
    ],
    4: [],
}

JALONS = {
    2: [
        (date(2025, 10, 1), "Créneaux EPP ouverts dans 6 centres", True),
        (date(2026, 6, 30), "12 centres couverts", False),
    ],
    7: [
        (date(2025, 11, 15), "Attribution de l'appel à projets", True),
        (date(2026, 9, 1), "Astreinte éducative", False),
    ],
    9: [(date(2026, 1, 15), "Référent de parcours désigné pour chaque jeune de 17 ans", False)],
    4: [(date(2025, 12, 1), "Recrutement des deux évaluateurs", True)],
}


@transaction.atomic
def peupler():
    contrat = Contrat.objects.filter(collectivite__slug="cd-13", cycle__libelle="2025-2027").first()
    if contrat is None or contrat.fiches.exists():
        return
    personnes = {u.email: u for u in Utilisateur.objects.filter(email__endswith="@demo.gouv.fr")}
    institutions = {i.nom: i for i in Institution.objects.all()}
    harmonises = {i.code: i for i in IndicateurHarmonise.objects.all()}
    objectifs = {oc.objectif.numero: oc for oc in contrat.objectifs_contrat.select_related("objectif")}
    financements = list(contrat.financements.all())
    creees = {}
    for numero, titre, referent, institution, statut, impact, part in FICHES_CD13:
        oc = objectifs[numero]
        rang = sum(1 for f in creees.values() if f.objectif_contrat_id == oc.pk) + 1
        constat, objectif_operationnel, description, vigilance = TEXTES[numero]
        fiche = Fiche.objects.create(
            contrat=contrat,
            objectif_contrat=oc,
            numero=rang,
            titre=titre,
            referent=personnes.get(referent),
            referent_institution=institutions.get(institution),
            statut=statut,
            action_a_impact=impact,
            constat=constat if rang == 1 else "",
            objectif_operationnel=objectif_operationnel if rang == 1 else "",
            description=description if rang == 1 else "",
            points_vigilance=vigilance if rang == 1 else "",
        )
        creees[titre] = fiche
        if part is not None:
            MontantFiche.objects.bulk_create(
                MontantFiche(fiche=fiche, annee=f.annee, source_id=f.source_id, montant=(f.montant * part).quantize(1))
                for f in financements
                if f.objectif_id == oc.objectif_id
            )
        if rang == 1:
            for nom, organisation, role, implication in PARTENAIRES[numero]:
                Partenaire.objects.create(
                    fiche=fiche,
                    institution=institutions.get(nom) if nom else None,
                    organisation=organisation,
                    role=role,
                    implication=implication,
                    implication_depuis=date(2025, 10, 1),
                    ajoute_le=date(2025, 9, 22) if implication != Implication.A_MOBILISER else date(2026, 2, 10),
                )
            for ordre, (code, libelle, unite, reference, cibles, source) in enumerate(QUANTITATIFS[numero]):
                harmonise = harmonises.get(code)
                IndicateurQuantitatif.objects.create(
                    fiche=fiche,
                    indicateur_harmonise=harmonise,
                    libelle=harmonise.libelle if harmonise else libelle,
                    unite=unite,
                    valeur_reference=reference,
                    annee_reference=2024,
                    cibles=cibles,
                    source_donnees=source,
                    ordre=ordre,
                )
            for ordre, (libelle, questions) in enumerate(QUALITATIFS[numero]):
                IndicateurQualitatif.objects.create(fiche=fiche, libelle=libelle, questions_cles=questions, ordre=ordre)
            for jour, libelle, fait in JALONS[numero]:
                Jalon.objects.create(fiche=fiche, date=jour, libelle=libelle, fait=fait)
    fiche_epp = creees["Généraliser l'entretien prénatal précoce dans les centres de PMI"]
    fiche_epp.fiches_liees.add(
        creees["Visites à domicile postnatales des sages-femmes de PMI dans les quartiers prioritaires"]
    )
    question = Commentaire.objects.create(
        fiche=fiche_epp,
        auteur=personnes.get("referent.ars-paca@demo.gouv.fr"),
        texte="Les créneaux du samedi matin sont-ils prévus ? Les maternités nous le demandent.",
    )
    Commentaire.objects.create(
        fiche=fiche_epp,
        auteur=personnes.get("contributeur.cd13@demo.gouv.fr"),
        reponse_a=question,
        texte="Oui, dans 4 centres à partir de janvier 2026.",
    )
