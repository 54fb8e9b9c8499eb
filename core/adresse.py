"""L'adresse IP du client, pour les limites de débit (django-ratelimit) et le verrouillage (django-axes).

Derrière un mandataire inverse (nginx, puis le réseau Docker), REMOTE_ADDR est celle du mandataire pour tout le
monde : une limite « par adresse » s'appliquerait alors à tous les agents à la fois. Chaque mandataire de confiance
ajoute l'adresse qu'il voit à droite de X-Forwarded-For ; avec PROXIES_DE_CONFIANCE = n, l'adresse du client est la
n-ième en partant de la droite. Ce qui est plus à gauche a été écrit par le client lui-même et n'est pas lu.
"""

import ipaddress

from django.conf import settings


def adresse_client(request):
    distante = request.META.get("REMOTE_ADDR", "")
    mandataires = settings.PROXIES_DE_CONFIANCE
    if not mandataires:
        return distante
    adresses = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    if len(adresses) < mandataires:
        return distante
    try:
        return str(ipaddress.ip_address(adresses[-mandataires]))
    except ValueError:
        return distante
