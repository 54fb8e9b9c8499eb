from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from contractualisation.models import Contrat
from core import concurrence
from core.jeton_csrf import REPERE_CSRF, avec_jeton
from core.telechargement import reponse_telechargement
from espace_partage import services as espace_partage
from espace_partage.models import Ressource
from fiches.models import Fiche
from fiches.permissions import peut_modifier_fiche

from . import services, tableaux, versions
from .enums import StatutDecision, StatutReleve, StatutReunion
from .forms import (
    CollecteForm,
    DecisionForm,
    PointForm,
    PreferenceForm,
    RectificatifForm,
    ReleveForm,
    ReunionForm,
    StatutDecisionForm,
)
from .ics import invitation_ics
from .models import (
    CollecteIndicateur,
    Decision,
    Notification,
    PieceJointe,
    PointFiche,
    PreferenceNotification,
    Releve,
    ValeurIndicateur,
)
from .permissions import (
    peut_animer_reunions,
    peut_modifier_releve,
    peut_rediger_releve,
    peut_relire_releve,
    peut_saisir_valeurs,
    peut_valider_releve,
    peut_voir_suivi,
)
from .valeurs import ValeursFicheForm, ValeursPmiForm

# --- Accès ---------------------------------------------------------------------------------------


def contrat_visible(request, slug):
    contrat = get_object_or_404(
        Contrat.objects.select_related("collectivite", "cycle"),
        slug=slug,
    )
    if not peut_voir_suivi(request.user, contrat):
        raise PermissionDenied
    return contrat


def reunion_visible(request, pk, *, pour_animer=False):
    from .models import Reunion

    reunion = get_object_or_404(
        Reunion.objects.select_related("contrat__collectivite", "contrat__cycle", "valide_par"),
        pk=pk,
    )
    if not peut_voir_suivi(request.user, reunion.contrat):
        raise PermissionDenied
    if pour_animer and not peut_animer_reunions(request.user, reunion.contrat):
        raise PermissionDenied
    return reunion


def point_de(request, reunion, point_pk):
    return get_object_or_404(
        PointFiche.objects.select_related("fiche__objectif_contrat__objectif"), pk=point_pk, reunion=reunion
    )


# --- Tableau de bord du contrat ----------------------------------------------------------------


def tableau_de_bord(request, slug):
    """Le tableau des fiches, l'état du tableau PMI et les graphiques sont un fragment en cache, le même pour
    tous ceux qui voient le suivi du contrat : sa clé change avec les données du suivi (`versions`) et le jour
    (décisions en retard, année réclamée) ; rien n'est calculé quand il vient du cache (objet paresseux)."""
    contrat = contrat_visible(request, slug)
    from .models import Reunion

    reunions = list(
        Reunion.objects.filter(contrat=contrat).exclude(statut=StatutReunion.ANNULEE).order_by("-date")[:12]
    )
    maintenant = timezone.now()
    aujourd_hui = timezone.localdate(maintenant)
    bilans = [r for r in reunions if r.type == "bilan_qualitatif" and r.date < maintenant]
    rythme = None
    if bilans:
        dernier = max(r.date for r in bilans)
        # Rythme du groupe de travail : une réunion-bilan tous les 6 à 8 mois.
        rythme = {"dernier": dernier, "debut": dernier + timedelta(days=182), "fin": dernier + timedelta(days=243)}
        rythme["depasse"] = maintenant > rythme["fin"] and not any(
            r.type == "bilan_qualitatif" and r.date > dernier for r in reunions
        )
    return render(
        request,
        "suivi/tableau_de_bord.html",
        {
            "rythme": rythme,
            "contrat": contrat,
            "tableau": SimpleLazyObject(lambda: tableaux.tableau_de_bord(contrat, aujourd_hui)),
            "cle_cache": f"{contrat.pk}|{aujourd_hui}|{versions.version_du_suivi(contrat, maintenant)}",
            "a_venir": sorted((r for r in reunions if r.date >= maintenant), key=lambda r: r.date),
            "passees": [r for r in reunions if r.date < maintenant],
            "peut_animer": peut_animer_reunions(request.user, contrat),
        },
    )


