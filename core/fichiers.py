"""Le contrôle de tout fichier déposé, quel que soit le chemin : espace partagé, pièces des relevés, documents du
chemin du rapport, pièces jointes des pratiques.

- nom nettoyé (chemins `../`, caractères de contrôle, longueur) : le nom n'est qu'un libellé, jamais un chemin ;
- liste blanche d'extensions (propre à chaque usage) **et** contenu reconnu conforme à l'extension ;
- macros refusées d'après le contenu, quelle que soit l'extension (OOXML `vbaProject.bin`, OLE avec projet VBA,
  ODF `Basic/` ou `Scripts/`) ;
- PDF avec JavaScript, lancement d'un programme, fichier incorporé ou contenu multimédia actif refusé, y compris
  caché dans un flux compressé ou sous un nom échappé (`/J#61vaScript`) ;
- HTML et SVG refusés, y compris déguisés en texte, en CSV ou collés derrière une image (polyglottes) ;
- images relues entièrement par Pillow ; fichier vide ou trop lourd refusé.

Un fichier refusé ne touche jamais le stockage : `ChampFichier` vérifie dans le formulaire, avant tout
enregistrement, et les services vérifient encore ce qui ne vient pas d'un formulaire (données de démonstration).
"""

import hashlib
import io
import re
import unicodedata
import uuid
import zipfile
import zlib
from dataclasses import dataclass

