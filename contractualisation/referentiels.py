"""Chargement idempotent des référentiels du contrat : sources de financement, cycles avec leurs
engagements et objectifs, indicateurs harmonisés (Annexe 2.3 et CRIP)."""

from django.db import transaction

from core.referentiels import enregistrer, lire


@transaction.atomic
def charger_referentiels_contrat(mettre_a_jour=False):
    from .models import Cycle, Engagement, IndicateurHarmonise, Objectif, SourceFinancement

    sources = {}
    for s in lire("referentiels/sources_financement.json"):
        code = s.pop("code")
        sources[code] = enregistrer(SourceFinancement, {"code": code}, s, mettre_a_jour)

    for c in lire("referentiels/cycles.json"):
        engagements_data, objectifs_data = c.pop("engagements"), c.pop("objectifs")
        cycle = enregistrer(Cycle, {"libelle": c.pop("libelle")}, c, mettre_a_jour)
        engagements = {
            e["numero"]: enregistrer(
                Engagement, {"cycle": cycle, "numero": e["numero"]}, {"titre": e["titre"]}, mettre_a_jour
            )
            for e in engagements_data
        }
        deja = set(cycle.objectifs.values_list("numero", flat=True))
        for o in objectifs_data:
            if o["numero"] in deja and not mettre_a_jour:
                continue
            objectif = enregistrer(
                Objectif,
                {"cycle": cycle, "numero": o["numero"]},
                {
                    "engagement": engagements[o["engagement"]],
                    "titre": o["titre"],
                    "mesure": o["mesure"],
                    "obligatoire": o["obligatoire"],
                    "provisoire": o["provisoire"],
                },
                mettre_a_jour,
            )
            objectif.sources.set([sources[code] for code in o["sources"]])

    indicateurs = {i.code: i for i in IndicateurHarmonise.objects.all()}
    for i in lire("referentiels/indicateurs_harmonises.json"):
        if i["code"] in indicateurs and not mettre_a_jour:
            continue
        numerateur, denominateur = i.pop("numerateur"), i.pop("denominateur")
        i["numerateur"] = indicateurs.get(numerateur)
        i["denominateur"] = indicateurs.get(denominateur)
        code = i.pop("code")
        indicateurs[code] = enregistrer(IndicateurHarmonise, {"code": code}, i, mettre_a_jour)