# --- Réunions ------------------------------------------------------------------------------------


def reunion_creer(request, slug):
    contrat = contrat_visible(request, slug)
    if not peut_animer_reunions(request.user, contrat):
        raise PermissionDenied
    membres = services.membres_du_comite(contrat)
    initial = {
        "fiches": list(services.fiches_par_defaut(contrat)),
        "participants": [request.user.pk],
        "type": "bilan_qualitatif",
        "heure": "14:00",
        "duree_minutes": 120,
    }
    form = ReunionForm(request.POST or None, contrat=contrat, membres=membres, initial=initial)
    if request.method == "POST" and form.is_valid():
        reunion = services.planifier_reunion(contrat, request.user, **form.reunion())
        messages.success(request, "La réunion est planifiée ; les participants ont reçu leur invitation.")
        return redirect("suivi:ordre_du_jour", reunion.pk)
    return render(request, "suivi/reunion_form.html", {"contrat": contrat, "form": form})


def reunion_modifier(request, pk):
    reunion = reunion_visible(request, pk, pour_animer=True)
    with concurrence.verrou(request, reunion):
        if reunion.statut != StatutReunion.PLANIFIEE:
            messages.error(request, services.MESSAGE_VERROU)
            return redirect("suivi:ordre_du_jour", reunion.pk)
        contrat = reunion.contrat
        local = timezone.localtime(reunion.date)
        initial = {
            "type": reunion.type,
            "jour": local.date(),
            "heure": local.time(),
            "duree_minutes": reunion.duree_minutes,
            "lieu": reunion.lieu,
            "lien_visio": reunion.lien_visio,
            "participants": list(
                reunion.participants.filter(utilisateur__isnull=False).values_list("utilisateur_id", flat=True)
            ),
            "fiches": list(reunion.points.order_by("ordre").values_list("fiche_id", flat=True)),
        }
        form = ReunionForm(
            request.POST or None,
            contrat=contrat,
            membres=services.membres_du_comite(contrat),
            initial=initial,
            instance_version=reunion.modifie_le.isoformat(),
            objet_version=reunion,
        )
        form.fields["externes"].label = "Ajouter d'autres participants"
        if request.method == "POST" and form.is_valid():
            services.modifier_reunion(reunion, request.user, **form.reunion())
            messages.success(request, "La réunion est modifiée.")
            return redirect("suivi:ordre_du_jour", reunion.pk)
    return render(
        request,
        "suivi/reunion_form.html",
        {"contrat": contrat, "form": form, "reunion": reunion},
        status=concurrence.statut(form),
    )


