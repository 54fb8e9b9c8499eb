from django.apps import AppConfig


class EspacePartageConfig(AppConfig):
    name = "espace_partage"
    verbose_name = "Espace partagé"
