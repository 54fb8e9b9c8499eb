"""Analyse antivirus de tout fichier déposé par ClamAV (démon clamd, commande INSTREAM sur TCP), quand
CLAMD_HOST est configuré (docker-compose : service `clamav`).

Chaque fichier enregistré par un service passe « en attente » et une tâche Celery l'analyse après la
transaction (`programmer`) : sain → téléchargeable ; virus → fichier supprimé ; clamd injoignable → bloqué,
réessayé par `reprendre_analyses` (Celery beat). Sans CLAMD_HOST, les fichiers sont « non analysés » et servis.
"""

import logging
import socket
import struct

from django.apps import apps
from django.conf import settings

from .enums import Analyse

TAILLE_BLOC = 64 * 1024
journal = logging.getLogger(__name__)


class AntivirusIndisponible(Exception):
    pass


def configure():
    return bool(settings.CLAMD_HOST)


def analyser(flux):
    """Renvoie None si le flux est sain, sinon le nom du virus trouvé. Lève AntivirusIndisponible."""
    try:
        with socket.create_connection((settings.CLAMD_HOST, settings.CLAMD_PORT), timeout=settings.CLAMD_TIMEOUT) as s:
            s.sendall(b"zINSTREAM\0")
            while bloc := flux.read(TAILLE_BLOC):
                s.sendall(struct.pack("!L", len(bloc)) + bloc)
            s.sendall(struct.pack("!L", 0))
            reponse = b""
            while not reponse.endswith(b"\0"):
                morceau = s.recv(4096)
                if not morceau:
                    break
                reponse += morceau
    except OSError as erreur:
        raise AntivirusIndisponible(str(erreur)) from erreur
    texte = reponse.rstrip(b"\0").decode("utf-8", errors="replace").strip()
    if texte.endswith("OK"):
        return None
    if texte.endswith("FOUND"):
        return texte.removeprefix("stream:").removesuffix("FOUND").strip()
    # « INSTREAM size limit exceeded. ERROR » (StreamMaxLength de clamd), réponse vide…
    raise AntivirusIndisponible(texte or "réponse vide de clamd")


def statut_initial():
    """L'état d'un fichier qu'un service vient de déposer."""
    return Analyse.EN_ATTENTE if configure() else Analyse.NON_ANALYSE


def programmer(objet):
    """Programme l'analyse d'un fichier déposé (un FichierDepose) après la transaction qui l'enregistre, par le
    seul chemin vers Celery (`core.taches.lancer` : broker injoignable, la tâche attend en base et repart à son
    retour). Le fichier reste « en attente » (donc non servi) jusqu'à l'analyse ; `reprendre_analyses` rattrape
    aussi ce qui aurait été perdu."""
    from .taches import lancer
    from .tasks import analyser_fichier

    if objet.analyse == Analyse.EN_ATTENTE:
        lancer(analyser_fichier, objet._meta.label_lower, objet.pk)


def analyser_objet(objet):
    """Passe le fichier d'un FichierDepose « en attente » à ClamAV et enregistre le résultat. Idempotent et sûr
    si deux analyses du même fichier se croisent : seule la première à conclure écrit."""
    if objet.analyse != Analyse.EN_ATTENTE:
        return objet.analyse
    fichier = objet.fichier_depose
    virus = None
    try:
        with fichier.open("rb") as flux:
            virus = analyser(flux)
    except AntivirusIndisponible as erreur:
        journal.warning("Antivirus indisponible pour %s %s : %s", objet._meta, objet.pk, erreur)
        statut = Analyse.ERREUR
    except (OSError, ValueError) as erreur:  # fichier absent du stockage
        journal.warning("Fichier de %s %s illisible : %s", objet._meta, objet.pk, erreur)
        statut = Analyse.ERREUR
    else:
        statut = Analyse.INFECTE if virus else Analyse.SAIN
    conclu = type(objet).objects.filter(pk=objet.pk, analyse=Analyse.EN_ATTENTE).update(analyse=statut)
    if not conclu:
        objet.refresh_from_db(fields=["analyse"])
        return objet.analyse
    objet.analyse = statut
    if statut == Analyse.INFECTE:
        journal.warning("Virus %s dans %s %s : fichier supprimé", virus, objet._meta, objet.pk)
        fichier.delete(save=False)
        type(objet).objects.filter(pk=objet.pk).update(**{objet.CHAMP_FICHIER: ""})
    objet.apres_analyse()
    return statut


def modeles_de_fichiers():
    from .models import FichierDepose

    return [m for m in apps.get_models() if issubclass(m, FichierDepose)]


def reprendre_analyses():
    """Avec un antivirus configuré : (re)programme l'analyse de tout fichier encore « en attente » (tâche
    perdue), bloqué par une panne de clamd, ou déposé avant la configuration de l'antivirus. Renvoie le nombre
    de fichiers repris."""
    from .taches import publier
    from .tasks import analyser_fichier

    if not configure():
        return 0
    repris = 0
    a_reprendre = [Analyse.EN_ATTENTE, Analyse.ERREUR, Analyse.NON_ANALYSE]
    for modele in modeles_de_fichiers():
        champ = modele.CHAMP_FICHIER
        objets = modele.objects.filter(analyse__in=a_reprendre).exclude(**{champ: ""})
        for objet in objets.only("pk", "analyse", champ).iterator():
            if objet.analyse != Analyse.EN_ATTENTE:
                modele.objects.filter(pk=objet.pk).update(analyse=Analyse.EN_ATTENTE)
                objet.analyse = Analyse.EN_ATTENTE
            publier(analyser_fichier, (objet._meta.label_lower, objet.pk))  # tout de suite : rien à valider
            repris += 1
    return repris
