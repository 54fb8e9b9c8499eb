from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save


def charger_referentiels(sender, **kwargs):
    from .referentiels import charger_territoires

    charger_territoires()


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Socle : territoires, institutions, utilisateurs"

    def ready(self):
        from . import checks  # noqa: F401  (contrôles de check --deploy)

        post_migrate.connect(charger_referentiels, sender=self, dispatch_uid="core_referentiels")
        from .models import Adhesion, Institution, TypeInstitution
        from .perimetre import oublier_perimetres

        for modele in (Adhesion, Institution, TypeInstitution):
            post_save.connect(oublier_perimetres, sender=modele, dispatch_uid=f"perimetre_{modele.__name__}")
            post_delete.connect(oublier_perimetres, sender=modele, dispatch_uid=f"perimetre_suppr_{modele.__name__}")
