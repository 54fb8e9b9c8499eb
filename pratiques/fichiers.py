"""Contrôle strict des pièces jointes envoyées par le public : liste fermée de formats reconnus par leur
contenu (pas seulement l'extension), documents bureautiques sans macros, taille bornée."""

import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

# extension → signatures possibles du début du fichier
SIGNATURES = {
    "pdf": [b"%PDF-"],
    "png": [b"\x89PNG\r\n\x1a\n"],
    "jpg": [b"\xff\xd8\xff"],
    "jpeg": [b"\xff\xd8\xff"],
    "odt": [b"PK\x03\x04"],
    "ods": [b"PK\x03\x04"],
    "odp": [b"PK\x03\x04"],
    "docx": [b"PK\x03\x04"],
    "xlsx": [b"PK\x03\x04"],
    "pptx": [b"PK\x03\x04"],
}
FORMATS_LISIBLES = "PDF, PNG, JPEG, OpenDocument (odt, ods, odp) ou Office sans macros (docx, xlsx, pptx)"


def taille_max():
    return getattr(settings, "PRATIQUES_TAILLE_MAX_PIECE", 5 * 1024 * 1024)


def contient_des_macros(fichier):
    try:
        with zipfile.ZipFile(fichier) as archive:
            noms = [n.lower() for n in archive.namelist()]
    except zipfile.BadZipFile:
        raise ValidationError("Ce document bureautique est illisible ou endommagé.") from None
    finally:
        fichier.seek(0)
    return any(n.endswith("vbaproject.bin") or n.startswith("basic/") or n.startswith("scripts/") for n in noms)


def verifier_piece(fichier):
    nom = fichier.name or ""
    extension = nom.rsplit(".", 1)[-1].lower() if "." in nom else ""
    if extension not in SIGNATURES:
        raise ValidationError(f"Format non accepté pour « {nom} ». Formats acceptés : {FORMATS_LISIBLES}.")
    if fichier.size > taille_max():
        raise ValidationError(
            f"« {nom} » pèse {filesizeformat(fichier.size)} : la taille maximale est {filesizeformat(taille_max())}."
        )
    debut = fichier.read(16)
    fichier.seek(0)
    if not any(debut.startswith(s) for s in SIGNATURES[extension]):
        raise ValidationError(f"Le contenu de « {nom} » ne correspond pas à un fichier {extension.upper()}.")
    if SIGNATURES[extension] == [b"PK\x03\x04"] and contient_des_macros(fichier):
        raise ValidationError(f"« {nom} » contient des macros : enregistrez-le sans macros avant de l'envoyer.")