def ordre_du_jour(request, pk):
    """Préparer et tenir la réunion : pour chaque fiche, ce qui a changé, les décisions précédentes, et les
    trois parties du compte rendu (modifiables en séance tant qu'il n'est pas validé).

    L'en-tête (avec les participants) et les points de l'ordre du jour sont deux fragments en cache : leur clé
    change avec les données du suivi du contrat (`versions` : fiches, réunions, points, décisions, relevés,
    valeurs), la réunion (participants compris : ils ne changent qu'avec elle), la fenêtre des nouveautés et les
    droits de celui qui regarde (formulaires de séance, de statut des décisions) ; les jetons CSRF n'y sont pas
    (`core.jeton_csrf`). Les documents joints et les rectificatifs sont lus à chaque fois."""
    reunion = reunion_visible(request, pk)
    contrat = reunion.contrat
    peut_animer_contrat = peut_animer_reunions(request.user, contrat)
    peut_animer = peut_animer_contrat and not reunion.verrouillee
    peut_rectifier = reunion.verrouillee and peut_animer_contrat
    maintenant = timezone.now()
    cle_cache = "|".join(
        str(v)
        for v in (
            reunion.pk,
            reunion.modifie_le.isoformat(),
            tableaux.fin_des_nouveautes(reunion, maintenant),
            peut_animer,
            peut_rectifier,
            versions.version_du_suivi(contrat, maintenant),
        )
    )

    def preparation():
        points = tableaux.preparer(reunion)
        membres = services.membres_du_comite(contrat) if peut_animer else []
        for p in points:
            if peut_animer:
                p.form = formulaire_point(p.point)
                p.decision_form = DecisionForm(membres=membres, prefix=f"d{p.point.pk}")
            else:
                p.form = p.decision_form = None
        return points

    reponse = render(
        request,
        "suivi/ordre_du_jour.html",
        {
            "reunion": reunion,
            "contrat": contrat,
            "preparation": SimpleLazyObject(preparation),
            "cle_cache": cle_cache,
            "repere_csrf": REPERE_CSRF,
            "participants": SimpleLazyObject(lambda: list(reunion.participants.select_related("utilisateur"))),
            # Un rectificatif ne s'ajoute qu'à un compte rendu validé.
            "rectificatifs": list(reunion.rectificatifs.select_related("auteur")) if reunion.verrouillee else [],
            "peut_animer": peut_animer,
            "peut_animer_contrat": peut_animer_contrat,
            "peut_rectifier": peut_rectifier,
            "statuts_decision": StatutDecision.choices,
            "rectificatif_form": RectificatifForm(),
            "passee": reunion.date <= maintenant,
        },
    )
    reponse.content = avec_jeton(request, reponse.content)
    return reponse


def invitation(request, pk):
    reunion = reunion_visible(request, pk)
    reponse = HttpResponse(invitation_ics(reunion), content_type="text/calendar; charset=utf-8")
    reponse["Content-Disposition"] = f'attachment; filename="reunion-{reunion.pk}.ics"'
    return reponse


def projection(request, pk):
    """Mode projection : une fiche par écran, lisible à 1280×720 ; ←/→ et Échap au clavier.

    La page ne dépend pas de qui la regarde : elle est en cache entière, sous une clé qui change avec les
    données du suivi du contrat (`versions`), la réunion, le rang et la fenêtre des nouveautés ; seuls les
    numéros des points sont lus à chaque fois (rang, total)."""
    reunion = reunion_visible(request, pk)
    point_ids = list(reunion.points.order_by("ordre", "pk").values_list("pk", flat=True))
    if not point_ids:
        messages.info(request, "L'ordre du jour est vide : rien à projeter.")
        return redirect("suivi:ordre_du_jour", reunion.pk)
    try:
        rang = min(max(int(request.GET.get("n", "1")), 1), len(point_ids))
    except ValueError:
        rang = 1
    maintenant = timezone.now()
    cle_cache = "|".join(
        str(v)
        for v in (
            reunion.pk,
            reunion.modifie_le.isoformat(),
            rang,
            tableaux.fin_des_nouveautes(reunion, maintenant),
            versions.version_du_suivi(reunion.contrat, maintenant),
        )
    )

    def preparation():
        point = tableaux.points_de_la_reunion(reunion, pk=point_ids[rang - 1])[0]
        return tableaux.preparer(reunion, [point])[0]

    base = reverse("suivi:projection", args=[reunion.pk])
    return render(
        request,
        "suivi/projection.html",
        {
            "reunion": reunion,
            "contrat": reunion.contrat,
            "p": SimpleLazyObject(preparation),
            "cle_cache": cle_cache,
            "rang": rang,
            "total": len(point_ids),
            "precedent": f"{base}?n={rang - 1}" if rang > 1 else "",
            "suivant": f"{base}?n={rang + 1}" if rang < len(point_ids) else "",
        },
    )


def projection_cases(request, pk, point):
    """Le fragment interrogé toutes les 2 secondes par l'écran projeté : les trois cases, en trois requêtes
    (point avec sa réunion, périmètre de l'utilisateur, décisions) en plus de la session."""
    point = get_object_or_404(
        PointFiche.objects.select_related("reunion__contrat__collectivite"), pk=point, reunion_id=pk
    )
    if not peut_voir_suivi(request.user, point.reunion.contrat):
        raise PermissionDenied
    decisions = list(point.decisions.select_related("responsable"))
    return render(
        request, "suivi/projection.html#cases", {"reunion": point.reunion, "point": point, "decisions": decisions}
    )


