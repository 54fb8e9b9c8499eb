from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import path
from django.views.generic import TemplateView

from . import views

urlpatterns = [
    path("connexion/", views.Connexion.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("mot-de-passe/oublie/", views.Reinitialisation.as_view(), name="password_reset"),
    path(
        "mot-de-passe/oublie/envoye/",
        login_not_required(TemplateView.as_view(template_name="registration/reinitialisation_envoyee.html")),
        name="reinitialisation_envoyee",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        views.NouveauMotDePasse.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/modifie/",
        login_not_required(TemplateView.as_view(template_name="registration/reinitialisation_terminee.html")),
        name="reinitialisation_terminee",
    ),
    path("mon-compte/", views.mon_compte, name="mon_compte"),
    path("mon-compte/mot-de-passe/", views.ChangementMotDePasse.as_view(), name="changement_mot_de_passe"),
    path("accessibilite/", views.accessibilite, name="accessibilite"),
    path("sante/", views.sante, name="sante"),
    path("sante/vivant/", views.vivant, name="sante_vivant"),
]