import filetype
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import lazy

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
FORMATS_PILLOW = {"png": "PNG", "jpg": "JPEG", "jpeg": "JPEG", "gif": "GIF"}
# Le dossier où tout document OOXML range ses parties : un .docx sans `word/` n'est qu'une archive renommée.
DOSSIER_OOXML = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
LONGUEUR_NOM = 150
MARQUES_HTML = (b"<!doctype", b"<html", b"<script", b"<svg", b"<?xml", b"<iframe", b"<body")
# Ce qu'aucune image ne contient et que tout polyglotte image/HTML contient.
MARQUES_HTML_DANS_IMAGE = (b"<script", b"<html", b"<iframe", b"<svg", b"<body", b"<!doctype html")
PROGRAMMES = (".exe", ".dll", ".com", ".scr", ".bat", ".cmd", ".ps1", ".vbs", ".vbe", ".js", ".jse", ".wsf", ".hta")
PROGRAMMES += (".msi", ".jar", ".lnk", ".sh", ".elf", ".apk", ".docm", ".xlsm", ".pptm", ".dotm", ".xltm")
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Noms (UTF-16LE, comme dans le répertoire d'un fichier OLE) des flux et dossiers d'un projet VBA.
FLUX_VBA = tuple(nom.encode("utf-16-le") for nom in ("_VBA_PROJECT", "VBA\0", "Macros\0", "PROJECTwm"))
# Actions qu'un lecteur PDF exécute seul : un document déposé n'en a pas besoin.
ACTIONS_PDF = {b"JavaScript", b"JS", b"Launch", b"EmbeddedFile", b"EmbeddedFiles", b"RichMedia", b"ImportData"}
MARQUES_ACTIONS_PDF = tuple(b"/" + action for action in ACTIONS_PDF)
NOM_PDF = re.compile(rb"/([^\s/<>\[\]()%{}]+)")
NOM_PDF_ECHAPPE = re.compile(rb"/([^\s/<>\[\]()%{}#]*#[^\s/<>\[\]()%{}]*)")
DECOMPRESSION_MAX = 256 * 1024 * 1024  # au-delà, une bombe de décompression : le PDF est refusé


def taille_lisible(octets):
    """2 097 152 → « 2 Mo » ; 1 536 → « 1,5 Ko » (unités usuelles en français)."""
    for unite, valeur in (("Mo", 1024 * 1024), ("Ko", 1024)):
        if octets >= valeur:
            return f"{octets / valeur:.1f}".removesuffix(".0").replace(".", ",") + f"\u00a0{unite}"
    return f"{octets}\u00a0octet{'s' if octets > 1 else ''}"


def taille_max():
    """La taille maximale par défaut d'un fichier déposé (réglage TAILLE_MAX_FICHIER_MO)."""
    return settings.CONTRAT_ENFANCE["TAILLE_MAX_FICHIER"]


def libelle_types(extensions=None):
    """« PDF, DOCX, PNG, JPG » : les types acceptés, dans l'ordre de TYPES_AUTORISES (JPEG compté avec JPG)."""
    extensions = set(extensions or TYPES_AUTORISES)
    return ", ".join(e.upper() for e in TYPES_AUTORISES if e in extensions and e != "jpeg")


LIBELLE_TYPES = libelle_types()


def type_mime_de(nom):
    """Le type MIME servi pour un nom de fichier : celui de la liste blanche, sinon des octets sans type."""
    extension = nom.rsplit(".", 1)[-1].lower() if "." in (nom or "") else ""
    return TYPES_AUTORISES.get(extension, ("application/octet-stream",))[0]


def chemin_aleatoire(instance, nom):
    """Le nom sous lequel un fichier déposé est stocké, choisi par le serveur (`upload_to` de tous les fichiers
    déposés) : le nom d'origine n'est qu'un libellé, jamais un chemin ni une extension que nginx interpréterait."""
    return f"{instance._meta.app_label}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


@dataclass(frozen=True)
class FichierVerifie:
    nom: str
    extension: str
    type_mime: str
    taille: int
    empreinte: str


def nettoyer_nom(nom):
    """Le nom proposé à l'affichage et au téléchargement : dernier élément d'un chemin (`../../etc/passwd.pdf` →
    `passwd.pdf`), sans caractère de contrôle ni d'inversion du sens d'écriture, sans point initial, sans
    caractère interdit sous Windows, 150 caractères au plus en gardant l'extension."""
    nom = unicodedata.normalize("NFC", str(nom or ""))
    nom = nom.replace("\\", "/").rsplit("/", 1)[-1]
    nom = re.sub(r"\s+", " ", nom)
    nom = "".join(c for c in nom if c.isprintable())
    nom = re.sub(r'[<>:"|?*]', "_", nom).strip(" .")
    if len(nom) > LONGUEUR_NOM:
        racine, point, extension = nom.rpartition(".")
        if point and len(extension) <= 10:
            nom = racine[: LONGUEUR_NOM - len(extension) - 1].rstrip(" .") + "." + extension
        else:
            nom = nom[:LONGUEUR_NOM].rstrip(" .")
    return nom


def verifier_nom(nom, extensions=None):
    """Vérifie un nom déjà nettoyé et renvoie son extension, acceptée pour cet usage."""
    extensions = set(extensions or TYPES_AUTORISES)
    if not nom or not nom.strip():
        raise ValidationError("Le fichier n'a pas de nom.", code="nom")
    if any(c in nom for c in "/\\\x00") or nom.startswith("."):
        raise ValidationError(
            "Le nom du fichier ne doit contenir ni chemin (/, \\, ..) ni commencer par un point : renommez-le.",
            code="nom",
        )
    if len(nom) > LONGUEUR_NOM:
        raise ValidationError("Le nom du fichier est trop long (150 caractères au plus) : renommez-le.", code="nom")
    extension = nom.rsplit(".", 1)[-1].lower() if "." in nom else ""
    if extension not in extensions:
        precision = f" (.{extension})" if extension else " (sans extension)"
        raise ValidationError(
            f"Ce type de fichier n'est pas accepté{precision}. Types acceptés : {libelle_types(extensions)}. "
            "Les documents Office avec macros (.docm, .xlsm…), les pages HTML et les images SVG sont refusés.",
            code="type",
        )
    return extension


def _lire(fichier):
    fichier.seek(0)
    contenu = fichier.read()
    fichier.seek(0)
    return contenu


def _refus_macros():
    return ValidationError(
        "Ce document contient des macros : elles sont interdites. Enregistrez-le sans macro (.docx, .xlsx, .pptx, "
        ".odt…) avant de le déposer.",
        code="macro",
    )


def _archive(contenu):
    try:
        return zipfile.ZipFile(io.BytesIO(contenu))
    except (zipfile.BadZipFile, ValueError, OSError):
        return None


def verifier_macros(contenu):
    """Refuse un document avec macros d'après son contenu, quelle que soit son extension."""
    if contenu.startswith(OLE):
        if any(flux in contenu for flux in FLUX_VBA):
            raise _refus_macros()
        return
    archive = _archive(contenu) if contenu.startswith(b"PK") else None
    if archive is None:
        return
    noms = [n.lower() for n in archive.namelist()]
    if any(n.endswith(("vbaproject.bin", "vbadata.xml")) or (n.endswith(".bin") and "vba" in n) for n in noms):
        raise _refus_macros()
    if any(n.startswith(("basic/", "scripts/")) for n in noms):  # macros LibreOffice (ODF)
        raise _refus_macros()
    if "[content_types].xml" in noms:
        # Un .xlsm renommé .xlsx se déclare lui-même « macroEnabled ».
        try:
            with archive.open(archive.namelist()[noms.index("[content_types].xml")]) as types:
                declare = types.read(1024 * 1024).lower()
        except Exception:  # archive endommagée : verifier_bureautique le dira
            return
        if b"macroenabled" in declare:
            raise _refus_macros()


def verifier_bureautique(extension, contenu):
    archive = _archive(contenu)
    if archive is None:
        raise ValidationError("Ce document bureautique est endommagé ou n'en est pas un.", code="contenu")
    noms = [n.lower() for n in archive.namelist()]
    if any(n.endswith(PROGRAMMES) for n in noms):
        raise ValidationError(
            "Ce document contient un programme ou un document à macros incorporé : il est refusé.", code="contenu"
        )
    if extension in DOSSIER_OOXML:
        if "[content_types].xml" not in noms or not any(n.startswith(DOSSIER_OOXML[extension]) for n in noms):
            raise ValidationError(
                f"Ce fichier n'est pas un vrai document .{extension} (archive renommée) : il est refusé.",
                code="contenu",
            )
    else:
        try:
            type_declare = archive.read("mimetype").strip().decode("ascii", errors="replace")
        except Exception:  # absent ou illisible
            type_declare = ""
        if type_declare != TYPES_AUTORISES[extension][0]:
            raise ValidationError(
                f"Ce fichier n'est pas un vrai document .{extension} (archive renommée) : il est refusé.",
                code="contenu",
            )


def _action_pdf(octets):
    """Vrai si un morceau de PDF nomme une action refusée (`/JavaScript`, `/JS`…), même sous un nom échappé
    (`/J#61vaScript`). Filtre rapide par recherche d'octets, puis confirmation sur les seuls noms candidats."""
    candidats = [m for m in MARQUES_ACTIONS_PDF if m in octets]
    if candidats and any(nom in ACTIONS_PDF for nom in NOM_PDF.findall(octets)):
        return True
    if b"#" in octets:
        for echappe in NOM_PDF_ECHAPPE.findall(octets):
            if re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), echappe) in ACTIONS_PDF:
                return True
    return False