def erreurs_en_clair(form):
    """Les erreurs d'un formulaire en une phrase, chaque champ nommé : pour un message hors des champs (htmx)."""
    morceaux = list(form.non_field_errors())
    for nom, erreurs in form.errors.items():
        if nom != "__all__":
            morceaux.append(f"{form.fields[nom].label} : {' '.join(erreurs)}")
    return " ".join(morceaux) or "Saisie invalide."


def formulaire_point(point, data=None):
    return PointForm(
        data,
        initial={"elements_positifs": point.elements_positifs, "axes_amelioration": point.axes_amelioration},
        instance_version=point.modifie_le.isoformat(),
        objet_version=point,
        champs_version=("elements_positifs", "axes_amelioration"),
        prefix=f"p{point.pk}",
    )


@require_POST
def point_enregistrer(request, pk, point):
    """Enregistrement sans rechargement (htmx) des deux cases rédigées, sous le verrou de la réunion (celui que
    prend aussi la validation du compte rendu). Refus 409 si quelqu'un d'autre a enregistré entre-temps : l'écran
    de conflit remplace l'état du point, le texte tapé reste dans le navigateur, rien n'est écrasé."""
    reunion = reunion_visible(request, pk, pour_animer=True)
    with concurrence.verrou(request, reunion):
        point = point_de(request, reunion, point)  # relu sous le verrou
        form = formulaire_point(point, request.POST)
        statut, message, niveau = 200, "", ""
        if form.is_valid():
            try:
                services.enregistrer_point(
                    point,
                    request.user,
                    elements_positifs=form.cleaned_data["elements_positifs"],
                    axes_amelioration=form.cleaned_data["axes_amelioration"],
                )
                message, niveau = f"Enregistré à {timezone.localtime():%H:%M:%S}", "succes"
            except ValidationError as e:
                message, niveau, statut = " ".join(e.messages), "erreur", 409
        elif form.conflit:
            statut = concurrence.STATUT_CONFLIT
        else:
            message, niveau, statut = erreurs_en_clair(form), "erreur", 400
    if not request.htmx:
        if form.conflit or niveau == "erreur":
            # Sans JavaScript, la page du point revient avec le texte envoyé (conflit ou saisie refusée).
            return render(
                request,
                "suivi/point_form.html",
                {
                    "reunion": reunion,
                    "contrat": reunion.contrat,
                    "point": point,
                    "form": form,
                    "message": message,
                    "recharger": reverse("suivi:ordre_du_jour", args=[reunion.pk]) + f"#point-{point.pk}",
                },
                status=statut,
            )
        return redirect(reverse("suivi:ordre_du_jour", args=[reunion.pk]) + f"#point-{point.pk}")
    return render(
        request,
        "suivi/ordre_du_jour.html#etat-point",
        {
            "reunion": reunion,
            "point": point,
            "form": form,
            "message": message,
            "niveau": niveau,
            # La nouvelle version ne remplace celle du formulaire qu'après un enregistrement réussi.
            "version": point.modifie_le.isoformat() if niveau == "succes" else "",
            "recharger": reverse("suivi:ordre_du_jour", args=[reunion.pk]) + f"#point-{point.pk}",
        },
        status=statut,
    )


