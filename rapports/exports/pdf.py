"""Le rapport annuel d'exécution en PDF (WeasyPrint), balisé PDF/UA pour les lecteurs d'écran : il est publié
en ligne. Les polices Marianne viennent des fichiers statiques de django-dsfr ; rien d'autre n'est chargé."""

from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML
from weasyprint.urls import URLFetcher

POLICES = {
    "regular": "dsfr/dist/fonts/Marianne-Regular.woff2",
    "bold": "dsfr/dist/fonts/Marianne-Bold.woff2",
    "italic": "dsfr/dist/fonts/Marianne-Regular_Italic.woff2",
}


def _chemin_statique(nom):
    chemin = finders.find(nom)
    if chemin is None:
        raise FileNotFoundError(f"Fichier statique introuvable : {nom}")
    return Path(chemin).resolve()


class FetcherLocal(URLFetcher):
    """Refuse toute ressource qui n'est pas un de nos fichiers statiques locaux (pas de réseau, pas de fichier
    arbitraire du serveur)."""

    def __init__(self, autorises):
        super().__init__(allowed_protocols={"file"})
        self.autorises = {p.as_uri() for p in autorises}

    def fetch(self, url, headers=None):
        if url not in self.autorises:
            raise ValueError(f"Ressource refusée dans le PDF : {url}")
        return super().fetch(url, headers)


def rendre_pdf(d):
    """`d` : DonneesRapport (rapports/donnees.py). Rend les octets du PDF."""
    polices = {cle: _chemin_statique(nom) for cle, nom in POLICES.items()}
    html = render_to_string(
        "rapports/pdf/rapport.html",
        {
            "d": d,
            "polices": {cle: p.as_uri() for cle, p in polices.items()},
            "genere_le": timezone.localtime(),
        },
    )
    return HTML(string=html, url_fetcher=FetcherLocal(polices.values())).write_pdf(
        pdf_variant="pdf/ua-1", pdf_identifier=f"rapport-{d.contrat.pk}-{d.annee}".encode()
    )
