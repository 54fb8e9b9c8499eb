from django.apps import AppConfig
from django.db.models.signals import post_migrate


def charger_referentiels(sender, **kwargs):
    from .referentiels import charger_referentiels_contrat

    charger_referentiels_contrat()


class ContractualisationConfig(AppConfig):
    name = "contractualisation"
    verbose_name = "Contractualisation"

    def ready(self):
        post_migrate.connect(charger_referentiels, sender=self, dispatch_uid="contrat_referentiels")
