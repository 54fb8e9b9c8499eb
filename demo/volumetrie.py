"""Un volume national réaliste, à la demande : un contrat par collectivité, avec ses objectifs et ses
financements, et des utilisateurs pour chaque territoire. Création en masse (bulk_create), déterministe
pour une graine donnée. Chaque application ajoute sa part (module `<application>.volumetrie`)."""

import random
from datetime import date
from decimal import Decimal
from importlib import import_module

from django.contrib.auth.hashers import make_password
from django.db import transaction

from contractualisation.enums import StatutContrat
from contractualisation.models import Contrat, Cycle, Financement, ObjectifContrat, SourceFinancement
from core.enums import Role
from core.models import Adhesion, Collectivite, Institution, TypeInstitution, Utilisateur

MOT_DE_PASSE_VOLUME = "Volume-Enfance-2025!"
EMAIL_NATIONAL = "dgcs.volume@volume.gouv.fr"


def email_referent(collectivite):
    return f"referent.{collectivite.slug}@volume.gouv.fr"


def creer_contrats(nombre, graine):
    hasard = random.Random(graine)
    cycle = Cycle.objects.get(libelle="2025-2027")
    objectifs = list(cycle.objectifs.order_by("numero"))
    sources = {s.code: s for s in SourceFinancement.objects.all()}
    collectivites = list(Collectivite.objects.order_by("nom").prefetch_related("departements")[:nombre])
    deja = set(Contrat.objects.filter(cycle=cycle).values_list("collectivite_id", flat=True))
    collectivites = [c for c in collectivites if c.pk not in deja]

    statuts = [StatutContrat.SIGNE] * 8 + [StatutContrat.PROJET_TRANSMIS] * 2
    contrats = Contrat.objects.bulk_create(
        Contrat(
            collectivite=c,
            cycle=cycle,
            slug=f"{c.slug}-{cycle.libelle}",
            statut=(statut := hasard.choice(statuts)),
            date_projet_transmis=date(2025, hasard.randint(5, 7), hasard.randint(1, 28)),
            date_signature=date(2025, hasard.randint(9, 11), hasard.randint(1, 28)) if statut == "signe" else None,
        )
        for c in collectivites
    )
    ObjectifContrat.objects.bulk_create(ObjectifContrat(contrat=k, objectif=o) for k in contrats for o in objectifs)
    lignes = []
    for contrat in contrats:
        for objectif in objectifs:
            etat = [sources[s.code] for s in objectif.sources.all()] or [sources["bop304"]]
            for annee in cycle.annees:
                montant_etat = Decimal(hasard.randrange(20_000, 400_000, 500))
                lignes.append(
                    Financement(contrat=contrat, objectif=objectif, annee=annee, source=etat[0], montant=montant_etat)
                )
                part = Decimal(hasard.choice(["0.9", "1", "1.05", "1.2"]))
                lignes.append(
                    Financement(
                        contrat=contrat,
                        objectif=objectif,
                        annee=annee,
                        source=sources["departement"],
                        montant=(montant_etat * part).quantize(1),
                    )
                )
                if hasard.random() < 0.3:
                    lignes.append(
                        Financement(
                            contrat=contrat,
                            objectif=objectif,
                            annee=annee,
                            source=sources["autres"],
                            montant=Decimal(hasard.randrange(5_000, 60_000, 500)),
                        )
                    )
    Financement.objects.bulk_create(lignes, batch_size=5000)

    mot_de_passe = make_password(MOT_DE_PASSE_VOLUME)
    type_cd = TypeInstitution.objects.get(code="cd")
    institutions = Institution.objects.bulk_create(
        Institution(nom=f"Conseil départemental — {c.nom} (volume)", type=type_cd, collectivite=c)
        for c in collectivites
    )
    utilisateurs = Utilisateur.objects.bulk_create(
        Utilisateur(email=email_referent(c), first_name="Référent", last_name=c.nom[:100], password=mot_de_passe)
        for c in collectivites
    )
    Adhesion.objects.bulk_create(
        Adhesion(utilisateur=u, institution=i, role=Role.REFERENT)
        for u, i in zip(utilisateurs, institutions, strict=True)
    )
    if not Utilisateur.objects.filter(email=EMAIL_NATIONAL).exists():
        national = Utilisateur.objects.create(
            email=EMAIL_NATIONAL, first_name="Lecteur", last_name="DGCS", password=mot_de_passe
        )
        Adhesion.objects.create(
            utilisateur=national, institution=Institution.objects.get(nom="DGCS"), role=Role.LECTEUR
        )
    return contrats


# Chaque application ajoute sa part (module `<application>.volumetrie`, fonction `peupler_volume(contrats, hasard)`).
APPLICATIONS = ["fiches", "suivi", "espace_partage", "pratiques", "rapports"]


@transaction.atomic
def construire_volume(nombre_contrats=100, graine=2025):
    contrats = creer_contrats(nombre_contrats, graine)
    hasard = random.Random(graine + 1)
    for application in APPLICATIONS:
        import_module(f"{application}.volumetrie").peupler_volume(contrats, hasard)
    return contrats
