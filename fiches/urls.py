from django.urls import path

from . import views

app_name = "fiches"

urlpatterns = [
    path("<slug:slug>/", views.liste, name="liste"),
    path("<slug:slug>/nouvelle/", views.nouvelle, name="nouvelle"),
    path("fiche/<int:pk>/", views.fiche, name="fiche"),
    path("fiche/<int:pk>/rubrique/<slug:nom>/", views.section, name="section"),
    path("fiche/<int:pk>/rubrique/<slug:nom>/modifier/", views.section_modifier, name="section_modifier"),
    path("fiche/<int:pk>/exemples/<int:exemple_pk>/inserer/", views.inserer_exemple, name="inserer_exemple"),
    path("fiche/<int:pk>/commentaires/", views.commenter, name="commenter"),
    path("fiche/<int:pk>/documents/", views.joindre, name="joindre"),
    path("fiche/<int:pk>/historique/", views.historique, name="historique"),
    path("fiche/<int:pk>/historique/restaurer/", views.restaurer, name="restaurer"),
    path("fiche/<int:pk>/annexes/", views.annexes, name="annexes"),
    path("fiche/<int:pk>/calendrier/", views.calendrier, name="calendrier"),
    path("fiche/<int:pk>/pdf/", views.pdf, name="pdf"),
    path("fiche/<int:pk>/docx/", views.docx, name="docx"),
]
