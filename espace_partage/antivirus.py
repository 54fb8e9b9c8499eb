"""Analyse antivirus par ClamAV (démon clamd, commande INSTREAM), quand CLAMD_HOST est configuré."""

import socket
import struct

from django.conf import settings

TAILLE_BLOC = 64 * 1024


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
    raise AntivirusIndisponible(texte or "réponse vide de clamd")
