"""Le classeur national se télécharge quel que soit le stockage : un stockage objet (S3) n'a pas de chemin local."""

import io
import os

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from openpyxl import load_workbook

from rapports import national


@pytest.fixture
def stockage_sans_chemin(settings):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    # Comme S3Storage : rien sur le disque du serveur web (path() rend un chemin où rien n'est écrit).
    return default_storage


@pytest.mark.django_db
def test_classeur_national_telecharge_depuis_un_stockage_sans_chemin(client, acteurs, contrat, stockage_sans_chemin):
    client.force_login(acteurs["lecteur_dgcs"])
    client.post(reverse("rapports:national_generer"), {"annee": 2025})
    nom = national.fichier_pret(2025)
    assert nom and stockage_sans_chemin.exists(nom)
    assert not os.path.exists(stockage_sans_chemin.path(nom))

    reponse = client.get(reverse("rapports:national_telecharger") + "?annee=2025")

    assert reponse.status_code == 200
    assert "attachment" in reponse["Content-Disposition"] and "national-2025.xlsx" in reponse["Content-Disposition"]
    classeur = load_workbook(io.BytesIO(b"".join(reponse.streaming_content)))
    assert "Contrats" in classeur.sheetnames
