from django.apps import AppConfig
from django.db.models.signals import post_migrate


def charger_referentiels(sender, **kwargs):
    from .referentiels import charger_territoires

    charger_territoires()


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Socle : territoires, institutions, utilisateurs"

    def ready(self):
        post_migrate.connect(charger_referentiels, sender=self, dispatch_uid="core_referentiels")
