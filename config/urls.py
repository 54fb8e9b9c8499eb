from django.contrib import admin
from django.urls import include, path

from contractualisation.views import accueil

urlpatterns = [
    path("", accueil, name="accueil"),
    path("", include("core.urls")),
    path("contrats/", include("contractualisation.urls")),
    path("fiches/", include("fiches.urls")),
    path("suivi/", include("suivi.urls")),
    path("espace-partage/", include("espace_partage.urls")),
    path("pratiques/", include("pratiques.urls")),
    path("rapports/", include("rapports.urls")),
    path("admin-technique/", admin.site.urls),
]

handler403 = "core.views.erreur_403"
handler404 = "core.views.erreur_404"
handler500 = "core.views.erreur_500"
