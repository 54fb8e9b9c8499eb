from celery import shared_task


@shared_task
def rejouer_taches_en_attente():
    """Confie au broker les tâches gardées en base pendant une panne (core/taches.py)."""
    from .taches import rejouer

    return rejouer()
