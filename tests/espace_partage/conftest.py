import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import Departement, Region
from espace_partage import services
from espace_partage.enums import Section
from espace_partage.models import Espace
from tests.clamd import clamd  # noqa: F401  (fixture)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def fichiers_stockes(racine):
    return [p for p in racine.rglob("*") if p.is_file()] if racine.exists() else []


def pdf(nom="guide.pdf", contenu=PDF):
    return SimpleUploadedFile(nom, contenu, content_type="application/pdf")


def xlsx(nom="tableau.xlsx"):
    import openpyxl

    classeur = openpyxl.Workbook()
    classeur.active["A1"] = "Indicateur"
    flux = io.BytesIO()
    classeur.save(flux)
    return SimpleUploadedFile(nom, flux.getvalue())


def espace_national():
    return Espace.objects.get(niveau="national")


def espace_region(code):
    return Espace.objects.get(region=Region.objects.get(code=code))


def espace_departement(code):
    return Espace.objects.get(departement=Departement.objects.get(code=code))


def ressource(espace, auteur, titre="Guide de la visite à domicile", fichier=True, **champs):
    champs.setdefault("section", Section.METHODES)
    champs.setdefault("resume", "Une méthode éprouvée pour préparer et conduire une visite à domicile.")
    return services.deposer_ressource(
        espace,
        auteur,
        titre=titre,
        fichier=pdf() if fichier else None,
        lien="" if fichier else "https://exemple.fr",
        **champs,
    )
