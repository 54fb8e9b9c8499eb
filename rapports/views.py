from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_POST

from contractualisation.models import Contrat
from core import concurrence
from core.telechargement import reponse_telechargement

from . import donnees, national, services
from .exports.pdf import rendre_pdf
from .exports.plan_action import classeur_plan_action
from .exports.rapport_xlsx import classeur_rapport
from .exports.tableau_bord import classeur_tableau_bord
from .forms import EtapeForm, MontantsForm, RedactionForm
from .models import EtapeFranchie, MontantExecute, RapportExecution
from .permissions import (
    peut_faire_avancer_rapport,
    peut_rediger_rapport,
    peut_voir_page_nationale,
    peut_voir_rapport,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def contrat_visible(request, slug):
    contrat = get_object_or_404(Contrat.objects.select_related("collectivite__region", "cycle"), slug=slug)
    if not peut_voir_rapport(request.user, contrat):
        raise PermissionDenied
    return contrat


def annee_valide(contrat, annee):
    if annee not in services.annees_possibles(contrat):
        raise Http404("Pas de rapport d'exécution pour cette année.")
    return annee


def rapports_du_contrat(request, slug):
    """Les rapports d'un contrat, une ligne par année, et les exports du contrat."""
    contrat = contrat_visible(request, slug)
    existants = {r.annee: r for r in contrat.rapports.all()}
    annees = [
        {"annee": a, "rapport": existants.get(a), "periode": RapportExecution(contrat=contrat, annee=a).periode}
        for a in services.annees_possibles(contrat)
    ]
    return render(
        request,
        "rapports/contrat.html",
        {"contrat": contrat, "annees": annees, "peut_rediger": peut_rediger_rapport(request.user, contrat)},
    )


def rapport_detail(request, slug, annee):
    contrat = contrat_visible(request, slug)
    annee_valide(contrat, annee)
    d = donnees.rassembler(contrat, annee)
    return render(
        request,
        "rapports/rapport.html",
        {
            "contrat": contrat,
            "d": d,
            "peut_rediger": peut_rediger_rapport(request.user, contrat),
            "peut_avancer": peut_faire_avancer_rapport(request.user, contrat),
            "fil": [(reverse("rapports:contrat", args=[contrat.slug]), "Rapports d'exécution")],
        },
    )


@require_POST
def ouvrir(request, slug, annee):
    contrat = contrat_visible(request, slug)
    if not peut_rediger_rapport(request.user, contrat):
        raise PermissionDenied
    annee_valide(contrat, annee)
    services.ouvrir_rapport(contrat, annee, request.user)
    messages.success(request, f"Le rapport d'exécution {annee} est ouvert : il reprend tout ce qui est déjà saisi.")
    return redirect("rapports:rapport", contrat.slug, annee)


def rapport_existant(request, slug, annee, permission):
    contrat = contrat_visible(request, slug)
    if not permission(request.user, contrat):
        raise PermissionDenied
    rapport = get_object_or_404(RapportExecution, contrat=contrat, annee=annee)
    rapport.contrat = contrat
    return contrat, rapport


def rediger(request, slug, annee):
    contrat, rapport = rapport_existant(request, slug, annee, peut_rediger_rapport)
    with concurrence.verrou(request, rapport):
        # Version : le texte de la synthèse et des perspectives (les montants et les étapes ont la leur).
        form = RedactionForm(
            request.POST or None,
            initial={"synthese_globale": rapport.synthese_globale, "perspectives": rapport.perspectives},
            instance_version=concurrence.CONTENU,
            objet_version=rapport,
            champs_version=("synthese_globale", "perspectives"),
        )
        if request.method == "POST" and form.is_valid():
            services.rediger(rapport, form.cleaned_data["synthese_globale"], form.cleaned_data["perspectives"])
            messages.success(request, "La synthèse et les perspectives sont enregistrées.")
            return redirect("rapports:rapport", contrat.slug, annee)
    historique = rapport.history.select_related("history_user").order_by("-history_date")[:20]
    return render(
        request,
        "rapports/rediger.html",
        {"contrat": contrat, "rapport": rapport, "form": form, "historique": historique},
        status=concurrence.statut(form),
    )


def montants(request, slug, annee):
    contrat, rapport = rapport_existant(request, slug, annee, peut_rediger_rapport)
    with concurrence.verrou(request, rapport):
        d = donnees.rassembler(contrat, annee, rapport)
        form = MontantsForm(
            request.POST or None,
            bilan=d.bilan,
            instance_version=concurrence.CONTENU,
            historiques=[MontantExecute.history.filter(rapport_id=rapport.pk)],
        )
        if request.method == "POST" and form.is_valid():
            services.enregistrer_montants(rapport, form.montants())
            messages.success(request, "Les crédits engagés et dépensés sont enregistrés.")
            return redirect(f"{reverse('rapports:rapport', args=[contrat.slug, annee])}#bilan")
    return render(
        request,
        "rapports/montants.html",
        {"contrat": contrat, "rapport": rapport, "d": d, "form": form},
        status=concurrence.statut(form),
    )


def etape(request, slug, annee):
    """La version est l'étape où en est le rapport : si quelqu'un l'a fait avancer depuis l'ouverture de la page,
    ce qui a été saisi pour l'étape précédente n'est pas enregistré sous l'étape suivante."""
    contrat, rapport = rapport_existant(request, slug, annee, peut_faire_avancer_rapport)
    with concurrence.verrou(request, rapport):
        suivante = rapport.etape_suivante
        if suivante is None:
            messages.info(request, "Le rapport est transmis : son chemin est terminé.")
            return redirect("rapports:rapport", contrat.slug, annee)
        form = EtapeForm(
            request.POST or None,
            request.FILES or None,
            etape=suivante,
            initial={"date": timezone.localdate()},
            instance_version=rapport.etape,
            objet_version=rapport,
            champs_version=("etape",),
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.franchir_etape(rapport, suivante, request.user, **form.donnees())
            except ValidationError as erreur:
                form.add_error(None, erreur)
            else:
                messages.success(request, f"Étape enregistrée : {suivante.label}.")
                return redirect("rapports:rapport", contrat.slug, annee)
    return render(
        request,
        "rapports/etape.html",
        {"contrat": contrat, "rapport": rapport, "form": form, "suivante": suivante},
        status=concurrence.statut(form),
    )


def document(request, slug, annee, pk):
    contrat = contrat_visible(request, slug)
    franchie = get_object_or_404(EtapeFranchie, pk=pk, rapport__contrat=contrat, rapport__annee=annee)
    return reponse_telechargement(franchie)


def _nom(contrat, suffixe):
    return f"{contrat.collectivite.slug}-{suffixe}"


def export_pdf(request, slug, annee):
    contrat = contrat_visible(request, slug)
    annee_valide(contrat, annee)
    contenu = rendre_pdf(donnees.rassembler(contrat, annee))
    return telechargement(contenu, "application/pdf", _nom(contrat, f"rapport-execution-{annee}.pdf"))


def export_xlsx(request, slug, annee):
    contrat = contrat_visible(request, slug)
    annee_valide(contrat, annee)
    contenu = classeur_rapport(donnees.rassembler(contrat, annee))
    return telechargement(contenu, XLSX, _nom(contrat, f"rapport-execution-{annee}.xlsx"))


def export_plan_action(request, slug):
    contrat = contrat_visible(request, slug)
    return telechargement(classeur_plan_action(contrat), XLSX, _nom(contrat, "plan-action-annexe-2.xlsx"))


def export_tableau_bord(request, slug):
    contrat = contrat_visible(request, slug)
    return telechargement(classeur_tableau_bord(contrat), XLSX, _nom(contrat, "tableau-de-bord-annexe-2-3.xlsx"))


def telechargement(contenu, type_mime, nom):
    reponse = HttpResponse(contenu, content_type=type_mime)
    reponse["Content-Disposition"] = f'attachment; filename="{nom}"'
    return reponse


# --- La page nationale (DGCS, DGS, ONPE) --------------------------------------------------------


def exiger_national(request):
    if not peut_voir_page_nationale(request.user):
        raise PermissionDenied


def annee_demandee(request):
    """Par défaut l'année précédente : le rapport d'une année se transmet dans l'année qui suit."""
    par_defaut = timezone.localdate().year - 1
    try:
        annee = int(request.GET.get("annee") or request.POST.get("annee") or par_defaut)
    except ValueError:
        annee = par_defaut
    return min(max(annee, 2020), 2100)


def page_nationale(request):
    exiger_national(request)
    annee = annee_demandee(request)
    etat = national.etat_des_tables()
    # Paresseux : rien n'est lu si le gabarit sert le tableau depuis le fragment en cache.
    lignes = SimpleLazyObject(lambda: national.etats_des_contrats(annee))
    return render(
        request,
        "rapports/national.html",
        {
            "annee": annee,
            "lignes": lignes,
            "compteurs": SimpleLazyObject(lambda: national.compter(lignes)),
            "cle_cache": national.cle_tableau(annee, etat),
            "export": national.etat_export(annee, etat),
            "annees": range(2023, timezone.localdate().year + 2),
        },
    )


@require_POST
def national_generer(request):
    exiger_national(request)
    annee = annee_demandee(request)
    national.lancer_export(annee)
    if request.htmx:
        return render(
            request, "rapports/_export_national.html", {"annee": annee, "export": national.etat_export(annee)}
        )
    return redirect(f"{reverse('rapports:national')}?annee={annee}")


def national_etat(request):
    exiger_national(request)
    annee = annee_demandee(request)
    return render(request, "rapports/_export_national.html", {"annee": annee, "export": national.etat_export(annee)})


def national_telecharger(request):
    exiger_national(request)
    annee = annee_demandee(request)
    nom = national.fichier_pret(annee)
    if nom is None:
        raise Http404("Le classeur national n'est pas encore prêt.")
    return FileResponse(
        default_storage.open(nom, "rb"), as_attachment=True, filename=f"contrats-enfance-national-{annee}.xlsx"
    )
