"""La part de `fiches` dans le volume national (appelée par demo/volumetrie.py, en création de masse) :
environ cinq fiches par objectif de chaque contrat, avec leurs montants (le financement de l'objectif réparti
entre ses fiches, pour que le tableau du contrat reste le même) et un ou deux indicateurs."""

from collections import defaultdict
from decimal import Decimal

from contractualisation.models import Financement, ObjectifContrat

from .enums import StatutFiche
from .models import Fiche, IndicateurQualitatif, IndicateurQuantitatif, MontantFiche

ACTIONS = [
    "Renforcer l'accompagnement des familles",
    "Structurer le partenariat territorial",
    "Former les professionnels",
    "Créer un dispositif d'accueil de jour",
    "Développer les interventions à domicile",
    "Améliorer le repérage précoce",
    "Soutenir les jeunes dans leur parcours",
]
PHRASE = (
    "Le diagnostic partagé du comité technique montre des besoins non couverts sur plusieurs bassins de vie, "
    "avec des délais de prise en charge supérieurs aux objectifs fixés et une coordination encore inégale "
    "entre les services du Département, les services de l'État et les associations. "
)
STATUTS = [StatutFiche.BROUILLON, StatutFiche.VALIDEE, StatutFiche.EN_COURS, StatutFiche.EN_COURS, StatutFiche.ACHEVEE]


def texte(hasard, minimum, maximum):
    return (PHRASE * maximum)[: hasard.randint(minimum * len(PHRASE), maximum * len(PHRASE))].strip()


def peupler_volume(contrats, hasard):
    ids = [c.pk for c in contrats]
    objectifs = list(
        ObjectifContrat.objects.filter(contrat_id__in=ids).select_related("objectif").order_by("contrat_id", "pk")
    )
    financements = defaultdict(list)
    for f in Financement.objects.filter(contrat_id__in=ids).order_by("pk"):
        financements[(f.contrat_id, f.objectif_id)].append(f)

    fiches, parts = [], []
    for oc in objectifs:
        nombre = hasard.choice([4, 5, 5, 6])
        poids = [hasard.randint(1, 4) for _ in range(nombre)]
        for numero in range(1, nombre + 1):
            fiches.append(
                Fiche(
                    contrat_id=oc.contrat_id,
                    objectif_contrat=oc,
                    numero=numero,
                    titre=f"{hasard.choice(ACTIONS)} ({oc.objectif.numero}.{numero})",
                    constat=texte(hasard, 1, 3),
                    objectif_operationnel=texte(hasard, 1, 1),
                    description=texte(hasard, 2, 5),
                    points_vigilance=texte(hasard, 0, 1),
                    statut=hasard.choice(STATUTS),
                    action_a_impact=hasard.random() < 0.1,
                )
            )
            parts.append((oc, Decimal(poids[numero - 1]) / sum(poids)))
    Fiche.objects.bulk_create(fiches, batch_size=2000)

    montants, quantitatifs, qualitatifs = [], [], []
    for fiche, (oc, part) in zip(fiches, parts, strict=True):
        for f in financements[(oc.contrat_id, oc.objectif_id)]:
            montants.append(
                MontantFiche(fiche=fiche, annee=f.annee, source_id=f.source_id, montant=(f.montant * part).quantize(1))
            )
        quantitatifs.append(
            IndicateurQuantitatif(
                fiche=fiche,
                libelle="Nombre de bénéficiaires de l'action",
                unite="personnes",
                valeur_reference=Decimal(hasard.randint(20, 400)),
                annee_reference=2024,
                cibles={str(a): str(hasard.randint(50, 600)) for a in (2025, 2026, 2027)},
                source_donnees="Système d'information du Département",
            )
        )
        if hasard.random() < 0.5:
            qualitatifs.append(
                IndicateurQualitatif(
                    fiche=fiche,
                    libelle="Satisfaction des familles accompagnées",
                    questions_cles=(
                        "Les familles se sentent-elles écoutées ? L'accompagnement répond-il à leurs besoins ?"
                    ),
                )
            )
    MontantFiche.objects.bulk_create(montants, batch_size=5000)
    IndicateurQuantitatif.objects.bulk_create(quantitatifs, batch_size=5000)
    IndicateurQualitatif.objects.bulk_create(qualitatifs, batch_size=5000)
