from contextlib import nullcontext
from datetime import date, datetime
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from core import concurrence
from core.models import Departement
from core.permissions import exiger
from core.telechargement import reponse_telechargement

from . import exports, services
from .enums import Liste, Nature, StatutPratique
from .forms import (
    AccordForm,
    AvisForm,
    EtapeConditionsForm,
    EtapeContactForm,
    EtapeLocalisationForm,
    EtapePresentationForm,
    FicheDispositifForm,
    FiltresForm,
    ModaliteForm,
    NouveauLienForm,
    SeanceForm,
    TransitionForm,
)
from .models import (
    LONGUEUR_DESCRIPTION,
    LONGUEUR_ENTITE,
    LONGUEUR_INTITULE,
    AvisMembre,
    Modalite,
    PieceJointe,
    Pratique,
    Seance,
)
from .permissions import (
    collectivites_representees,
    membre_comite,
    peut_donner_accord,
    peut_donner_avis,
    peut_gerer_listes,
    redacteur_onpe,
)

CLE_SESSION = "pratique_en_cours"
PAR_PAGE = 20
ETAPES = {
    1: "Informations préalables",
    2: "Présentation de la pratique",
    3: "Localisation",
    4: "Contact et pièces jointes",
}


def limite_envois(groupe, request):
    return settings.PRATIQUES_LIMITE_ENVOIS


def limiter(vue):
    """Limite les envois du formulaire public par adresse (réglage PRATIQUES_LIMITE_ENVOIS)."""

    @wraps(vue)
    def controle(request, *args, **kwargs):
        if getattr(request, "limited", False):
            return render(request, "pratiques/trop_d_envois.html", status=429)
        return vue(request, *args, **kwargs)

    return ratelimit(key="ip", group="pratiques:declaration", rate=limite_envois, method="POST", block=False)(controle)


# --- Bibliothèque publique ---------------------------------------------------------------------------------


def pratiques_filtrees(request):
    filtres = FiltresForm(request.GET or None)
    pratiques = filtres.filtrer(Pratique.objects.publiees().pour_liste())
    return filtres, pratiques


@login_not_required
def bibliotheque(request):
    """La page la plus consultée, et publique : la recherche et la liste sont un fragment en cache, dont la clé
    change dès qu'une pratique change (version = dernière modification et nombre). Rien n'est calculé quand le
    fragment est servi du cache (objets paresseux)."""
    filtres = FiltresForm(request.GET or None)
    page = SimpleLazyObject(
        lambda: Paginator(filtres.filtrer(Pratique.objects.publiees().pour_liste()), PAR_PAGE).get_page(
            request.GET.get("page")
        )
    )
    valorisees = SimpleLazyObject(
        lambda: [] if filtres.is_bound else list(Pratique.objects.publiees().filter(valorisee=True).pour_liste()[:3])
    )
    version = Pratique.objects.aggregate(derniere=Max("modifie_le"), nombre=Count("pk"))
    user = request.user
    return render(
        request,
        "pratiques/bibliotheque.html",
        {
            "filtres": filtres,
            "page": page,
            "valorisees": valorisees,
            "cle_cache": f"{version['derniere']}|{version['nombre']}|{request.GET.urlencode()}",
            "parametres": sans_page(request),
            "membre_comite": membre_comite(user),
            "representant": bool(collectivites_representees(user)),
            "redacteur_onpe": redacteur_onpe(user),
            "gere_listes": peut_gerer_listes(user),
        },
    )


def sans_page(request):
    parametres = request.GET.copy()
    parametres.pop("page", None)
    return parametres.urlencode()


@login_not_required
def exporter(request):
    _, pratiques = pratiques_filtrees(request)
    base = request.build_absolute_uri("/").rstrip("/")
    if request.GET.get("format") == "csv":
        contenu, type_, extension = exports.bibliotheque_csv(pratiques, base), "text/csv; charset=utf-8", "csv"
    else:
        contenu = exports.bibliotheque_xlsx(pratiques, base)
        type_, extension = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"
    reponse = HttpResponse(contenu, content_type=type_)
    reponse["Content-Disposition"] = f'attachment; filename="pratiques-inspirantes.{extension}"'
    return reponse


@login_not_required
def detail(request, pk):
    pratique = get_object_or_404(Pratique.objects.publiees().pour_liste(), pk=pk)
    sections = [
        ("Contexte", pratique.contexte),
        ("Objectifs du projet", pratique.objectifs),
        ("Public", pratique.public_detail),
        ("Territoire", pratique.territoire),
        ("Moyens nécessaires", pratique.moyens),
        ("Clés de réussite", pratique.cles_reussite),
        ("Résultats attendus", pratique.resultats_attendus),
        ("Difficultés susceptibles d'être rencontrées", pratique.difficultes),
    ]
    return render(
        request,
        "pratiques/detail.html",
        {
            "pratique": pratique,
            "sections": sections,
            "fil": fil_bibliotheque(),
            "peut_modifier": pratique.nature == Nature.DISPOSITIF and redacteur_onpe(request.user),
        },
    )


