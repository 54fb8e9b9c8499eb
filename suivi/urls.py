from django.urls import path

from . import views

app_name = "suivi"

urlpatterns = [
    path("contrats/<slug:slug>/", views.tableau_de_bord, name="tableau_de_bord"),
    path("contrats/<slug:slug>/reunions/nouvelle/", views.reunion_creer, name="reunion_creer"),
    path("contrats/<slug:slug>/pmi/", views.tableau_pmi, name="tableau_pmi"),
    path("contrats/<slug:slug>/pmi/valeurs/", views.valeurs_pmi, name="valeurs_pmi"),
    path("reunions/<int:pk>/", views.ordre_du_jour, name="ordre_du_jour"),
    path("reunions/<int:pk>/modifier/", views.reunion_modifier, name="reunion_modifier"),
    path("reunions/<int:pk>/invitation.ics", views.invitation, name="invitation"),
    path("reunions/<int:pk>/projection/", views.projection, name="projection"),
    path("reunions/<int:pk>/documents/", views.joindre, name="joindre"),
    path("reunions/<int:pk>/points/<int:point>/cases/", views.projection_cases, name="projection_cases"),
    path("reunions/<int:pk>/points/<int:point>/enregistrer/", views.point_enregistrer, name="point_enregistrer"),
    path("reunions/<int:pk>/points/<int:point>/decisions/", views.decision_ajouter, name="decision_ajouter"),
    path("reunions/<int:pk>/valider/", views.reunion_valider, name="reunion_valider"),
    path("reunions/<int:pk>/annuler/", views.reunion_annuler, name="reunion_annuler"),
    path("reunions/<int:pk>/rectificatif/", views.rectificatif_ajouter, name="rectificatif_ajouter"),
    path("decisions/<int:pk>/statut/", views.decision_statut, name="decision_statut"),
    path("decisions/<int:pk>/supprimer/", views.decision_supprimer, name="decision_supprimer"),
    path("fiches/<int:pk>/releves/", views.releves_fiche, name="releves_fiche"),
    path("fiches/<int:pk>/valeurs/", views.valeurs_fiche, name="valeurs_fiche"),
    path("fiches/<int:pk>/releves/nouveau/", views.releve_creer, name="releve_creer"),
    path("releves/<int:pk>/", views.releve_detail, name="releve"),
    path("releves/<int:pk>/modifier/", views.releve_modifier, name="releve_modifier"),
    path("releves/<int:pk>/etape/", views.releve_transition, name="releve_transition"),
    path("releves/<int:pk>/pieces/<int:piece>/", views.piece_telecharger, name="piece"),
    path("indicateurs-qualitatifs/<int:pk>/recueil/", views.collecte_programmer, name="collecte"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/<int:pk>/lue/", views.notification_lue, name="notification_lue"),
    path("notifications/toutes-lues/", views.notifications_toutes_lues, name="notifications_toutes_lues"),
]
