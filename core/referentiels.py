"""Chargement idempotent des référentiels livrés dans fixtures/ (territoires, collectivités, types
d'institution). Ce qui existe déjà n'est pas écrasé, sauf demande explicite : les corrections faites par
l'administration nationale dans l'application sont conservées."""

import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction

GROUPE_COMITE_SELECTION = "Comité de sélection des pratiques inspirantes"

INSTITUTIONS_NATIONALES = [
    ("DGCS", "dgcs"),
    ("DGS", "dgs"),
    ("France Enfance Protégée (ONPE)", "fep"),
]


def lire(nom):
    chemin = Path(settings.BASE_DIR) / "fixtures" / nom
    return json.loads(chemin.read_text(encoding="utf-8"))


def enregistrer(modele, cles, valeurs, mettre_a_jour):
    if mettre_a_jour:
        objet, _ = modele.objects.update_or_create(**cles, defaults=valeurs)
    else:
        objet, _ = modele.objects.get_or_create(**cles, defaults=valeurs)
    return objet


@transaction.atomic
def charger_territoires(mettre_a_jour=False):
    from .models import Collectivite, Departement, Region, TypeInstitution

    cog = lire("territoires_cog.json")
    if Region.objects.count() == len(cog["regions"]) and not mettre_a_jour:
        regions = {r.code: r for r in Region.objects.all()}
    else:
        regions = {
            r["code"]: enregistrer(Region, {"code": r["code"]}, {"nom": r["nom"]}, mettre_a_jour)
            for r in cog["regions"]
        }
    departements = {d.code: d for d in Departement.objects.all()}
    for d in cog["departements"]:
        if d["code"] not in departements or mettre_a_jour:
            departements[d["code"]] = enregistrer(
                Departement,
                {"code": d["code"]},
                {"nom": d["nom"], "region": regions[d["region"]]},
                mettre_a_jour,
            )
    existantes = set(Collectivite.objects.values_list("slug", flat=True))
    for c in lire("referentiels/collectivites.json"):
        if c["slug"] in existantes and not mettre_a_jour:
            continue
        deps = [departements[code] for code in c["departements"]]
        collectivite = enregistrer(
            Collectivite,
            {"slug": c["slug"]},
            {"nom": c["nom"], "type": c["type"], "region": deps[0].region},
            mettre_a_jour,
        )
        collectivite.departements.set(deps)
    for t in lire("referentiels/types_institution.json"):
        enregistrer(TypeInstitution, {"code": t.pop("code")}, t, mettre_a_jour)
    charger_institutions_nationales()
    Group.objects.get_or_create(name=GROUPE_COMITE_SELECTION)


def charger_institutions_nationales():
    from .models import Institution, TypeInstitution

    types = {t.code: t for t in TypeInstitution.objects.filter(code__in=[c for _, c in INSTITUTIONS_NATIONALES])}
    for nom, code in INSTITUTIONS_NATIONALES:
        Institution.objects.get_or_create(nom=nom, defaults={"type": types[code]})