def _flux_decompresses(contenu):
    """Le contenu des flux compressés (FlateDecode) d'un PDF, un à la fois : un flux d'objets (ObjStm) peut y
    cacher `/JavaScript`. Parcours linéaire par `find` (des millions de flux minuscules restent rapides)."""
    restant, position = DECOMPRESSION_MAX, 0
    while (debut := contenu.find(b"stream", position)) != -1:
        fin = contenu.find(b"endstream", debut + 6)
        if fin == -1:
            return
        position = fin + 9
        if contenu[debut - 3 : debut] == b"end":
            continue
        brut = contenu[debut + 6 : fin].lstrip(b"\r\n")
        if not brut or brut[0] & 0x0F != 8:  # pas un en-tête zlib (méthode deflate) : rien à décompresser
            continue
        try:
            clair = zlib.decompressobj().decompress(brut, restant + 1)
        except zlib.error:
            continue
        restant -= len(clair)
        if restant < 0:
            raise ValidationError("Ce PDF contient des flux anormalement volumineux : il est refusé.", code="contenu")
        yield clair


def verifier_pdf(contenu):
    if _action_pdf(contenu) or any(_action_pdf(clair) for clair in _flux_decompresses(contenu)):
        raise ValidationError(
            "Ce PDF contient du JavaScript, un fichier incorporé ou une action automatique : il est refusé. "
            "Réimprimez-le en PDF depuis votre logiciel.",
            code="contenu",
        )


def verifier_image(extension, contenu):
    from PIL import Image

    try:
        with Image.open(io.BytesIO(contenu)) as image:
            image.verify()
        with Image.open(io.BytesIO(contenu)) as image:
            format_lu = image.format
            image.load()  # verify() ne décode pas les pixels : une image tronquée ne passe qu'avec load()
    except Exception as erreur:  # Pillow lève des erreurs variées sur une image falsifiée
        raise ValidationError("Cette image est endommagée ou n'est pas une vraie image.", code="contenu") from erreur
    if format_lu != FORMATS_PILLOW[extension]:
        raise ValidationError(
            f"Le contenu de l'image ({format_lu}) ne correspond pas à son extension .{extension}.", code="contenu"
        )
    bas = contenu.lower()
    if any(marque in bas for marque in MARQUES_HTML_DANS_IMAGE):
        raise ValidationError(
            "Cette image contient aussi du HTML ou du script (fichier polyglotte) : elle est refusée.", code="contenu"
        )


def verifier_texte(contenu):
    if b"\x00" in contenu:
        raise ValidationError("Ce fichier texte contient des données binaires.", code="contenu")
    try:
        texte = contenu.decode("utf-8")
    except UnicodeDecodeError:
        texte = contenu.decode("cp1252", errors="replace")
    bas = texte.lower()
    debut = bas[:2048].lstrip("\ufeff \t\r\n").encode()
    if debut.startswith(MARQUES_HTML) or b"<script" in bas.encode():
        raise ValidationError(
            "Ce fichier contient du HTML ou du script : il n'est pas accepté comme texte.", code="contenu"
        )


