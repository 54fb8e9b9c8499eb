"""Chargement idempotent des exemples d'indicateurs (complétion guidée, proposition 2) : ce qui existe déjà
n'est pas écrasé, les corrections de l'administration nationale sont conservées."""

from django.db import transaction

from core.referentiels import lire


@transaction.atomic
def charger_exemples_indicateurs():
    from contractualisation.models import Objectif
    from contractualisation.versions import referentiels_modifies

    from .models import ExempleIndicateur

    objectifs = {(o.cycle.libelle, o.numero): o for o in Objectif.objects.select_related("cycle")}
    existants = set(ExempleIndicateur.objects.values_list("objectif_id", "type", "libelle"))
    nouveaux = []
    for e in lire("referentiels/exemples_indicateurs.json"):
        objectif = objectifs.get((e["cycle"], e["objectif"]))
        if objectif is None or (objectif.pk, e["type"], e["libelle"]) in existants:
            continue
        nouveaux.append(
            ExempleIndicateur(
                objectif=objectif,
                type=e["type"],
                libelle=e["libelle"],
                unite=e.get("unite", ""),
                questions_cles=e.get("questions_cles", ""),
                ordre=e.get("ordre", 0),
            )
        )
    ExempleIndicateur.objects.bulk_create(nouveaux)
    if nouveaux:  # sans signal en création de masse : les pages des fiches en cache doivent les montrer
        referentiels_modifies()
