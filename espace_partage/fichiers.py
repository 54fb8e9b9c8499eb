"""Contrôle des fichiers déposés : liste blanche, contenu conforme à l'extension, pas de macro, taille.

Un fichier refusé ne touche jamais le stockage : la vérification a lieu avant tout enregistrement.
"""

import hashlib
import io
import zipfile
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError

# extension → (type MIME servi, type reconnu par `filetype` ou None pour du texte)
TYPES_AUTORISES = {
    "pdf": ("application/pdf", "pdf"),
    "odt": ("application/vnd.oasis.opendocument.text", "odt"),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", "ods"),
    "odp": ("application/vnd.oasis.opendocument.presentation", "odp"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"),
    "csv": ("text/csv", None),
    "txt": ("text/plain", None),
    "png": ("image/png", "png"),
    "jpg": ("image/jpeg", "jpg"),
    "jpeg": ("image/jpeg", "jpg"),
    "gif": ("image/gif", "gif"),
}
BUREAUTIQUE = {"odt", "ods", "odp", "docx", "xlsx", "pptx"}
IMAGES = {"png", "jpg", "jpeg", "gif"}
LIBELLE_TYPES = "PDF, ODT, ODS, ODP, DOCX, XLSX, PPTX, CSV, TXT, PNG, JPG, GIF"
MARQUES_HTML = (b"<!doctype", b"<html", b"<script", b"<svg", b"<?xml", b"<iframe", b"<body")


def taille_lisible(octets):
    """2 097 152 → « 2 Mo » ; 1 536 → « 1,5 Ko » (unités usuelles en français)."""
    for unite, valeur in (("Mo", 1024 * 1024), ("Ko", 1024)):
        if octets >= valeur:
            return f"{octets / valeur:.1f}".removesuffix(".0").replace(".", ",") + f"\u00a0{unite}"
    return f"{octets}\u00a0octet{'s' if octets > 1 else ''}"


def taille_max():
    return settings.CONTRAT_ENFANCE["TAILLE_MAX_FICHIER"]


@dataclass(frozen=True)
class FichierVerifie:
    nom: str
    extension: str
    type_mime: str
    taille: int
    empreinte: str


def verifier_nom(nom):
    if not nom or not nom.strip():
        raise ValidationError("Le fichier n'a pas de nom.", code="nom")
    if any(c in nom for c in "/\\\x00") or ".." in nom or nom.startswith("."):
        raise ValidationError(
            "Le nom du fichier ne doit contenir ni chemin (/, \\, ..) ni commencer par un point : renommez-le.",
            code="nom",
        )
    if len(nom) > 150:
        raise ValidationError("Le nom du fichier est trop long (150 caractères au plus) : renommez-le.", code="nom")
    extension = nom.rsplit(".", 1)[-1].lower() if "." in nom else ""
    if extension not in TYPES_AUTORISES:
        precision = f" (.{extension})" if extension else " (sans extension)"
        raise ValidationError(
            f"Ce type de fichier n'est pas accepté{precision}. Types acceptés : {LIBELLE_TYPES}. "
            "Les documents Office avec macros (.docm, .xlsm…) et les images SVG sont refusés.",
            code="type",
        )
    return extension


def _lire(fichier):
    fichier.seek(0)
    contenu = fichier.read()
    fichier.seek(0)
    return contenu


def verifier_bureautique(extension, contenu):
    try:
        archive = zipfile.ZipFile(io.BytesIO(contenu))
        noms = [n.lower() for n in archive.namelist()]
    except zipfile.BadZipFile as erreur:
        raise ValidationError("Ce document bureautique est endommagé ou n'en est pas un.", code="contenu") from erreur
    if any(n.endswith("vbaproject.bin") or n.endswith(".bin") and "vba" in n for n in noms):
        raise ValidationError(
            "Ce document contient des macros : elles sont interdites. Enregistrez-le sans macro (.docx, .xlsx, .pptx).",
            code="macro",
        )
    if any(n.startswith(("basic/", "scripts/")) for n in noms):
        raise ValidationError(
            "Ce document contient des macros : elles sont interdites. Enregistrez-le sans macro.", code="macro"
        )


# Actions qu'un lecteur PDF peut exécuter à l'ouverture : un document partagé n'en a pas besoin.
MARQUES_PDF_ACTIF = (b"/JavaScript", b"/JS ", b"/JS(", b"/JS<", b"/Launch", b"/EmbeddedFile", b"/RichMedia")


def verifier_pdf(contenu):
    if any(marque in contenu for marque in MARQUES_PDF_ACTIF):
        raise ValidationError(
            "Ce PDF contient du JavaScript, un fichier incorporé ou une action automatique : il est refusé. "
            "Réimprimez-le en PDF depuis votre logiciel.",
            code="contenu",
        )


def verifier_image(contenu):
    from PIL import Image

    try:
        with Image.open(io.BytesIO(contenu)) as image:
            image.verify()
    except Exception as erreur:  # Pillow lève des erreurs variées sur une image falsifiée
        raise ValidationError("Cette image est endommagée ou n'est pas une vraie image.", code="contenu") from erreur


def verifier_texte(contenu):
    if b"\x00" in contenu:
        raise ValidationError("Ce fichier texte contient des données binaires.", code="contenu")
    try:
        texte = contenu.decode("utf-8")
    except UnicodeDecodeError:
        texte = contenu.decode("cp1252", errors="replace")
    debut = texte[:2048].lstrip().lower().encode()
    if debut.startswith(MARQUES_HTML) or b"<script" in texte.lower().encode():
        raise ValidationError(
            "Ce fichier contient du HTML ou du script : il n'est pas accepté comme texte.", code="contenu"
        )


def verifier_fichier(fichier, nom=None):
    """Vérifie un fichier déposé (UploadedFile ou File) ; lève ValidationError avec un message français."""
    nom = nom if nom is not None else fichier.name
    extension = verifier_nom(nom)
    taille = fichier.size
    if not taille:
        raise ValidationError("Le fichier est vide.", code="vide")
    if taille > taille_max():
        raise ValidationError(
            f"Le fichier pèse {taille_lisible(taille)} : la taille maximale autorisée est de "
            f"{taille_lisible(taille_max())}.",
            code="taille",
        )
    contenu = _lire(fichier)
    type_mime, attendu = TYPES_AUTORISES[extension]
    reconnu = filetype.guess(contenu)
    reconnu_ext = reconnu.extension if reconnu else None
    if attendu is None:
        if reconnu_ext is not None:
            raise ValidationError(
                f"Le contenu du fichier ({reconnu_ext.upper()}) ne correspond pas à son extension .{extension}.",
                code="contenu",
            )
        verifier_texte(contenu)
    else:
        compatibles = {attendu, "zip"} if extension in BUREAUTIQUE else {attendu}
        if reconnu_ext not in compatibles:
            trouve = reconnu_ext.upper() if reconnu_ext else "inconnu"
            raise ValidationError(
                f"Le contenu du fichier (type {trouve}) ne correspond pas à son extension .{extension} : "
                "il est refusé.",
                code="contenu",
            )
        if extension in BUREAUTIQUE:
            verifier_bureautique(extension, contenu)
        if extension in IMAGES:
            verifier_image(contenu)
        if extension == "pdf":
            verifier_pdf(contenu)
    return FichierVerifie(
        nom=nom,
        extension=extension,
        type_mime=type_mime,
        taille=taille,
        empreinte=hashlib.sha256(contenu).hexdigest(),
    )