def verifier_fichier(fichier, nom=None, *, extensions=None, limite=None):
    """Vérifie un fichier déposé (UploadedFile ou File) pour un usage (`extensions` acceptées, `limite` en
    octets, par défaut toute la liste blanche et TAILLE_MAX_FICHIER) ; renvoie un FichierVerifie dont le nom est
    nettoyé, ou lève ValidationError avec un message français."""
    nom = nettoyer_nom(nom if nom is not None else fichier.name)
    extension = verifier_nom(nom, extensions)
    limite = limite if limite is not None else taille_max()
    taille = fichier.size
    if not taille:
        raise ValidationError("Le fichier est vide.", code="vide")
    if taille > limite:
        raise ValidationError(
            f"Le fichier pèse {taille_lisible(taille)} : la taille maximale autorisée est de {taille_lisible(limite)}.",
            code="taille",
        )
    contenu = _lire(fichier)
    verifier_macros(contenu)
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
        elif zipfile.is_zipfile(io.BytesIO(contenu)):
            raise ValidationError(
                f"Ce fichier .{extension} cache une archive ZIP (fichier polyglotte) : il est refusé.",
                code="contenu",
            )
        if extension in IMAGES:
            verifier_image(extension, contenu)
        if extension == "pdf":
            verifier_pdf(contenu)
    return FichierVerifie(
        nom=nom,
        extension=extension,
        type_mime=type_mime,
        taille=taille,
        empreinte=hashlib.sha256(contenu).hexdigest(),
    )


def verifie(fichier, **usage):
    """Le contrôle déjà fait par ChampFichier, ou le contrôle lui-même pour un fichier qui ne vient pas d'un
    formulaire (services appelés par les données de démonstration, les commandes)."""
    return getattr(fichier, "verifie", None) or verifier_fichier(fichier, **usage)


class EntreeFichier(forms.ClearableFileInput):
    """Le champ de dépôt DSFR (`fr-upload`), limité dans le sélecteur aux extensions acceptées."""

    group_class = "fr-upload-group"

    def __init__(self, attrs=None, *, extensions=None, multiple=False):
        self.allow_multiple_selected = multiple
        accept = ",".join(f".{e}" for e in TYPES_AUTORISES if e in set(extensions or TYPES_AUTORISES))
        super().__init__(attrs={"class": "fr-upload", "accept": accept, **(attrs or {})})


class ChampFichier(forms.FileField):
    """Le champ de tout dépôt de fichier : vérifié par `verifier_fichier` pour cet usage avant tout
    enregistrement. Renvoie le fichier (nom nettoyé, contrôle dans `.verifie`) ou, si `multiple`, la liste des
    fichiers ; chaque refus donne un message français sous le champ, les autres champs du formulaire restent."""

    default_error_messages = {
        "required": "Joignez un fichier.",
        "empty": "Le fichier est vide.",
        "invalid": "Ce n'est pas un fichier : vérifiez l'envoi.",
        "missing": "Aucun fichier n'a été reçu.",
        "contradiction": "Joignez un fichier ou cochez « Effacer », pas les deux.",
    }

    def __init__(self, *, extensions=None, taille_max=None, multiple=False, precision="", **kwargs):
        self.extensions = frozenset(extensions or TYPES_AUTORISES)
        if not self.extensions <= TYPES_AUTORISES.keys():
            hors_liste = sorted(self.extensions - TYPES_AUTORISES.keys())
            raise ValueError(f"Extensions hors de la liste blanche : {hors_liste}")
        self._taille_max = taille_max
        self.multiple = multiple
        kwargs.setdefault("widget", EntreeFichier(extensions=self.extensions, multiple=multiple))
        kwargs.setdefault("help_text", lazy(lambda: " ".join(filter(None, [precision, self.aide()])), str)())
        super().__init__(**kwargs)

    def taille_max(self):
        limite = self._taille_max() if callable(self._taille_max) else self._taille_max
        return limite if limite is not None else taille_max()

    def aide(self):
        types, taille = libelle_types(self.extensions), taille_lisible(self.taille_max())
        return f"Types acceptés : {types}. Taille maximale : {taille}."

    def _un(self, data, initial):
        fichier = super().clean(data, initial)
        if fichier:
            controle = verifier_fichier(fichier, extensions=self.extensions, limite=self.taille_max())
            fichier.name = controle.nom
            fichier.verifie = controle
        return fichier

    def clean(self, data, initial=None):
        if not self.multiple:
            return self._un(data, initial)
        fichiers = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not fichiers and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
        erreurs, propres = [], []
        for fichier in fichiers:
            try:
                propres.append(self._un(fichier, initial))
            except ValidationError as erreur:
                nom = nettoyer_nom(getattr(fichier, "name", "")) or "sans nom"
                erreurs.extend(f"« {nom} » : {message}" for message in erreur.messages)
        if erreurs:
            raise ValidationError(erreurs)
        return propres
