from django.shortcuts import render


def accueil(request):
    return render(request, "espace_partage/accueil.html")