@require_POST
def decision_ajouter(request, pk, point):
    reunion = reunion_visible(request, pk, pour_animer=True)
    point = point_de(request, reunion, point)
    membres = services.membres_du_comite(reunion.contrat)
    form = DecisionForm(request.POST, membres=membres, prefix=f"d{point.pk}")
    erreur = ""
    if form.is_valid():
        try:
            with concurrence.verrou(request, reunion):  # un ajout : pas de version, mais pas pendant la validation
                services.ajouter_decision(point, request.user, **form.cleaned_data)
            form = DecisionForm(membres=membres, prefix=f"d{point.pk}")
        except ValidationError as e:
            erreur = " ".join(e.messages)
    if not request.htmx:
        if erreur or form.errors:
            # Sans JavaScript, le formulaire revient sur sa propre page avec la saisie et les messages.
            contexte = {"reunion": reunion, "contrat": reunion.contrat, "point": point, "decision_form": form}
            return render(request, "suivi/decision_form.html", {**contexte, "erreur": erreur})
        return redirect(reverse("suivi:ordre_du_jour", args=[reunion.pk]) + f"#point-{point.pk}")
    return render(
        request,
        "suivi/ordre_du_jour.html#decisions",
        {
            "reunion": reunion,
            "point": point,
            "decisions": list(point.decisions.select_related("responsable")),
            "decision_form": form,
            "peut_animer": True,
            "erreur": erreur,
        },
    )


@require_POST
def decision_supprimer(request, pk):
    decision = get_object_or_404(Decision.objects.select_related("point__reunion"), pk=pk)
    reunion = reunion_visible(request, decision.point.reunion_id, pour_animer=True)
    try:
        with concurrence.verrou(request, reunion):
            services.supprimer_decision(decision)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    return redirect(reverse("suivi:ordre_du_jour", args=[reunion.pk]) + f"#point-{decision.point_id}")


@require_POST
def decision_statut(request, pk):
    decision = get_object_or_404(Decision.objects.select_related("point__reunion"), pk=pk)
    reunion = reunion_visible(request, decision.point.reunion_id)
    if not (peut_animer_reunions(request.user, reunion.contrat) or decision.responsable_id == request.user.pk):
        raise PermissionDenied
    retour = request.POST.get("retour", "")
    if not url_has_allowed_host_and_scheme(retour, allowed_hosts=None):
        retour = reverse("suivi:ordre_du_jour", args=[reunion.pk])
    with concurrence.verrou(request, decision):
        form = StatutDecisionForm(
            request.POST,
            initial={"statut": decision.statut},
            instance_version=decision.modifie_le.isoformat(),
            objet_version=decision,
            champs_version=("statut",),
        )
        if form.is_valid():
            services.changer_statut_decision(decision, form.cleaned_data["statut"])
            messages.success(request, f"Décision marquée « {decision.get_statut_display()} ».")
    if form.conflit:
        return render(
            request,
            "suivi/decision_statut.html",
            {"reunion": reunion, "contrat": reunion.contrat, "decision": decision, "form": form, "retour": retour},
            status=concurrence.statut(form),
        )
    return redirect(retour)


@require_POST
def reunion_valider(request, pk):
    reunion = reunion_visible(request, pk, pour_animer=True)
    try:
        with concurrence.verrou(request, reunion):  # aucun point ne s'enregistre pendant la validation
            services.valider_compte_rendu(reunion, request.user)
        messages.success(request, "Le compte rendu est validé : il ne se modifie plus (rectificatifs possibles).")
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    return redirect("suivi:ordre_du_jour", reunion.pk)


@require_POST
def reunion_annuler(request, pk):
    reunion = reunion_visible(request, pk, pour_animer=True)
    try:
        with concurrence.verrou(request, reunion):
            services.annuler_reunion(reunion)
        messages.success(request, "La réunion est annulée.")
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    return redirect("suivi:tableau_de_bord", reunion.contrat.slug)


@require_POST
def rectificatif_ajouter(request, pk):
    reunion = reunion_visible(request, pk, pour_animer=True)
    form = RectificatifForm(request.POST)
    if form.is_valid():
        try:
            services.ajouter_rectificatif(reunion, request.user, form.cleaned_data["texte"])
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, "Le rectificatif est ajouté au compte rendu.")
            return redirect(reverse("suivi:ordre_du_jour", args=[reunion.pk]) + "#rectificatifs")
    # Refusé : le texte revient avec le message, sur la page du rectificatif.
    return render(
        request, "suivi/rectificatif_form.html", {"reunion": reunion, "contrat": reunion.contrat, "form": form}
    )


