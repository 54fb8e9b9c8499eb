from django.apps import AppConfig
from django.db.models.signals import post_migrate


def creer_espaces(sender, **kwargs):
    from .services import creer_espaces

    creer_espaces()


class EspacePartageConfig(AppConfig):
    name = "espace_partage"
    verbose_name = "Espace partagé"

    def ready(self):
        # Après core (les territoires sont chargés par le post_migrate de core, qui vient avant dans INSTALLED_APPS).
        post_migrate.connect(creer_espaces, sender=self, dispatch_uid="espace_partage_espaces")
