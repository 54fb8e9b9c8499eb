"""La seule réponse qui sert un fichier déposé, pour toutes les vues de téléchargement (espace partagé, pièces
des relevés, documents du rapport, pièces des pratiques). Chaque vue vérifie d'abord les droits (objet lu par
son périmètre, puis `permissions.py`) ; ici, seulement ce que toute réponse de fichier doit être :

- `Content-Disposition: attachment` avec le nom d'origine nettoyé (RFC 6266 / 5987 : `filename*=utf-8''…` pour un
  nom accentué) : le navigateur enregistre, il n'affiche jamais ;
- `X-Content-Type-Options: nosniff` et `Content-Security-Policy: default-src 'none'; sandbox` : même ouvert, un
  fichier ne peut ni être interprété comme une page ni exécuter de script. django-csp ne remplace pas un en-tête
  CSP déjà posé par la vue (son middleware ne l'écrit que s'il est absent) ; `_csp_exempt` le dit en plus ;
- `Cache-Control: private, no-store` : un fichier réservé ne reste dans aucun cache partagé ;
- derrière nginx (`FICHIERS_X_ACCEL_PREFIXE`) et avec un stockage sur disque, le fichier est servi par nginx
  (`X-Accel-Redirect`) ; sinon il est lu par le stockage (`storage.open`), ce qui marche aussi sur S3.
"""

from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header

from .fichiers import nettoyer_nom, type_mime_de

CSP_TELECHARGEMENT = "default-src 'none'; sandbox"


def reponse_fichier(nom_stocke, nom, type_mime=None, stockage=None):
    """Sert le fichier `nom_stocke` du stockage (par défaut `default_storage`) sous le nom `nom`."""
    stockage = stockage or default_storage
    nom = nettoyer_nom(nom) or "fichier"
    type_mime = type_mime or type_mime_de(nom)
    if settings.FICHIERS_X_ACCEL_PREFIXE and isinstance(stockage, FileSystemStorage):
        reponse = HttpResponse(content_type=type_mime)
        reponse["X-Accel-Redirect"] = settings.FICHIERS_X_ACCEL_PREFIXE.rstrip("/") + "/" + quote(nom_stocke)
    else:
        try:
            flux = stockage.open(nom_stocke, "rb")
        except FileNotFoundError:
            raise Http404("Ce fichier n'existe plus.") from None
        reponse = FileResponse(flux, as_attachment=True, filename=nom, content_type=type_mime)
    reponse["Content-Disposition"] = content_disposition_header(True, nom)
    reponse["X-Content-Type-Options"] = "nosniff"
    reponse["Content-Security-Policy"] = CSP_TELECHARGEMENT
    reponse["Cache-Control"] = "private, no-store"
    reponse._csp_exempt = True
    reponse._csp_exempt_ro = True
    return reponse


def reponse_telechargement(objet):
    """Sert le fichier d'un FichierDepose s'il est téléchargeable (présent, et sain quand l'antivirus est
    configuré) ; sinon 404 avec son état."""
    if not objet.telechargeable:
        raise Http404("Ce fichier n'est pas téléchargeable : " + objet.get_analyse_display())
    fichier = objet.fichier_depose
    return reponse_fichier(fichier.name, objet.nom_depose, objet.type_mime_depose, stockage=fichier.storage)