# --- Tableau de bord PMI et valeurs ----------------------------------------------------------------


def tableau_pmi(request, slug):
    contrat = contrat_visible(request, slug)
    return render(
        request,
        "suivi/tableau_pmi.html",
        {
            "contrat": contrat,
            "pmi": tableaux.tableau_pmi(contrat),
            "peut_saisir": peut_saisir_valeurs(request.user, contrat),
        },
    )


def valeurs_pmi(request, slug):
    contrat = contrat_visible(request, slug)
    if not peut_saisir_valeurs(request.user, contrat):
        raise PermissionDenied
    # Les valeurs appartiennent au contrat : sa ligne est le verrou de toute saisie de valeurs (PMI ou fiche).
    with concurrence.verrou(request, contrat):
        form = ValeursPmiForm(
            request.POST or None,
            contrat=contrat,
            instance_version=concurrence.CONTENU,
            historiques=[ValeurIndicateur.history.filter(contrat_id=contrat.pk)],
        )
        if request.method == "POST" and form.is_valid():
            services.enregistrer_valeurs(contrat, request.user, form.valeurs())
            messages.success(request, "Les valeurs des indicateurs PMI sont enregistrées.")
            return redirect("suivi:tableau_pmi", contrat.slug)
    return render(
        request, "suivi/valeurs_pmi.html", {"contrat": contrat, "form": form}, status=concurrence.statut(form)
    )


# --- Relevés qualitatifs -------------------------------------------------------------------------


def fiche_visible(request, pk):
    fiche = get_object_or_404(
        Fiche.objects.select_related("contrat__collectivite", "objectif_contrat__objectif"), pk=pk
    )
    if not peut_voir_suivi(request.user, fiche.contrat):
        raise PermissionDenied
    return fiche


def releves_fiche(request, pk):
    """Le suivi d'une fiche : cibles et valeurs atteintes de ses indicateurs quantitatifs, relevés qualitatifs."""
    fiche = fiche_visible(request, pk)
    indicateurs = list(fiche.indicateurs_qualitatifs.all())
    collectes = {
        c.indicateur_id: c
        for c in CollecteIndicateur.objects.filter(indicateur__in=indicateurs).prefetch_related("collecteurs")
    }
    collecteurs = {u.pk for c in collectes.values() for u in c.collecteurs.all()}
    return render(
        request,
        "suivi/releves_fiche.html",
        {
            "fiche": fiche,
            "contrat": fiche.contrat,
            "indicateurs": [(i, collectes.get(i.pk)) for i in indicateurs],
            "releves": list(fiche.releves.select_related("indicateur", "auteur")),
            "peut_rediger": bool(indicateurs) and peut_rediger_releve(request.user, fiche, collecteurs),
            "peut_programmer": peut_animer_reunions(request.user, fiche.contrat),
            "series": tableaux.series_indicateurs(fiche.contrat, list(fiche.indicateurs_quantitatifs.all())),
            "peut_saisir_valeurs": peut_modifier_fiche(request.user, fiche),
        },
    )


def valeurs_fiche(request, pk):
    fiche = fiche_visible(request, pk)
    if not peut_modifier_fiche(request.user, fiche):
        raise PermissionDenied
    with concurrence.verrou(request, fiche.contrat):  # le même verrou que le tableau PMI (valeurs partagées)
        series = tableaux.series_indicateurs(fiche.contrat, list(fiche.indicateurs_quantitatifs.all()))
        form = ValeursFicheForm(
            request.POST or None,
            fiche=fiche,
            series=series,
            instance_version=concurrence.CONTENU,
            historiques=[ValeurIndicateur.history.filter(contrat_id=fiche.contrat_id)],
        )
        if request.method == "POST" and form.is_valid():
            services.enregistrer_valeurs_fiche(fiche, request.user, form.valeurs())
            messages.success(request, "Les valeurs des indicateurs sont enregistrées.")
            return redirect("suivi:releves_fiche", fiche.pk)
    return render(
        request,
        "suivi/valeurs_fiche.html",
        {"fiche": fiche, "contrat": fiche.contrat, "form": form},
        status=concurrence.statut(form),
    )