def fil_bibliotheque():
    return [(reverse("pratiques:bibliotheque"), "Pratiques inspirantes")]


def fil_comite():
    return [*fil_bibliotheque(), (reverse("pratiques:comite"), "Comité de sélection")]


# --- Déclaration (publique, en quatre étapes) -------------------------------------------------------------


def brouillon_en_cours(request):
    pk = request.session.get(CLE_SESSION)
    if pk is None:
        return None
    return Pratique.objects.filter(pk=pk, nature=Nature.DECLAREE).first()


def rendre_etape(request, numero, form, pratique):
    demande = None
    if pratique is not None and pratique.statut == StatutPratique.COMPLEMENTS:
        demande = pratique.transitions.filter(vers=StatutPratique.COMPLEMENTS).last()
    stepper = {
        "current_step_id": numero,
        "current_step_title": ETAPES[numero],
        "next_step_title": ETAPES.get(numero + 1, ""),
        "total_steps": len(ETAPES),
        "heading_tag": "h2",
    }
    precedent = reverse("pratiques:declarer") if numero == 2 else reverse("pratiques:etape", args=[numero - 1])
    return render(
        request,
        "pratiques/declarer.html",
        {
            "form": form,
            "numero": numero,
            "stepper": stepper,
            "pratique": pratique,
            "demande": demande,
            "precedent": precedent,
            "fil": fil_bibliotheque(),
        },
    )


@login_not_required
@limiter
def declarer(request):
    pratique = brouillon_en_cours(request)
    if pratique is not None and not pratique.modifiable_par_declarant:
        pratique = None
    initial = {"courriel": pratique.courriel_declarant, "conditions": pratique.conditions_acceptees} if pratique else {}
    form = EtapeConditionsForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.est_un_robot:
            return redirect("pratiques:envoyee")
        if form.is_valid():
            courriel = form.cleaned_data["courriel"]
            if pratique is None:
                base = request.build_absolute_uri("/")
                pratique, _ = services.creer_brouillon(courriel, base)
                request.session[CLE_SESSION] = pratique.pk
            else:
                services.enregistrer_etape(pratique, 1, {"courriel_declarant": courriel, "conditions_acceptees": True})
            return redirect("pratiques:etape", numero=2)
    return rendre_etape(request, 1, form, pratique)


FORMULAIRES = {2: EtapePresentationForm, 3: EtapeLocalisationForm, 4: EtapeContactForm}


@login_not_required
@limiter
def etape(request, numero):
    if numero not in FORMULAIRES:
        raise Http404
    pratique = brouillon_en_cours(request)
    if pratique is None or not pratique.conditions_acceptees:
        messages.info(request, "Commencez par accepter les informations préalables.")
        return redirect("pratiques:declarer")
    if not pratique.modifiable_par_declarant:
        return render(request, "pratiques/deja_envoyee.html", {"pratique": pratique})
    if pratique.etape < numero - 1:
        return redirect("pratiques:etape", numero=pratique.etape + 1)
    options = {"complements": pratique.statut == StatutPratique.COMPLEMENTS} if numero == 4 else {}
    form = FORMULAIRES[numero](request.POST or None, request.FILES or None, instance=pratique, **options)
    if request.method == "POST":
        if getattr(form, "est_un_robot", False):
            request.session.pop(CLE_SESSION, None)
            return redirect("pratiques:envoyee")
        if form.is_valid():
            donnees = {nom: form.cleaned_data[nom] for nom in form._meta.fields}
            try:
                if numero == 4 and form.cleaned_data["pieces"]:
                    services.ajouter_pieces(pratique, form.cleaned_data["pieces"])
                services.enregistrer_etape(pratique, numero, donnees)
                if numero < 4:
                    return redirect("pratiques:etape", numero=numero + 1)
                services.deposer(pratique, request.user, form.cleaned_data.get("reponse", ""))
            except ValidationError as erreur:
                form.add_error("pieces" if numero == 4 else None, erreur)
            else:
                request.session.pop(CLE_SESSION, None)
                return redirect("pratiques:envoyee")
    return rendre_etape(request, numero, form, pratique)


@login_not_required
def envoyee(request):
    return render(request, "pratiques/envoyee.html")


