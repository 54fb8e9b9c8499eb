from celery import shared_task


@shared_task
def generer_export_national(annee, cle=None):
    """Idempotente : ne refait pas le classeur s'il existe déjà pour ces données."""
    from .national import generer

    return generer(annee, cle)
