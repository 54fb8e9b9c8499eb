from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PratiquesConfig(AppConfig):
    name = "pratiques"
    verbose_name = "Pratiques inspirantes"

    def ready(self):
        from .listes import charger_listes

        # Après chaque migrate, et après le vidage des tables par les tests transactionnels.
        post_migrate.connect(charger_listes, sender=self, dispatch_uid="pratiques_listes")
