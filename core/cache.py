"""Le cache Redis de la production, qui ne fait jamais tomber une page.

Redis injoignable ou en erreur (arrêté, redémarré, réseau coupé, plein, saturé au-delà des délais courts des
`OPTIONS`) : chaque opération se comporte comme un cache vide — `get` rend la valeur par défaut, `add`/`set`/`delete`
ne font rien, `incr` lève `ValueError` (ce que django-ratelimit lit comme « compteur indisponible » : avec
`RATELIMIT_FAIL_OPEN`, les limites ne s'appliquent pas pendant la panne). Les pages sont calculées, les sessions
`cached_db` lues en base.

- Après un échec, le processus ne réessaie Redis qu'au bout de `PAUSE_APRES_ECHEC` secondes : une panne ne coûte
  pas un délai de connexion par opération (une page en fait une dizaine).
- Journal `core.cache` : une ligne au début de la panne, une par minute au plus tant qu'elle dure (avec le nombre
  d'opérations servies sans cache), une au retour.
- Au retour, les clés de cette instance (`KEY_PREFIX`) sont effacées : pendant la panne, les effacements
  (déconnexion, droits modifiés, versions des fragments) n'ont pas pu être faits, et un Redis qui garde ses données
  (`appendonly`, coupure réseau) rendrait sinon une session fermée ou des droits retirés.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger("core.cache")

# Les erreurs d'une panne : réseau, délai dépassé, Redis qui charge ses données, plein (OOM), en lecture seule, ou
# autre chose que Redis à cette adresse (RedisError les couvre toutes). OSError : une erreur de socket que redis-py
# n'a pas enveloppée (résolution du nom d'hôte, notamment). Pour un cache, toutes valent « absent ».
ERREURS_DE_PANNE = (RedisError, OSError)
INTERVALLE_JOURNAL = 60


class CacheIndisponible(ValueError):
    """`incr` pendant une panne : comme une clé absente (django-ratelimit l'attrape)."""


class EtatDuCache:
    """L'état du Redis vu par ce processus (partagé par ses fils d'exécution : un cache par fil, un état par
    serveur et préfixe)."""

    def __init__(self, pause):
        self.verrou = threading.Lock()
        self.pause = pause
        self.en_panne_depuis = None  # time.monotonic()
        self.reessayer_a = 0.0
        self.journalise_a = 0.0
        self.sans_cache = 0

    def en_pause(self):
        if time.monotonic() >= self.reessayer_a:
            return False
        with self.verrou:
            self.sans_cache += 1
        return True

    def echec(self, operation, erreur):
        maintenant = time.monotonic()
        with self.verrou:
            self.reessayer_a = maintenant + self.pause
            self.sans_cache += 1
            if self.en_panne_depuis is None:
                self.en_panne_depuis = self.journalise_a = maintenant
                logger.warning(
                    "Cache Redis injoignable (%s : %s) : pages calculées sans cache, sessions lues en base, "
                    "limites d'envoi non appliquées jusqu'à son retour.",
                    operation,
                    erreur,
                )
            elif maintenant - self.journalise_a >= INTERVALLE_JOURNAL:
                self.journalise_a = maintenant
                logger.warning(
                    "Cache Redis toujours injoignable depuis %d s (%d opérations sans cache).",
                    maintenant - self.en_panne_depuis,
                    self.sans_cache,
                )

    def retour(self):
        with self.verrou:
            if self.en_panne_depuis is None:
                return  # un autre fil l'a déjà constaté
            logger.warning(
                "Cache Redis revenu après %d s (%d opérations sans cache) : clés de l'instance effacées.",
                time.monotonic() - self.en_panne_depuis,
                self.sans_cache,
            )
            self.en_panne_depuis = None
            self.sans_cache = 0


_etats = {}
_etats_verrou = threading.Lock()


def _motif_redis(texte):
    return "".join("\\" + c if c in "*?[]\\" else c for c in texte)


class CacheTolerant(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        cle = (tuple(self._servers), self.key_prefix)
        with _etats_verrou:
            self._etat = _etats.setdefault(cle, EtatDuCache(float(params.get("PAUSE_APRES_ECHEC", 2))))

    def _essayer(self, operation, appel, repli):
        etat = self._etat
        if etat.en_panne_depuis is not None and (etat.en_pause() or not self._revenir()):
            return repli()
        try:
            return appel()
        except ERREURS_DE_PANNE as erreur:
            etat.echec(operation, erreur)
            return repli()

    def _revenir(self):
        """Première opération après une panne : le ménage d'abord (une session fermée pendant la panne ne doit pas
        être relue), l'opération ensuite."""
        try:
            self._effacer_l_instance()
        except ERREURS_DE_PANNE as erreur:
            self._etat.echec("retour", erreur)
            return False
        self._etat.retour()
        return True

    def _effacer_l_instance(self):
        """Les clés de Django sont « préfixe:version:clé » (KEY_FUNCTION par défaut) : le motif ne touche ni les
        files Celery (même base Redis) ni une autre instance (autre préfixe) qui partagerait ce Redis."""
        client = self._cache.get_client(write=True)
        lot = []
        for cle in client.scan_iter(match=_motif_redis(self.key_prefix) + ":*", count=1000):
            lot.append(cle)
            if len(lot) == 1000:
                client.unlink(*lot)
                lot = []
        if lot:
            client.unlink(*lot)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        parent = super()
        return self._essayer("add", lambda: parent.add(key, value, timeout, version), lambda: False)

    def get(self, key, default=None, version=None):
        parent = super()
        return self._essayer("get", lambda: parent.get(key, default, version), lambda: default)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        parent = super()
        return self._essayer("set", lambda: parent.set(key, value, timeout, version), lambda: None)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        parent = super()
        return self._essayer("touch", lambda: parent.touch(key, timeout, version), lambda: False)

    def delete(self, key, version=None):
        parent = super()
        return self._essayer("delete", lambda: parent.delete(key, version), lambda: False)

    def get_many(self, keys, version=None):
        parent = super()
        return self._essayer("get_many", lambda: parent.get_many(keys, version), dict)

    def has_key(self, key, version=None):
        parent = super()
        return self._essayer("has_key", lambda: parent.has_key(key, version), lambda: False)

    def incr(self, key, delta=1, version=None):
        def repli():
            raise CacheIndisponible(f"Cache injoignable : compteur {key!r} indisponible.")

        parent = super()
        return self._essayer("incr", lambda: parent.incr(key, delta, version), repli)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        parent = super()
        return self._essayer("set_many", lambda: parent.set_many(data, timeout, version), lambda: list(data))

    def delete_many(self, keys, version=None):
        parent = super()
        return self._essayer("delete_many", lambda: parent.delete_many(keys, version), lambda: None)

    def clear(self):
        """Les clés de cette instance seulement : FLUSHDB viderait aussi les files de Celery et les autres
        instances."""
        return self._essayer("clear", self._effacer_l_instance, lambda: None)

    def joignable(self):
        """Pour /sante/ : un PING, sans tenir compte de la pause (la sonde doit voir le retour)."""
        try:
            return bool(self._cache.get_client().ping())
        except ERREURS_DE_PANNE:
            return False
