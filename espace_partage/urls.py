from django.urls import path

from . import views

app_name = "espace_partage"

urlpatterns = [
    path("", views.accueil, name="accueil"),
]
