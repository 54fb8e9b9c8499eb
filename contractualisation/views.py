from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from core import concurrence

from . import services
from .extensions import financements_externes, liens_contrat
from .forms import (
    AvenantForm,
    ContratForm,
    FiltreContratsForm,
    FinancementsForm,
    ObjectifsForm,
    SignataireFormSet,
    VersionContratForm,
    historiques_de,
    version_de,
)
from .historique import historique_contrat
from .models import Contrat, SourceFinancement
from .permissions import peut_modifier_contrat, peut_voir_contrat
from .versions import version_referentiels


def accueil(request):
    """Les contrats du territoire de l'utilisateur ; toute la France pour les directions nationales."""
    contrats = Contrat.objects.visibles_par(request.user).pour_liste()
    filtres = FiltreContratsForm(request.GET or None)
    if filtres.is_valid():
        if filtres.cleaned_data["region"]:
            contrats = contrats.filter(collectivite__region=filtres.cleaned_data["region"])
        if filtres.cleaned_data["statut"]:
            contrats = contrats.filter(statut=filtres.cleaned_data["statut"])
        if filtres.cleaned_data["q"]:
            contrats = contrats.filter(collectivite__nom__icontains=filtres.cleaned_data["q"])
    page = Paginator(contrats.order_by("collectivite__nom"), 100).get_page(request.GET.get("page"))
    # Le tableau est mis en cache tant qu'aucun contrat visible n'a changé (même liste, même version).
    etat = contrats.aggregate(nombre=Count("pk"), version=Max("modifie_le"))
    perimetre = "national" if request.user.perimetre.national else f"u{request.user.pk}"
    cle_cache = f"{perimetre}|{request.GET.urlencode()}|{etat['nombre']}|{etat['version']}"
    return render(
        request,
        "contractualisation/accueil.html",
        {"page": page, "filtres": filtres, "national": request.user.perimetre.national, "cle_cache": cle_cache},
    )


def contrat_visible(request, slug, *, pour_modifier=False):
    contrat = get_object_or_404(
        Contrat.objects.select_related("collectivite__region", "cycle").prefetch_related("collectivite__departements"),
        slug=slug,
    )
    if not peut_voir_contrat(request.user, contrat):
        raise PermissionDenied
    if pour_modifier and not peut_modifier_contrat(request.user, contrat):
        raise PermissionDenied
    return contrat


def objectifs_du_contrat(contrat):
    return [
        oc.objectif
        for oc in contrat.objectifs_contrat.select_related("objectif__engagement").prefetch_related("objectif__sources")
    ]


def contrat_detail(request, slug):
    """Le corps de la page est un fragment en cache, dont la clé est la version du contrat (toute donnée affichée
    qui change ailleurs appelle `services.marquer_modifie`), celle des référentiels et le droit de modifier."""
    contrat = contrat_visible(request, slug)
    # Paresseux : rien n'est lu ni calculé quand le gabarit sert le fragment en cache.
    objectifs = SimpleLazyObject(lambda: objectifs_du_contrat(contrat))
    return render(
        request,
        "contractualisation/contrat.html",
        {
            "contrat": contrat,
            "objectifs": objectifs,
            "signataires": contrat.signataires.select_related("institution"),
            "avenants": contrat.avenants.all(),
            "tableau": SimpleLazyObject(lambda: services.tableau_financement(contrat, objectifs=objectifs)),
            "version_referentiels": version_referentiels(),
            "peut_modifier": peut_modifier_contrat(request.user, contrat),
            "liens": liens_contrat(contrat),
        },
    )


def contrat_modifier(request, slug):
    contrat = contrat_visible(request, slug, pour_modifier=True)
    with concurrence.verrou(request, contrat):
        form = ContratForm(
            request.POST or None,
            instance=contrat,
            instance_version=version_de(contrat),
            historiques=historiques_de(contrat),
        )
        if request.method == "POST" and form.is_valid():
            form.save()
            messages.success(request, "Le contrat a été mis à jour.")
            return redirect(contrat)
    return render(
        request,
        "contractualisation/contrat_form.html",
        {"contrat": contrat, "form": form},
        status=concurrence.statut(form),
    )


