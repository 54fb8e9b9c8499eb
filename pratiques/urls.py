from django.urls import path

from . import views

app_name = "pratiques"

urlpatterns = [
    path("", views.bibliotheque, name="bibliotheque"),
]
