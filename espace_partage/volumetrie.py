"""La part de `espace_partage` dans le volume national (appelée par demo/volumetrie.py, en création de masse).

Quelques centaines de ressources réparties entre l'espace national, les espaces régionaux et départementaux des
contrats créés : deux tiers de liens, un tiers de petits fichiers texte ou CSV (non analysés, comme en démo)."""

import hashlib
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from contractualisation.models import Objectif
from core.enums import Analyse
from core.models import Adhesion, Utilisateur

from .enums import Niveau, Section
from .models import Espace, Ressource, VersionFichier, chemin_fichier

SUJETS = [
    ("Protocole de recueil des informations préoccupantes", "le circuit de la CRIP, les délais d'évaluation", 4),
    ("Entretien prénatal précoce", "l'organisation des entretiens par les sages-femmes de PMI", 2),
    ("Visites à domicile pré et postnatales", "le ciblage des familles et le suivi des visites", 2),
    ("Bilans de santé en école maternelle", "le calendrier avec l'Éducation nationale et les outils de dépistage", 3),
    ("Projet pour l'enfant", "la trame commune et les rubriques obligatoires", 7),
    ("Scolarité des enfants protégés", "la convention avec la DSDEN et le référent scolarité", 8),
    ("Accès à l'autonomie des jeunes majeurs", "les contrats jeunes majeurs et le logement", 9),
    ("Enfants protégés en situation de handicap", "la coordination avec la MDPH et l'ARS", 10),
    ("Contrôle des lieux d'accueil", "la grille de visite et le suivi des recommandations", 11),
    ("Parrainage et mentorat", "le recrutement des parrains et l'accompagnement des binômes", 12),
    ("Formation des professionnels", "le plan de formation partagé et les modules communs", 13),
    ("Soutien à la parentalité", "les lieux d'accueil enfants-parents et les groupes de parole", 6),
]
FORMES = [
    (Section.METHODES, "Méthode : {sujet}", "Une méthode pas à pas sur {detail}."),
    (Section.MODELES, "Modèle — {sujet}", "Un modèle prêt à adapter : {detail}."),
    (Section.RETOURS, "Retour d'expérience : {sujet}", "Ce que nous avons appris sur {detail}, après un an."),
    (Section.OUTILS, "Outil pratique : {sujet}", "Un tableau de suivi pour {detail}."),
]


def _ressource(espace, auteur, institution_id, hasard, maintenant):
    sujet, detail, numero = hasard.choice(SUJETS)
    section, titre, resume = hasard.choice(FORMES)
    ressource = Ressource(
        espace=espace,
        section=section,
        titre=titre.format(sujet=sujet),
        resume=resume.format(detail=detail),
        auteur=auteur,
        institution_id=institution_id,
        lien="https://www.onpe.gouv.fr/" if hasard.random() < 2 / 3 else "",
        cree_le=maintenant - timedelta(days=hasard.randint(0, 400), minutes=hasard.randint(0, 1440)),
    )
    ressource.numero_objectif = numero
    return ressource


def peupler_volume(contrats, hasard):
    maintenant = timezone.now()
    objectifs = {o.numero: o for o in Objectif.objects.filter(cycle__libelle="2025-2027")}
    emails = {f"referent.{c.collectivite.slug}@volume.gouv.fr": c.collectivite for c in contrats}
    auteurs = {u.email: u for u in Utilisateur.objects.filter(email__in=emails)}
    institutions = dict(
        Adhesion.objects.filter(utilisateur__in=auteurs.values()).values_list("utilisateur_id", "institution_id")
    )
    national = Espace.objects.get(niveau=Niveau.NATIONAL)
    espaces_dep = {e.departement_id: e for e in Espace.objects.filter(niveau=Niveau.DEPARTEMENTAL)}
    espaces_reg = {e.region_id: e for e in Espace.objects.filter(niveau=Niveau.REGIONAL)}

    ressources = []
    for email, collectivite in emails.items():
        auteur = auteurs.get(email)
        if auteur is None:
            continue
        origine = (institutions.get(auteur.pk), hasard)
        for departement in collectivite.departements.all():
            for _ in range(hasard.randint(2, 4)):
                ressources.append(_ressource(espaces_dep[departement.pk], auteur, *origine, maintenant))
        if hasard.random() < 0.5:
            ressources.append(_ressource(espaces_reg[collectivite.region_id], auteur, *origine, maintenant))
        if hasard.random() < 0.3:
            ressources.append(_ressource(national, auteur, *origine, maintenant))
    crees = Ressource.objects.bulk_create(ressources, batch_size=1000)
    Ressource.objectifs.through.objects.bulk_create(
        [
            Ressource.objectifs.through(ressource_id=r.pk, objectif=objectifs[o.numero_objectif])
            for r, o in zip(crees, ressources, strict=True)
            if o.numero_objectif in objectifs
        ],
        batch_size=2000,
    )

    versions = []
    for ressource in crees:
        if ressource.lien:
            continue
        contenu = (
            f"{ressource.titre}\n\n{ressource.resume}\n\n"
            "Document de travail partagé dans l'espace, à adapter au contexte local.\n"
        ).encode()
        nom = default_storage.save(chemin_fichier(None, "document.txt"), ContentFile(contenu))
        versions.append(
            VersionFichier(
                ressource=ressource,
                numero=1,
                fichier=nom,
                nom_original=f"document-{ressource.pk}.txt",
                taille=len(contenu),
                type_mime="text/plain",
                empreinte=hashlib.sha256(contenu).hexdigest(),
                analyse=Analyse.NON_ANALYSE,
                depose_par=ressource.auteur,
                depose_le=ressource.cree_le,
            )
        )
    VersionFichier.objects.bulk_create(versions, batch_size=1000)
