"""La logique de l'espace partagé : fonctions simples, sans requête HTTP."""

import hashlib

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Max, Value
from django.utils import timezone

from core.models import Departement, Region
from core.taches import lancer

from . import antivirus
from .enums import Analyse, Niveau
from .fichiers import verifier_fichier
from .models import (
    Actualite,
    Commentaire,
    Espace,
    Membre,
    PieceJointe,
    Ressource,
    Theme,
    VersionFichier,
    debut_du_trimestre,
)
from .permissions import Droits


def creer_espaces():
    """Un espace national, un par région et un par département (idempotent, appelé après chaque migrate)."""
    Espace.objects.get_or_create(niveau=Niveau.NATIONAL, defaults={"nom": "Espace national"})
    existantes = set(Espace.objects.filter(niveau=Niveau.REGIONAL).values_list("region_id", flat=True))
    Espace.objects.bulk_create(
        Espace(niveau=Niveau.REGIONAL, region=r, nom=f"Espace régional — {r.nom}")
        for r in Region.objects.exclude(pk__in=existantes)
    )
    existants = set(Espace.objects.filter(niveau=Niveau.DEPARTEMENTAL).values_list("departement_id", flat=True))
    Espace.objects.bulk_create(
        Espace(niveau=Niveau.DEPARTEMENTAL, departement=d, nom=f"Espace départemental — {d.nom} ({d.code})")
        for d in Departement.objects.exclude(pk__in=existants)
    )


def institution_de(user):
    acces = user.perimetre.acces
    return acces[0].institution_id if acces else None


def themes_depuis(libelles):
    themes = []
    for libelle in libelles:
        libelle = " ".join(libelle.split())[:60]
        if libelle:
            theme = Theme.objects.filter(libelle__iexact=libelle).first() or Theme.objects.create(libelle=libelle)
            themes.append(theme)
    return themes


@transaction.atomic
def deposer_ressource(espace, user, *, section, titre, resume, lien="", objectifs=(), themes=(), fichier=None):
    ressource = Ressource(
        espace=espace,
        section=section,
        titre=titre,
        resume=resume,
        lien=lien,
        auteur=user,
        institution_id=institution_de(user),
    )
    ressource.full_clean()
    ressource.save()
    ressource.objectifs.set(objectifs)
    ressource.themes.set(themes_depuis(themes))
    if fichier is not None:
        ajouter_version(ressource, user, fichier)
    return ressource


@transaction.atomic
def modifier_ressource(ressource, *, titre, resume, lien, objectifs, themes):
    ressource.titre, ressource.resume, ressource.lien = titre, resume, lien
    ressource.full_clean()
    ressource.save()
    ressource.objectifs.set(objectifs)
    ressource.themes.set(themes_depuis(themes))
    return ressource


@transaction.atomic
def ajouter_version(ressource, user, fichier):
    """Enregistre une nouvelle version du fichier ; les précédentes restent téléchargeables."""
    verifie = verifier_fichier(fichier)
    numero = (ressource.versions.aggregate(n=Max("numero"))["n"] or 0) + 1
    version = VersionFichier(
        ressource=ressource,
        numero=numero,
        nom_original=verifie.nom,
        taille=verifie.taille,
        type_mime=verifie.type_mime,
        empreinte=verifie.empreinte,
        analyse=Analyse.EN_ATTENTE if antivirus.configure() else Analyse.NON_ANALYSE,
        depose_par=user,
    )
    fichier.seek(0)
    version.fichier.save(verifie.nom, fichier, save=False)
    version.save()
    Ressource.objects.filter(pk=ressource.pk).update(modifie_le=timezone.now())
    if version.analyse == Analyse.EN_ATTENTE:
        from .tasks import analyser_version

        lancer(analyser_version, version.pk)
    return version


def analyser_version(version):
    """Passe le fichier à ClamAV : sain → téléchargeable ; virus → fichier supprimé ; panne → bloqué."""
    if version.analyse != Analyse.EN_ATTENTE:
        return version.analyse
    try:
        with version.fichier.open("rb") as flux:
            virus = antivirus.analyser(flux)
    except antivirus.AntivirusIndisponible:
        version.analyse = Analyse.ERREUR
    else:
        if virus:
            version.fichier.delete(save=False)
            version.analyse = Analyse.INFECTE
        else:
            version.analyse = Analyse.SAIN
    version.save(update_fields=["analyse", "fichier"])
    # La ressource change d'aspect (téléchargeable ou non) : les fragments en cache qui la montrent aussi.
    Ressource.objects.filter(pk=version.ressource_id).update(modifie_le=timezone.now())
    return version.analyse


def mettre_en_avant(ressource):
    """Une seule ressource mise en avant par espace et par trimestre : la nouvelle remplace l'ancienne."""
    with transaction.atomic():
        Ressource.objects.filter(espace=ressource.espace, mise_en_avant_le__gte=debut_du_trimestre()).update(
            mise_en_avant_le=None
        )
        ressource.mise_en_avant_le = timezone.now()
        ressource.save(update_fields=["mise_en_avant_le", "modifie_le"])


