"""La part de `suivi` dans les données de démonstration (appelée par demo/donnees.py, idempotente).

S'appuie sur les fiches déjà présentes : un contrat sans fiche ne reçoit rien. Pour chaque contrat qui a des
fiches et pas encore de réunion : une réunion-bilan tenue il y a sept mois (compte rendu validé, décisions),
une réunion aujourd'hui (à tenir, pour essayer le mode projection), une réunion dans trois semaines, des
relevés qualitatifs à chaque étape et, pour les Bouches-du-Rhône, les valeurs du tableau de bord PMI."""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from contractualisation.models import Contrat, IndicateurHarmonise
from fiches.models import Fiche, IndicateurQualitatif

from . import services
from .models import Reunion, ValeurIndicateur

CONSTATS = [
    (
        "Les familles orientées par la maternité sont vues dans les quinze jours ; deux nouveaux partenaires "
        "(CAF, centre social) participent aux réunions de coordination.",
        "Délais encore longs dans le secteur nord ; la fiche de liaison maternité-PMI n'est pas toujours remplie.",
        [("Généraliser la fiche de liaison maternité-PMI", 60), ("Faire un point sur les délais du secteur nord", 120)],
    ),
    (
        "Les assistants familiaux recrutés en 2025 sont tous formés ; les familles accueillantes disent se sentir "
        "soutenues (relevé du 2e trimestre).",
        "Le relais entre l'équipe ASE et les familles d'accueil le week-end reste fragile.",
        [("Organiser une astreinte partagée le week-end", 90)],
    ),
    (
        "Les bilans de santé en école maternelle reprennent dans les écoles prioritaires.",
        "Les résultats ne sont pas encore transmis aux médecins traitants.",
        [("Proposer un circuit de transmission aux médecins traitants", 45)],
    ),
]

# Tableau de bord PMI des Bouches-du-Rhône (ordres de grandeur plausibles, données de démonstration).
VALEURS_PMI = {
    "pmi-01": {(2024, 0): 22850, (2025, 0): 22410},
    "pmi-02": {(2024, 0): 4012, (2025, 0): 4590},
    "pmi-05": {(2024, 0): 43120, (2025, 0): 42780},
    "pmi-06": {(2024, 0): 30184, (2025, 0): 32940},
    "pmi-10": {(2024, 0): 1830, (2025, 1): 1010, (2025, 2): 1085},
    "pmi-11": {(2024, 0): 2410, (2025, 1): 1320, (2025, 2): 1365},
    "pmi-14": {(2024, 0): 160300, (2025, 0): 158900},
    "pmi-15": {(2024, 0): 17630, (2025, 1): 9100, (2025, 2): 9480},
    "pmi-18": {(2024, 0): 30210, (2025, 0): 31570},
}


def peupler():
    for contrat in Contrat.objects.select_related("collectivite").order_by("pk"):
        fiches = list(Fiche.objects.filter(contrat=contrat).select_related("objectif_contrat__objectif"))
        if not fiches or Reunion.objects.filter(contrat=contrat).exists():
            continue
        with transaction.atomic():
            peupler_contrat(contrat, fiches)


def peupler_contrat(contrat, fiches):
    membres = services.membres_du_comite(contrat)
    if not membres:
        return
    animateur = next((u for u in membres if u.email.startswith("referent.")), membres[0])
    a_impact = [f for f in fiches if f.action_a_impact] or fiches[:3]
    maintenant = timezone.now().replace(minute=0, second=0, microsecond=0)
    commun = {"fiches": a_impact, "utilisateurs": membres[:6], "type": "bilan_qualitatif"}
    externes = [{"nom": "Nadia Benali", "institution": "CAF", "email": "nadia.benali@caf.example.org"}]

    tenue = services.planifier_reunion(
        contrat, animateur, date=maintenant - timedelta(days=210), lieu="Hôtel du Département, salle 2", **commun
    )
    for point, (positifs, axes, decisions) in zip(tenue.points.all(), CONSTATS * 10, strict=False):
        services.enregistrer_point(point, animateur, elements_positifs=positifs, axes_amelioration=axes)
        for libelle, jours in decisions:
            services.ajouter_decision(
                point,
                animateur,
                libelle=libelle,
                responsable=animateur,
                echeance=(tenue.date + timedelta(days=jours)).date(),
            )
    premiere = tenue.points.first().decisions.first()
    if premiere is not None:
        services.changer_statut_decision(premiere, "fait")
    services.valider_compte_rendu(tenue, animateur)

    services.planifier_reunion(
        contrat,
        animateur,
        date=maintenant - timedelta(hours=1),
        lien_visio="https://webconf.numerique.gouv.fr/contrat-enfance-suivi",
        externes=externes,
        **commun,
    )
    services.planifier_reunion(
        contrat, animateur, date=maintenant + timedelta(days=21), lieu="Préfecture, salle Mistral", **commun
    )
    peupler_releves(contrat, membres, animateur)
    if contrat.collectivite.slug == "cd-13":
        peupler_pmi(contrat, animateur)


def peupler_releves(contrat, membres, valideur):
    indicateurs = list(IndicateurQualitatif.objects.filter(fiche__contrat=contrat).select_related("fiche")[:3])
    auteurs = [u for u in membres if u.pk != valideur.pk] or membres
    binome = next((u for u in membres if u.pk not in (auteurs[0].pk, valideur.pk)), None)
    for rang, indicateur in enumerate(indicateurs):
        releve = services.creer_releve(
            indicateur,
            auteurs[0],
            date_observation=timezone.localdate() - timedelta(days=30 + 40 * rang),
            situation="Consultation PMI du secteur centre" if rang % 2 == 0 else "École maternelle, bilan de santé",
            questions_cles=indicateur.questions_cles or "Les familles sont-elles écoutées et orientées ?",
            faits="85 % des retours parentaux sont positifs ; « on sait enfin à qui s'adresser » (un parent).",
            ameliorations="Encore un besoin d'information en amont pour certains parents.",
        )
        if rang == 2 or binome is None:
            continue  # reste en brouillon
        services.faire_transition(releve, auteurs[0], "soumettre")
        if rang == 0 and valideur.pk != auteurs[0].pk:
            services.faire_transition(releve, binome, "relire")
            if releve.fiche.referent_id != auteurs[0].pk:
                services.faire_transition(releve, valideur, "valider")


def peupler_pmi(contrat, auteur):
    if ValeurIndicateur.objects.filter(contrat=contrat, indicateur_harmonise__isnull=False).exists():
        return
    indicateurs = {i.code: i.pk for i in IndicateurHarmonise.objects.filter(code__in=VALEURS_PMI)}
    ValeurIndicateur.objects.bulk_create(
        ValeurIndicateur(
            contrat=contrat,
            indicateur_harmonise_id=indicateurs[code],
            annee=annee,
            semestre=semestre,
            valeur=Decimal(valeur),
            source="INSEE" if code in ("pmi-01", "pmi-14") else "CD / DREES",
            saisi_par=auteur,
        )
        for code, valeurs in VALEURS_PMI.items()
        for (annee, semestre), valeur in valeurs.items()
    )
