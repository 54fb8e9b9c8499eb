"""La part de `rapports` dans le volume national (appelée par demo/volumetrie.py, en création de masse) : pour
chaque contrat signé, le rapport de sa première année à une étape tirée au hasard, avec ses étapes franchies et
des crédits engagés et dépensés sur une partie des lignes de financement."""

from datetime import timedelta
from decimal import Decimal

from contractualisation.models import Financement

from .enums import ORDRE_ETAPES, AvisOdpe, EtapeRapport
from .models import EtapeFranchie, MontantExecute, RapportExecution, periode


def peupler_volume(contrats, hasard):
    signes = [c for c in contrats if c.date_signature]
    rapports, etapes_par_rapport = [], []
    for contrat in signes:
        if hasard.random() < 0.15:
            continue  # pas encore commencé
        annee = contrat.date_signature.year
        rang = hasard.randint(0, len(ORDRE_ETAPES) - 1)
        etape = ORDRE_ETAPES[rang]
        debut, _ = periode(contrat, annee)
        avis = {}
        if rang >= ORDRE_ETAPES.index(EtapeRapport.AVIS_ODPE):
            avis = {"avis_odpe": hasard.choice(AvisOdpe.values), "date_avis_odpe": debut + timedelta(days=300)}
        rapports.append(
            RapportExecution(
                contrat=contrat,
                annee=annee,
                etape=etape,
                synthese_globale=f"Synthèse de la première année du contrat de {contrat.collectivite}.",
                perspectives="Poursuivre les actions engagées.",
                **avis,
            )
        )
        etapes_par_rapport.append((rang, debut))
    rapports = RapportExecution.objects.bulk_create(rapports)
    EtapeFranchie.objects.bulk_create(
        EtapeFranchie(rapport=r, etape=ORDRE_ETAPES[i], date=debut + timedelta(days=60 * i))
        for r, (rang, debut) in zip(rapports, etapes_par_rapport, strict=True)
        for i in range(rang + 1)
    )
    par_contrat = {r.contrat_id: r for r in rapports}
    montants = {}
    for f in Financement.objects.filter(contrat_id__in=par_contrat).values(
        "contrat_id", "objectif_id", "source_id", "annee", "montant"
    ):
        rapport = par_contrat[f["contrat_id"]]
        if f["annee"] != rapport.annee or hasard.random() < 0.3:
            continue
        engage = (f["montant"] * Decimal(hasard.choice(["0.7", "0.85", "1"]))).quantize(Decimal("1"))
        montants[(rapport.pk, f["objectif_id"], f["source_id"])] = MontantExecute(
            rapport=rapport,
            objectif_id=f["objectif_id"],
            source_id=f["source_id"],
            engage=engage,
            depense=(engage * Decimal(hasard.choice(["0.5", "0.8", "0.95"]))).quantize(Decimal("1")),
        )
    MontantExecute.objects.bulk_create(montants.values(), batch_size=5000)