def objectifs_modifier(request, slug):
    contrat = contrat_visible(request, slug, pour_modifier=True)
    with concurrence.verrou(request, contrat):
        choisis = list(contrat.objectifs_contrat.values_list("objectif_id", flat=True))
        form = ObjectifsForm(
            request.POST or None,
            cycle=contrat.cycle,
            initial={"objectifs": choisis},
            instance_version=version_de(contrat),
            objet_version=contrat,
            historiques=historiques_de(contrat),
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.choisir_objectifs(contrat, list(form.cleaned_data["objectifs"]))
            except ValidationError as erreur:
                form.add_error("objectifs", erreur)
            else:
                services.marquer_modifie(contrat)
                messages.success(request, "Les objectifs retenus ont été enregistrés.")
                return redirect(contrat)
    return render(
        request,
        "contractualisation/objectifs_form.html",
        {"contrat": contrat, "form": form},
        status=concurrence.statut(form),
    )


def signataires_modifier(request, slug):
    contrat = contrat_visible(request, slug, pour_modifier=True)
    with concurrence.verrou(request, contrat):
        version = VersionContratForm(
            request.POST or None,
            instance_version=version_de(contrat),
            objet_version=contrat,
            historiques=historiques_de(contrat),
        )
        formset = SignataireFormSet(request.POST or None, instance=contrat, prefix="signataires")
        if request.method == "POST" and all([version.is_valid(), formset.is_valid()]):
            formset.save()
            services.marquer_modifie(contrat)
            messages.success(request, "Les signataires ont été enregistrés.")
            return redirect(contrat)
    return render(
        request,
        "contractualisation/signataires_form.html",
        {"contrat": contrat, "formset": formset, "version": version},
        status=concurrence.statut(version),
    )


def financements_modifier(request, slug):
    contrat = contrat_visible(request, slug, pour_modifier=True)
    with concurrence.verrou(request, contrat):
        objectifs = objectifs_du_contrat(contrat)
        sources = list(SourceFinancement.objects.all())
        form = FinancementsForm(
            request.POST or None,
            contrat=contrat,
            objectifs=objectifs,
            sources=sources,
            financements=list(contrat.financements.all()),
            externes=financements_externes(contrat),
            instance_version=version_de(contrat),
            objet_version=contrat,
            historiques=historiques_de(contrat),
        )
        if request.method == "POST" and form.is_valid():
            services.enregistrer_financements(contrat, form.montants())
            services.marquer_modifie(contrat)
            messages.success(request, "Le tableau de financement a été enregistré.")
            return redirect(f"{contrat.get_absolute_url()}#financements")
    return render(
        request,
        "contractualisation/financements_form.html",
        {"contrat": contrat, "form": form, "sources": sources},
        status=concurrence.statut(form),
    )


def avenant_ajouter(request, slug):
    """Un ajout, pas une modification : pas de version à comparer, mais le contrat est verrouillé pour que deux
    ajouts simultanés du même numéro passent l'un après l'autre (le second reçoit « existe déjà »)."""
    contrat = contrat_visible(request, slug, pour_modifier=True)
    with concurrence.verrou(request, contrat):
        suivant = (contrat.avenants.aggregate(n=Max("numero"))["n"] or 0) + 1
        form = AvenantForm(
            request.POST or None, contrat=contrat, initial={"numero": suivant, "date": timezone.localdate()}
        )
        if request.method == "POST" and form.is_valid():
            services.ajouter_avenant(contrat, request.user, **form.cleaned_data)
            services.marquer_modifie(contrat)
            messages.success(request, f"L'avenant n° {form.cleaned_data['numero']} a été enregistré.")
            return redirect(f"{contrat.get_absolute_url()}#avenants")
    return render(request, "contractualisation/avenant_form.html", {"contrat": contrat, "form": form})


def historique(request, slug):
    contrat = contrat_visible(request, slug)
    return render(
        request,
        "contractualisation/historique.html",
        {"contrat": contrat, "evenements": historique_contrat(contrat)},
    )
