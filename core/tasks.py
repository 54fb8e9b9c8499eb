from celery import shared_task
from django.apps import apps

from . import antivirus


@shared_task
def analyser_fichier(modele, pk):
    """Analyse antivirus d'un fichier déposé : `modele` est le libellé du modèle (« suivi.piecejointe »)."""
    objet = apps.get_model(modele).objects.filter(pk=pk).first()
    if objet is not None:
        return antivirus.analyser_objet(objet)
    return None


@shared_task
def reprendre_analyses():
    return antivirus.reprendre_analyses()


@shared_task
def rejouer_taches_en_attente():
    """Confie au broker les tâches gardées en base pendant une panne (core/taches.py)."""
    from .taches import rejouer

    return rejouer()
