from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save


def charger_referentiels(sender, **kwargs):
    from .referentiels import charger_referentiels_contrat

    charger_referentiels_contrat()


class ContractualisationConfig(AppConfig):
    name = "contractualisation"
    verbose_name = "Contractualisation"

    def ready(self):
        post_migrate.connect(charger_referentiels, sender=self, dispatch_uid="contrat_referentiels")
        from core.models import Collectivite

        from .models import Cycle, Engagement, Objectif, SourceFinancement
        from .versions import referentiels_modifies

        for modele in (Cycle, Engagement, Objectif, SourceFinancement, Collectivite):
            post_save.connect(referentiels_modifies, sender=modele, dispatch_uid=f"version_{modele.__name__}")
            post_delete.connect(referentiels_modifies, sender=modele, dispatch_uid=f"version_suppr_{modele.__name__}")
        m2m_changed.connect(referentiels_modifies, sender=Objectif.sources.through, dispatch_uid="version_sources")
