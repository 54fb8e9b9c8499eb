import pytest


@pytest.fixture(autouse=True)
def taches_dans_le_processus():
    """Les tâches du suivi s'exécutent dans le test, même quand REDIS_URL désigne un broker (CI PostgreSQL)."""
    from config.celery import app

    avant = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = avant