def releve_creer(request, pk):
    fiche = fiche_visible(request, pk)
    collecteurs = set(
        CollecteIndicateur.collecteurs.through.objects.filter(collecteindicateur__indicateur__fiche=fiche).values_list(
            "utilisateur_id", flat=True
        )
    )
    if not peut_rediger_releve(request.user, fiche, collecteurs):
        raise PermissionDenied
    form = ReleveForm(request.POST or None, request.FILES or None, fiche=fiche)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            champs = {k: v for k, v in form.cleaned_data.items() if k not in ("version", "piece", "indicateur")}
            releve = services.creer_releve(form.cleaned_data["indicateur"], request.user, **champs)
            if form.cleaned_data.get("piece"):
                services.ajouter_piece(releve, request.user, form.cleaned_data["piece"])
        messages.success(request, "Le relevé est enregistré en brouillon.")
        return redirect("suivi:releve", releve.pk)
    return render(request, "suivi/releve_form.html", {"fiche": fiche, "contrat": fiche.contrat, "form": form})


def releve_visible(request, pk):
    releve = get_object_or_404(
        Releve.objects.select_related(
            "fiche__contrat__collectivite",
            "fiche__objectif_contrat__objectif",
            "indicateur",
            "auteur",
            "relu_par",
            "valide_par",
        ),
        pk=pk,
    )
    if not peut_voir_suivi(request.user, releve.fiche.contrat):
        raise PermissionDenied
    return releve


def releve_detail(request, pk):
    releve = releve_visible(request, pk)
    return render(
        request,
        "suivi/releve.html",
        {
            "releve": releve,
            "fiche": releve.fiche,
            "contrat": releve.fiche.contrat,
            "pieces": list(releve.pieces.all()),
            "transitions": list(releve.transitions.select_related("par")),
            "peut_modifier": peut_modifier_releve(request.user, releve),
            "peut_relire": peut_relire_releve(request.user, releve),
            "peut_valider": peut_valider_releve(request.user, releve),
            "peut_soumettre": releve.statut == StatutReleve.BROUILLON and peut_modifier_releve(request.user, releve),
            "peut_renvoyer": peut_relire_releve(request.user, releve) or peut_valider_releve(request.user, releve),
        },
    )


def releve_modifier(request, pk):
    releve = releve_visible(request, pk)
    if not peut_modifier_releve(request.user, releve):
        raise PermissionDenied
    with concurrence.verrou(request, releve):
        form = ReleveForm(
            request.POST or None,
            request.FILES or None,
            instance=releve,
            fiche=releve.fiche,
            instance_version=releve.modifie_le.isoformat(),
        )
        if request.method == "POST" and form.is_valid():
            champs = {k: v for k, v in form.cleaned_data.items() if k not in ("version", "piece")}
            services.modifier_releve(releve, **champs)
            if form.cleaned_data.get("piece"):
                services.ajouter_piece(releve, request.user, form.cleaned_data["piece"])
            messages.success(request, "Le relevé est enregistré.")
            return redirect("suivi:releve", releve.pk)
    return render(
        request,
        "suivi/releve_form.html",
        {"fiche": releve.fiche, "contrat": releve.fiche.contrat, "form": form, "releve": releve},
        status=concurrence.statut(form),
    )


@require_POST
def releve_transition(request, pk):
    releve = releve_visible(request, pk)
    action = request.POST.get("action", "")
    autorise = {
        "soumettre": releve.statut == StatutReleve.BROUILLON and peut_modifier_releve(request.user, releve),
        "relire": peut_relire_releve(request.user, releve),
        "valider": peut_valider_releve(request.user, releve),
        "renvoyer": peut_relire_releve(request.user, releve) or peut_valider_releve(request.user, releve),
    }
    if not autorise.get(action):
        raise PermissionDenied
    try:
        services.faire_transition(releve, request.user, action, request.POST.get("commentaire", ""))
        messages.success(request, "Le relevé a changé d'étape.")
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    return redirect("suivi:releve", releve.pk)


