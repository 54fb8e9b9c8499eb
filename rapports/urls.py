from django.urls import path

from . import views

app_name = "rapports"

urlpatterns = [
    path("national/", views.page_nationale, name="national"),
    path("national/generer/", views.national_generer, name="national_generer"),
    path("national/etat/", views.national_etat, name="national_etat"),
    path("national/classeur.xlsx", views.national_telecharger, name="national_telecharger"),
    path("<slug:slug>/", views.rapports_du_contrat, name="contrat"),
    path("<slug:slug>/plan-action.xlsx", views.export_plan_action, name="plan_action"),
    path("<slug:slug>/tableau-de-bord.xlsx", views.export_tableau_bord, name="tableau_bord"),
    path("<slug:slug>/<int:annee>/", views.rapport_detail, name="rapport"),
    path("<slug:slug>/<int:annee>/ouvrir/", views.ouvrir, name="ouvrir"),
    path("<slug:slug>/<int:annee>/rediger/", views.rediger, name="rediger"),
    path("<slug:slug>/<int:annee>/montants/", views.montants, name="montants"),
    path("<slug:slug>/<int:annee>/etape/", views.etape, name="etape"),
    path("<slug:slug>/<int:annee>/etapes/<int:pk>/document/", views.document, name="document"),
    path("<slug:slug>/<int:annee>/rapport.pdf", views.export_pdf, name="pdf"),
    path("<slug:slug>/<int:annee>/rapport.xlsx", views.export_xlsx, name="xlsx"),
]
