"""Un faux démon clamd sur une vraie socket TCP, qui suit le protocole INSTREAM : commande `zINSTREAM\\0`, puis des
morceaux précédés de leur longueur (4 octets, ordre réseau), un morceau de longueur nulle pour finir ; réponse
`stream: OK\\0`, `stream: Eicar-Test-Signature FOUND\\0` si le flux contient la signature EICAR, ou
`INSTREAM size limit exceeded. ERROR\\0` au-delà de StreamMaxLength. Le vrai clamd n'est pas installable ici (il lui
faut des signatures téléchargées par freshclam)."""

import socket
import struct
import threading

import pytest

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def _lire_exactement(connexion, n):
    recu = b""
    while len(recu) < n:
        morceau = connexion.recv(n - len(recu))
        if not morceau:
            raise ConnectionError("flux interrompu")
        recu += morceau
    return recu


class ClamdFactice:
    def __init__(self, longueur_max=25 * 1024 * 1024):
        self.longueur_max = longueur_max
        self.flux_recus = []  # le contenu de chaque flux analysé, dans l'ordre
        self.serveur = socket.create_server(("127.0.0.1", 0))
        self.port = self.serveur.getsockname()[1]
        threading.Thread(target=self.servir, daemon=True).start()

    def servir(self):
        while True:
            try:
                connexion, _ = self.serveur.accept()
            except OSError:
                return
            with connexion:
                try:
                    connexion.sendall(self.repondre(connexion))
                except (ConnectionError, OSError):
                    pass

    def repondre(self, connexion):
        commande = _lire_exactement(connexion, len(b"zINSTREAM\0"))
        if commande != b"zINSTREAM\0":
            return b"UNKNOWN COMMAND\0"
        flux = b""
        while True:
            (longueur,) = struct.unpack("!L", _lire_exactement(connexion, 4))
            if longueur == 0:
                break
            flux += _lire_exactement(connexion, longueur)
            if len(flux) > self.longueur_max:
                return b"INSTREAM size limit exceeded. ERROR\0"
        self.flux_recus.append(flux)
        return b"stream: Eicar-Test-Signature FOUND\0" if EICAR in flux else b"stream: OK\0"


@pytest.fixture
def clamd(settings):
    """CLAMD_HOST pointe sur un faux clamd démarré pour le test (comme en production avec le service `clamav`)."""
    faux = ClamdFactice()
    settings.CLAMD_HOST, settings.CLAMD_PORT, settings.CLAMD_TIMEOUT = "127.0.0.1", faux.port, 5
    yield faux
    faux.serveur.close()