@login_not_required
def reprendre(request, jeton):
    pratique = Pratique.objects.par_jeton(jeton).filter(nature=Nature.DECLAREE).first()
    if pratique is None or not jeton:
        raise Http404
    if pratique.lien_expire:
        # Rien de la déclaration n'est montré : seulement de quoi recevoir un nouveau lien.
        contexte = {"form": NouveauLienForm(), "expire": True, "fil": fil_bibliotheque(), **duree()}
        return render(request, "pratiques/nouveau_lien.html", contexte, status=410)
    if not pratique.modifiable_par_declarant:
        return render(request, "pratiques/deja_envoyee.html", {"pratique": pratique})
    request.session[CLE_SESSION] = pratique.pk
    if pratique.statut == StatutPratique.COMPLEMENTS:
        messages.info(request, "Le comité vous demande des compléments : modifiez votre déclaration puis renvoyez-la.")
        return redirect("pratiques:etape", numero=2)
    return redirect("pratiques:etape", numero=min(pratique.etape + 1, 4))


@login_not_required
@limiter
def nouveau_lien(request):
    """Recevoir un nouveau lien de reprise : la même réponse que l'adresse ait une déclaration en cours ou non
    (rien n'est révélé), et la même limite d'envois que le formulaire de déclaration."""
    form = NouveauLienForm(request.POST or None)
    if request.method == "POST":
        if form.est_un_robot:
            return render(
                request, "pratiques/nouveau_lien.html", {"envoye": True, "fil": fil_bibliotheque(), **duree()}
            )
        if form.is_valid():
            services.envoyer_nouveaux_liens(form.cleaned_data["courriel"], request.build_absolute_uri("/"))
            contexte = {"envoye": True, "courriel": form.cleaned_data["courriel"], "fil": fil_bibliotheque(), **duree()}
            return render(request, "pratiques/nouveau_lien.html", contexte)
    return render(request, "pratiques/nouveau_lien.html", {"form": form, "fil": fil_bibliotheque(), **duree()})


def duree():
    return {"duree_jours": settings.PRATIQUES_DUREE_LIEN_REPRISE_JOURS}


def lire_date(texte):
    for format_ in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(texte, format_).date()
        except ValueError:
            continue
    return None


CHAMPS_PROPOSITION = ("intitule", "description", "entite", "departement", "date_mise_en_oeuvre", "origine")


def proposer(request):
    """Proposer une fiche action comme pratique inspirante. Le lien de la fiche (GET) montre ce qui sera repris ;
    le brouillon n'est créé, et le lien de reprise envoyé par e-mail, qu'à la confirmation (POST)."""
    parametres = request.POST if request.method == "POST" else request.GET
    departement = Departement.objects.filter(code=parametres.get("departement", "")).select_related("region").first()
    date_mise = lire_date(parametres.get("date_mise_en_oeuvre", ""))
    origine = parametres.get("origine", "")
    champs = {
        "intitule": parametres.get("intitule", "")[:LONGUEUR_INTITULE],
        "description": parametres.get("description", "")[:LONGUEUR_DESCRIPTION],
        "entite": parametres.get("entite", "")[:LONGUEUR_ENTITE],
        "departement": departement,
        "region": departement.region if departement else None,
        "date_mise_en_oeuvre": date_mise if date_mise and date_mise <= date.today() else None,
        # Seul un chemin de l'application est gardé : pas de lien vers un site extérieur.
        "origine_url": origine[:300] if origine.startswith("/") and not origine.startswith("//") else "",
    }
    if request.method != "POST":
        transmis = {nom: parametres.get(nom, "") for nom in CHAMPS_PROPOSITION}
        return render(
            request, "pratiques/proposer.html", {"champs": champs, "transmis": transmis, "fil": fil_bibliotheque()}
        )
    pratique, _ = services.creer_brouillon(
        request.user.email, request.build_absolute_uri("/"), declarant=request.user, **champs
    )
    pratique.conditions_acceptees = False
    pratique.save(update_fields=["conditions_acceptees"])
    request.session[CLE_SESSION] = pratique.pk
    messages.info(
        request,
        "Votre déclaration est pré-remplie à partir de la fiche action. Acceptez les informations préalables, "
        "puis vérifiez et complétez chaque étape.",
    )
    return redirect("pratiques:declarer")


# --- Accord du Département ---------------------------------------------------------------------------------


def accords(request):
    ids = collectivites_representees(request.user)
    if not ids:
        raise PermissionDenied
    demandes = (
        Pratique.objects.au_comite()
        .filter(departement__collectivites__in=ids)
        .exclude(statut__in=[StatutPratique.NON_RETENUE])
        .select_related("departement")
        .distinct()
        .order_by("accord", "-deposee_le")
    )
    return render(request, "pratiques/accords.html", {"demandes": demandes, "fil": fil_bibliotheque()})


