from django.contrib import admin, messages

from core import antivirus

from .models import Actualite, Espace, Membre, Ressource, VersionFichier

AVERTISSEMENT = (
    "L'antivirus n'est pas configuré (CLAMD_HOST vide) : les fichiers déposés dans l'espace partagé ne sont pas "
    "analysés et sont marqués « non analysé »."
)


class AvertissementAntivirus:
    def changelist_view(self, request, extra_context=None):
        if not antivirus.configure():
            messages.warning(request, AVERTISSEMENT)
        return super().changelist_view(request, extra_context)


@admin.register(Espace)
class EspaceAdmin(AvertissementAntivirus, admin.ModelAdmin):
    list_display = ["nom", "niveau"]
    list_filter = ["niveau"]
    search_fields = ["nom"]


@admin.register(Ressource)
class RessourceAdmin(AvertissementAntivirus, admin.ModelAdmin):
    list_display = ["titre", "espace", "section", "cree_le", "archivee"]
    list_filter = ["section", "archivee", "espace__niveau"]
    search_fields = ["titre"]
    raw_id_fields = ["espace", "auteur", "institution"]


@admin.register(VersionFichier)
class VersionFichierAdmin(AvertissementAntivirus, admin.ModelAdmin):
    list_display = ["nom_original", "ressource", "numero", "analyse", "taille", "depose_le"]
    list_filter = ["analyse"]
    readonly_fields = ["fichier", "empreinte", "taille", "type_mime"]
    raw_id_fields = ["ressource", "depose_par"]


admin.site.register(Membre, raw_id_fields=["espace", "utilisateur", "invite_par"])
admin.site.register(Actualite, raw_id_fields=["espace", "auteur"])
