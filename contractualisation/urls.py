from django.urls import path

from . import referentiels_views, views

app_name = "contractualisation"

urlpatterns = [
    path("referentiels/", referentiels_views.index, name="referentiels"),
    path("referentiels/<slug:cle>/", referentiels_views.liste, name="referentiel"),
    path("referentiels/<slug:cle>/nouveau/", referentiels_views.editer, name="referentiel_ajouter"),
    path("referentiels/<slug:cle>/<int:pk>/", referentiels_views.editer, name="referentiel_modifier"),
    path("<slug:slug>/", views.contrat_detail, name="contrat"),
    path("<slug:slug>/modifier/", views.contrat_modifier, name="contrat_modifier"),
    path("<slug:slug>/objectifs/", views.objectifs_modifier, name="objectifs_modifier"),
    path("<slug:slug>/signataires/", views.signataires_modifier, name="signataires_modifier"),
    path("<slug:slug>/financements/", views.financements_modifier, name="financements_modifier"),
    path("<slug:slug>/avenants/nouveau/", views.avenant_ajouter, name="avenant_ajouter"),
    path("<slug:slug>/historique/", views.historique, name="historique"),
]
