from django.urls import path

from . import views

app_name = "pratiques"

urlpatterns = [
    # Pages publiques (sans connexion) : bibliothèque et déclaration.
    path("", views.bibliotheque, name="bibliotheque"),
    path("export/", views.exporter, name="exporter"),
    path("<int:pk>/", views.detail, name="detail"),
    path("declarer/", views.declarer, name="declarer"),
    path("declarer/etape-<int:numero>/", views.etape, name="etape"),
    path("declarer/envoyee/", views.envoyee, name="envoyee"),
    path("declarer/nouveau-lien/", views.nouveau_lien, name="nouveau_lien"),
    path("reprendre/<str:jeton>/", views.reprendre, name="reprendre"),
    # Pages connectées.
    path("proposer/", views.proposer, name="proposer"),
    path("accords/", views.accords, name="accords"),
    path("accords/<int:pk>/", views.accord, name="accord"),
    path("comite/", views.comite, name="comite"),
    path("comite/<int:pk>/", views.instruction, name="instruction"),
    path("comite/<int:pk>/statut/", views.transition, name="transition"),
    path("comite/<int:pk>/avis/", views.avis, name="avis"),
    path("comite/<int:pk>/valorisation/", views.valorisation, name="valorisation"),
    path("comite/pieces/<int:pk>/", views.piece, name="piece"),
    path("comite/seances/", views.seances, name="seances"),
    path("comite/seances/<int:pk>/proces-verbal.xlsx", views.proces_verbal, name="proces_verbal"),
    path("fiches-dispositifs/nouvelle/", views.dispositif, name="dispositif_creer"),
    path("fiches-dispositifs/<int:pk>/", views.dispositif, name="dispositif_modifier"),
    path("listes/", views.listes, name="listes"),
    path("listes/<int:pk>/", views.listes, name="liste_modifier"),
]