def piece_telecharger(request, pk, piece):
    releve = releve_visible(request, pk)
    return reponse_telechargement(get_object_or_404(PieceJointe, pk=piece, releve=releve))


def collecte_programmer(request, pk):
    from fiches.models import IndicateurQualitatif

    indicateur = get_object_or_404(IndicateurQualitatif.objects.select_related("fiche__contrat__collectivite"), pk=pk)
    fiche = indicateur.fiche
    if not peut_voir_suivi(request.user, fiche.contrat):
        raise PermissionDenied
    if not peut_animer_reunions(request.user, fiche.contrat):
        raise PermissionDenied
    with concurrence.verrou(request, indicateur):  # la programmation n'existe pas toujours : l'indicateur la porte
        collecte = CollecteIndicateur.objects.filter(indicateur=indicateur).first()
        initial = (
            {
                "periodicite": collecte.periodicite,
                "prochaine_echeance": collecte.prochaine_echeance,
                "collecteurs": list(collecte.collecteurs.all()),
            }
            if collecte
            else {}
        )
        form = CollecteForm(
            request.POST or None,
            membres=services.membres_du_comite(fiche.contrat),
            initial=initial,
            instance_version=concurrence.CONTENU,
            objet_version=collecte,
        )
        if request.method == "POST" and form.is_valid():
            collecte, _ = CollecteIndicateur.objects.update_or_create(
                indicateur=indicateur,
                defaults={
                    "periodicite": form.cleaned_data["periodicite"],
                    "prochaine_echeance": form.cleaned_data["prochaine_echeance"],
                },
            )
            collecte.collecteurs.set(form.cleaned_data["collecteurs"])
            messages.success(request, "Le recueil est programmé.")
            return redirect("suivi:releves_fiche", fiche.pk)
    return render(
        request,
        "suivi/collecte_form.html",
        {"indicateur": indicateur, "fiche": fiche, "contrat": fiche.contrat, "form": form},
        status=concurrence.statut(form),
    )


# --- Notifications ---------------------------------------------------------------------------------


def notifications(request):
    preference, _ = PreferenceNotification.objects.get_or_create(utilisateur=request.user)
    form = PreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Votre préférence est enregistrée.")
        return redirect("suivi:notifications")
    return render(
        request,
        "suivi/notifications.html",
        {"notifications": list(request.user.notifications.all()[:100]), "form": form, "section": "notifications"},
    )


@require_POST
def notification_lue(request, pk):
    notification = get_object_or_404(Notification, pk=pk, destinataire=request.user)
    if notification.lue_le is None:
        notification.lue_le = timezone.now()
        notification.save(update_fields=["lue_le"])
    if request.POST.get("ouvrir") and url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect(notification.url)
    return redirect("suivi:notifications")


@require_POST
def notifications_toutes_lues(request):
    request.user.notifications.non_lues().update(lue_le=timezone.now())
    return redirect("suivi:notifications")


@require_POST
def joindre(request, pk):
    """Joindre à la réunion une ressource de l'espace partagé (ordre du jour, support…), sans nouveau dépôt."""
    reunion = reunion_visible(request, pk)
    if not peut_animer_reunions(request.user, reunion.contrat):
        raise PermissionDenied
    ressource = Ressource.objects.visibles_par(request.user).filter(pk=request.POST.get("ressource") or 0).first()
    if ressource is None:
        messages.error(request, "Choisissez une ressource de l'espace partagé à joindre.")
    else:
        espace_partage.joindre(ressource, reunion, request.user)
        messages.success(request, f"« {ressource.titre} » est jointe à la réunion.")
    return redirect(reverse("suivi:ordre_du_jour", args=[reunion.pk]) + "#documents")