def retirer_mise_en_avant(ressource):
    ressource.mise_en_avant_le = None
    ressource.save(update_fields=["mise_en_avant_le", "modifie_le"])


def archiver(ressource, archivee=True):
    ressource.archivee = archivee
    if archivee:
        ressource.mise_en_avant_le = None
    ressource.save(update_fields=["archivee", "mise_en_avant_le", "modifie_le"])


def deplacer(ressource, *, espace, section):
    if espace.pk != ressource.espace_id:
        ressource.mise_en_avant_le = None  # la mise en avant vaut pour l'espace d'origine
    ressource.espace, ressource.section = espace, section
    ressource.save(update_fields=["espace", "section", "mise_en_avant_le", "modifie_le"])


def commenter(ressource, user, texte):
    commentaire = Commentaire(ressource=ressource, auteur=user, texte=texte.strip())
    commentaire.full_clean()
    commentaire.save()
    return commentaire


def publier_actualite(espace, user, *, titre, texte):
    actualite = Actualite(espace=espace, auteur=user, titre=titre, texte=texte)
    actualite.full_clean()
    actualite.save()
    return actualite


def inviter(espace, par, utilisateur, animateur=False):
    membre, _ = Membre.objects.update_or_create(
        espace=espace, utilisateur=utilisateur, defaults={"animateur": animateur, "invite_par": par}
    )
    return membre


def retirer_invitation(espace, utilisateur_id):
    Membre.objects.filter(espace=espace, utilisateur_id=utilisateur_id).delete()


def joindre(ressource, objet, user):
    """Rattache une ressource de l'espace à un objet d'une autre application (fiche, réunion…), sans
    nouveau dépôt. Lève PermissionDenied si l'utilisateur ne voit pas la ressource."""
    if not Droits(user, ressource.espace).voit:
        raise PermissionDenied
    piece, _ = PieceJointe.objects.get_or_create(
        ressource=ressource,
        type_objet=ContentType.objects.get_for_model(objet),
        id_objet=objet.pk,
        defaults={"ajoutee_par": user},
    )
    return piece


def detacher(ressource, objet):
    PieceJointe.objects.filter(
        ressource=ressource, type_objet=ContentType.objects.get_for_model(objet), id_objet=objet.pk
    ).delete()


def pieces_jointes(objet, user):
    """Les ressources jointes à un objet que l'utilisateur peut voir, avec leur dernière version. La plupart des
    objets n'en ont aucune : une requête simple le dit, avant la requête complète (visibilité, versions)."""
    type_objet = ContentType.objects.get_for_model(objet)
    if not PieceJointe.objects.filter(type_objet=type_objet, id_objet=objet.pk).exists():
        return Ressource.objects.none()
    return (
        Ressource.objects.visibles_par(user)
        .filter(pieces_jointes__type_objet=type_objet, pieces_jointes__id_objet=objet.pk)
        .pour_liste()
        .order_by("titre")
    )


def nouveautes(user, depuis):
    """Ce qui est nouveau depuis une date dans les espaces que l'utilisateur voit (pour le résumé)."""
    espaces = Espace.objects.visibles_par(user)
    ressources = list(
        Ressource.objects.actives()
        .filter(espace__in=espaces, cree_le__gte=depuis)
        .select_related("espace", "institution")
        .order_by("espace__nom", "-cree_le")[:50]
    )
    actualites = list(
        Actualite.objects.filter(espace__in=espaces, publiee_le__gte=depuis).select_related("espace")[:20]
    )
    return ressources, actualites


def etat_des_espaces(espace_ids):
    """Une empreinte de ce que montrent ces espaces, pour les clés de cache : les espaces eux-mêmes, le trimestre
    (mises en avant), et pour leurs ressources, versions, commentaires et actualités le nombre de lignes et la
    dernière date (une ressource modifiée, archivée, mise en avant ou déplacée change de `modifie_le`). Une
    requête."""
    parties = [
        modele.objects.filter(**{filtre: espace_ids})
        .order_by()
        .annotate(table=Value(modele.__name__))
        .values("table")
        .annotate(n=Count("pk"), d=Max(champ))
        for modele, filtre, champ in (
            (Ressource, "espace_id__in", "modifie_le"),
            (VersionFichier, "ressource__espace_id__in", "depose_le"),
            (Commentaire, "ressource__espace_id__in", "cree_le"),
            (Actualite, "espace_id__in", "publiee_le"),
        )
    ]
    etat = [f"{e['table']}:{e['n']}:{e['d']}" for e in parties[0].union(*parties[1:], all=True)]
    texte = "|".join([",".join(map(str, espace_ids)), debut_du_trimestre().isoformat(), *sorted(etat)])
    return hashlib.sha256(texte.encode()).hexdigest()
