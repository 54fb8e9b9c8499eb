from django.urls import path

from . import views

app_name = "espace_partage"

urlpatterns = [
    path("", views.accueil, name="accueil"),
    path("recherche/", views.recherche, name="recherche"),
    path("choisir/", views.choisir, name="choisir"),
    path("resume/", views.preference_resume, name="preference_resume"),
    path("espaces/<int:pk>/", views.espace, name="espace"),
    path("espaces/<int:pk>/archives/", views.archives, name="archives"),
    path("espaces/<int:pk>/ajouter/", views.ajouter, name="ajouter"),
    path("espaces/<int:pk>/actualite/", views.actualite, name="actualite"),
    path("espaces/<int:pk>/inviter/", views.inviter, name="inviter"),
    path("ressources/<int:pk>/", views.ressource, name="ressource"),
    path("ressources/<int:pk>/modifier/", views.modifier, name="modifier"),
    path("ressources/<int:pk>/version/", views.nouvelle_version, name="nouvelle_version"),
    path("ressources/<int:pk>/mettre-en-avant/", views.mettre_en_avant, name="mettre_en_avant"),
    path("ressources/<int:pk>/archiver/", views.archiver, name="archiver"),
    path("ressources/<int:pk>/deplacer/", views.deplacer, name="deplacer"),
    path("fichiers/<int:pk>/", views.telecharger, name="telecharger"),
]
