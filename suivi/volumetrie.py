"""La part de `suivi` dans le volume national (appelée par demo/volumetrie.py, en création de masse).

À partir des fiches présentes à ce moment : environ six réunions par contrat (tous les 6 à 8 mois depuis
2025, plus des comités techniques), chacune avec un point par fiche examinée, des décisions, des relevés
qualitatifs et les valeurs des indicateurs quantitatifs et PMI."""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from contractualisation.models import IndicateurHarmonise
from core.models import Adhesion
from fiches.models import Fiche, IndicateurQualitatif, IndicateurQuantitatif

from .enums import StatutDecision, StatutReleve, StatutReunion, TypeReunion
from .models import Decision, PointFiche, Releve, Reunion, ValeurIndicateur

REUNIONS_PAR_CONTRAT = 6


def peupler_volume(contrats, hasard):
    contrats = list(contrats)
    fiches_par_contrat = {}
    for fiche in Fiche.objects.filter(contrat__in=contrats).order_by("pk"):
        fiches_par_contrat.setdefault(fiche.contrat_id, []).append(fiche)
    if not fiches_par_contrat:
        return
    auteurs = dict(
        Adhesion.objects.filter(institution__collectivite__contrats__in=contrats)
        .values_list("institution__collectivite__contrats", "utilisateur_id")
        .order_by("pk")
    )
    maintenant = timezone.now()
    reunions = []
    for contrat in contrats:
        if contrat.pk not in fiches_par_contrat:
            continue
        for rang in range(REUNIONS_PAR_CONTRAT):
            jour = date(2025, 3, 1) + timedelta(days=110 * rang + hasard.randint(0, 20))
            moment = timezone.make_aware(datetime(jour.year, jour.month, jour.day, hasard.choice([9, 10, 14])))
            passee = moment < maintenant - timedelta(days=1)
            reunions.append(
                Reunion(
                    contrat=contrat,
                    type=TypeReunion.BILAN_QUALITATIF if rang % 2 == 0 else TypeReunion.COMITE_TECHNIQUE,
                    date=moment,
                    lieu="Hôtel du Département",
                    statut=StatutReunion.VALIDEE if passee else StatutReunion.PLANIFIEE,
                    valide_le=moment + timedelta(days=7) if passee else None,
                    cree_par_id=auteurs.get(contrat.pk),
                )
            )
    reunions = Reunion.objects.bulk_create(reunions, batch_size=2000)

    points = []
    for reunion in reunions:
        fiches = fiches_par_contrat[reunion.contrat_id]
        a_impact = [f for f in fiches if f.action_a_impact] or fiches
        choisies = (
            a_impact if reunion.type == TypeReunion.BILAN_QUALITATIF else hasard.sample(fiches, min(5, len(fiches)))
        )
        passee = reunion.statut == StatutReunion.VALIDEE
        points.extend(
            PointFiche(
                reunion=reunion,
                fiche=f,
                ordre=i,
                elements_positifs="Partenaires mobilisés, calendrier tenu." if passee else "",
                axes_amelioration="Remontée des données encore tardive." if passee else "",
            )
            for i, f in enumerate(choisies)
        )
    points = PointFiche.objects.bulk_create(points, batch_size=5000)
    reunion_de = {r.pk: r for r in reunions}
    decisions = []
    for point in points:
        reunion = reunion_de[point.reunion_id]
        if reunion.statut != StatutReunion.VALIDEE:
            continue
        for n in range(hasard.randint(0, 2)):
            decisions.append(
                Decision(
                    point=point,
                    libelle=f"Décision n° {n + 1} : ajuster le calendrier de l'action",
                    responsable_id=auteurs.get(reunion.contrat_id),
                    echeance=(reunion.date + timedelta(days=hasard.randint(30, 200))).date(),
                    statut=hasard.choice([StatutDecision.A_FAIRE, StatutDecision.FAIT, StatutDecision.FAIT]),
                )
            )
    Decision.objects.bulk_create(decisions, batch_size=5000)

    # Pas de second compte par territoire dans le volume : les relevés attendent au plus leur validation.
    statuts = [StatutReleve.RELU, StatutReleve.RELU, StatutReleve.SOUMIS, StatutReleve.BROUILLON]
    releves = []
    for indicateur in IndicateurQualitatif.objects.filter(fiche__contrat__in=contrats).select_related("fiche"):
        for n in range(hasard.randint(0, 3)):
            releves.append(
                Releve(
                    fiche=indicateur.fiche,
                    indicateur=indicateur,
                    date_observation=date(2025, 4, 1) + timedelta(days=91 * n),
                    situation="Observation de terrain",
                    faits="Retours des familles majoritairement positifs.",
                    statut=hasard.choice(statuts),
                    auteur_id=auteurs.get(indicateur.fiche.contrat_id),
                )
            )
    Releve.objects.bulk_create(releves, batch_size=5000)

    valeurs = []
    for indicateur in IndicateurQuantitatif.objects.filter(
        fiche__contrat__in=contrats, indicateur_harmonise__isnull=True
    ).select_related("fiche"):
        for annee in (2024, 2025):
            valeurs.append(
                ValeurIndicateur(
                    contrat_id=indicateur.fiche.contrat_id,
                    indicateur=indicateur,
                    annee=annee,
                    valeur=Decimal(hasard.randint(10, 500)),
                    source="Suivi d'activité du CD",
                )
            )
    pmi = list(IndicateurHarmonise.objects.filter(famille="PMI", type="nombre"))
    for contrat in contrats:
        base = hasard.randint(3_000, 25_000)
        for indicateur in pmi:
            for annee in (2024, 2025):
                valeurs.append(
                    ValeurIndicateur(
                        contrat=contrat,
                        indicateur_harmonise=indicateur,
                        annee=annee,
                        valeur=Decimal(int(base * hasard.uniform(0.1, 1.0))),
                        source=indicateur.source,
                    )
                )
    ValeurIndicateur.objects.bulk_create(valeurs, batch_size=5000, ignore_conflicts=True)