def accord(request, pk):
    pratique = get_object_or_404(Pratique.objects.au_comite().pour_liste(), pk=pk)
    if not peut_donner_accord(request.user, pratique):
        raise PermissionDenied
    with concurrence.verrou(request, pratique):
        # La version : la réponse déjà donnée (sa date), vide tant que le Département n'a pas répondu.
        form = AccordForm(
            request.POST or None,
            instance_version=pratique.accord_le.isoformat() if pratique.accord_le else "",
            objet_version=pratique,
            historiques=[pratique.transitions.all()],
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.repondre_accord(
                    pratique, request.user, form.cleaned_data["reponse"] == "accorde", form.cleaned_data["commentaire"]
                )
            except ValidationError as erreur:
                form.add_error(None, erreur)
            else:
                messages.success(request, "Votre réponse a été transmise au comité de sélection.")
                return redirect("pratiques:accords")
    return render(
        request,
        "pratiques/accord.html",
        {
            "pratique": pratique,
            "form": form,
            "fil": [*fil_bibliotheque(), (reverse("pratiques:accords"), "Demandes d'accord")],
        },
        status=concurrence.statut(form),
    )


# --- Comité de sélection ----------------------------------------------------------------------------------


@exiger(membre_comite)
def comite(request):
    statut = request.GET.get("statut", "")
    file = Pratique.objects.au_comite().select_related("departement").annotate(nb_avis=Count("avis"))
    comptes = dict(
        Pratique.objects.au_comite().order_by().values_list("statut").annotate(n=Count("pk")).values_list("statut", "n")
    )
    if statut in StatutPratique.values:
        file = file.filter(statut=statut)
    else:
        statut = ""
        file = file.exclude(statut__in=[StatutPratique.PUBLIEE, StatutPratique.NON_RETENUE])
    onglets = [(s.value, s.label, comptes.get(s.value, 0)) for s in StatutPratique if s != StatutPratique.BROUILLON]
    page = Paginator(file.order_by("deposee_le"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "pratiques/comite.html",
        {"page": page, "onglets": onglets, "statut": statut, "fil": fil_bibliotheque()},
    )


def pratique_du_comite(pk):
    return get_object_or_404(Pratique.objects.au_comite().pour_liste().select_related("accord_par"), pk=pk)


@exiger(membre_comite)
def instruction(request, pk, transition_form=None, avis_form=None):
    pratique = pratique_du_comite(pk)
    avis = list(pratique.avis.select_related("membre"))
    mien = next((a for a in avis if a.membre_id == request.user.pk), None)
    statut = 400 if (transition_form or avis_form) else 200
    if transition_form is not None and transition_form.conflit:
        statut = concurrence.STATUT_CONFLIT
    return render(
        request,
        "pratiques/instruction.html",
        {
            "pratique": pratique,
            "journal": pratique.transitions.select_related("seance"),
            "avis": avis,
            "pieces": pratique.pieces.all(),
            "peut_donner_avis": peut_donner_avis(request.user, pratique),
            "avis_form": avis_form
            or AvisForm(initial={"avis": mien.avis, "commentaire": mien.commentaire} if mien else None),
            "transition_form": transition_form or TransitionForm(pratique=pratique),
            "fil": fil_comite(),
        },
        status=statut,
    )


@require_POST
@exiger(membre_comite)
def transition(request, pk):
    pratique = pratique_du_comite(pk)
    with concurrence.verrou(request, pratique):  # statut relu sous le verrou : la version comparée est l'actuelle
        form = TransitionForm(request.POST, pratique=pratique)
        if form.is_valid():
            try:
                services.changer_statut(
                    pratique,
                    form.cleaned_data["vers"],
                    request.user,
                    form.cleaned_data["motif"],
                    form.cleaned_data["seance"],
                    base=request.build_absolute_uri("/"),
                )
            except ValidationError as erreur:
                if hasattr(erreur, "error_dict"):
                    for champ, liste in erreur.error_dict.items():
                        form.add_error(champ, liste)
                else:
                    form.add_error(None, erreur)
            else:
                messages.success(request, f"Statut enregistré : {pratique.get_statut_display()}.")
                return redirect("pratiques:instruction", pk=pk)
    return instruction(request, pk, transition_form=form)


@require_POST
@exiger(membre_comite)
def avis(request, pk):
    pratique = pratique_du_comite(pk)
    if not peut_donner_avis(request.user, pratique):
        raise PermissionDenied
    form = AvisForm(request.POST)
    if form.is_valid():
        services.donner_avis(pratique, request.user, form.cleaned_data["avis"], form.cleaned_data["commentaire"])
        messages.success(request, "Votre avis a été enregistré.")
        return redirect("pratiques:instruction", pk=pk)
    return instruction(request, pk, avis_form=form)


@require_POST
@exiger(membre_comite)
def valorisation(request, pk):
    pratique = pratique_du_comite(pk)
    services.valoriser(pratique, request.user, request.POST.get("valorisee") == "oui")
    messages.success(
        request, "La pratique est mise en valeur." if pratique.valorisee else "La mise en valeur est retirée."
    )
    return redirect("pratiques:instruction", pk=pk)


def piece(request, pk):
    piece_ = get_object_or_404(PieceJointe.objects.select_related("pratique"), pk=pk)
    if not (membre_comite(request.user) or peut_donner_accord(request.user, piece_.pratique)):
        raise PermissionDenied
    return reponse_telechargement(piece_)


@exiger(membre_comite)
def seances(request):
    form = SeanceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        seance = form.save(commit=False)
        seance.creee_par = request.user
        seance.save()
        messages.success(request, f"Séance créée : {seance}.")
        return redirect("pratiques:seances")
    liste = Seance.objects.annotate(nb_decisions=Count("decisions"))
    return render(request, "pratiques/seances.html", {"form": form, "seances": liste, "fil": fil_comite()})


@exiger(membre_comite)
def proces_verbal(request, pk):
    seance = get_object_or_404(Seance, pk=pk)
    decisions = list(seance.decisions.select_related("pratique__departement"))
    avis_par_pratique = {}
    for a in AvisMembre.objects.filter(pratique__in=[d.pratique_id for d in decisions]).select_related("membre"):
        avis_par_pratique.setdefault(a.pratique_id, []).append(a)
    contenu = exports.proces_verbal_xlsx(seance, decisions, avis_par_pratique)
    reponse = HttpResponse(contenu, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    reponse["Content-Disposition"] = f'attachment; filename="proces-verbal-{seance.date:%Y-%m-%d}.xlsx"'
    return reponse


# --- Fiches dispositifs de l'ONPE et listes -----------------------------------------------------------------


@exiger(redacteur_onpe)
def dispositif(request, pk=None):
    fiche = get_object_or_404(Pratique, pk=pk, nature=Nature.DISPOSITIF) if pk else Pratique(nature=Nature.DISPOSITIF)
    with concurrence.verrou(request, fiche) if fiche.pk else nullcontext(fiche):
        version = fiche.modifie_le.isoformat() if fiche.pk else None
        form = FicheDispositifForm(request.POST or None, instance=fiche, instance_version=version)
        if request.method == "POST" and form.is_valid():
            fiche = services.enregistrer_fiche_dispositif(
                form.save(commit=False), request.user, form.cleaned_data["publier"]
            )
            messages.success(request, "La fiche dispositif a été enregistrée.")
            if fiche.statut == StatutPratique.PUBLIEE:
                return redirect(fiche)
            return redirect("pratiques:dispositif_modifier", pk=fiche.pk)
    brouillons = Pratique.objects.filter(nature=Nature.DISPOSITIF, statut=StatutPratique.BROUILLON)
    return render(
        request,
        "pratiques/dispositif_form.html",
        {
            "form": form,
            "fiche": fiche,
            "brouillons": brouillons,
            "fil": fil_bibliotheque(),
            "annuler": reverse("pratiques:bibliotheque"),
        },
        status=concurrence.statut(form),
    )


@exiger(peut_gerer_listes)
def listes(request, pk=None):
    modalite = get_object_or_404(Modalite, pk=pk) if pk else None
    with concurrence.verrou(request, modalite) if modalite else nullcontext():
        form = ModaliteForm(
            request.POST or None,
            instance=modalite,
            instance_version=concurrence.empreinte_instance(modalite, ModaliteForm._meta.fields),
        )
        if request.method == "POST" and form.is_valid():
            form.save()
            messages.success(request, "La liste a été mise à jour.")
            return redirect("pratiques:listes")
    toutes = list(Modalite.objects.all())
    groupes = [(libelle, [m for m in toutes if m.liste == valeur]) for valeur, libelle in Liste.choices]
    return render(
        request,
        "pratiques/listes.html",
        {
            "form": form,
            "groupes": groupes,
            "modalite": modalite,
            "fil": fil_bibliotheque(),
            "annuler": reverse("pratiques:listes") if modalite else "",
        },
        status=concurrence.statut(form),
    )
