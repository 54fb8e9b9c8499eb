from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_POST

from contractualisation.models import Objectif
from core import antivirus, concurrence
from core.telechargement import reponse_telechargement

from . import services
from .enums import Section
from .forms import (
    ActualiteForm,
    CommentaireForm,
    DeplacerForm,
    InvitationForm,
    ModifierRessourceForm,
    PreferenceResumeForm,
    RechercheForm,
    RessourceForm,
    VersionForm,
)
from .models import Espace, PreferenceResume, Ressource, Theme, VersionFichier
from .permissions import Droits

PAR_PAGE = 25


def _rendre(request, gabarit, contexte, statut=200):
    """Affiche une page de l'espace partagé avec son fil d'Ariane (accueil › espace › ressource)."""
    fil = [(reverse("espace_partage:accueil"), "Espace partagé")]
    ressource = contexte.get("ressource")
    espace = contexte.get("espace") or (ressource.espace if ressource else None)
    if espace and gabarit != "espace_partage/espace.html":
        fil.append((espace.get_absolute_url(), espace.nom))
    if ressource and gabarit != "espace_partage/ressource.html":
        fil.append((ressource.get_absolute_url(), ressource.titre))
    return render(request, gabarit, {"section": "espace", "fil": fil, **contexte}, status=statut)


def _espace(request, pk):
    espace = get_object_or_404(Espace.objects.select_related("region", "departement"), pk=pk)
    droits = Droits(request.user, espace)
    if not droits.voit:
        raise PermissionDenied
    return espace, droits


def _ressource(request, pk):
    ressource = get_object_or_404(
        Ressource.objects.select_related("espace", "auteur", "institution").prefetch_related("objectifs", "themes"),
        pk=pk,
    )
    droits = Droits(request.user, ressource.espace)
    if not droits.voit:
        raise PermissionDenied
    return ressource, droits


def accueil(request):
    # Les espaces vus décident de tout : deux personnes partagent le fragment en cache seulement si elles voient
    # exactement les mêmes espaces, et il change dès qu'une ressource, une version, un commentaire ou une
    # actualité de ces espaces change (services.etat_des_espaces).
    vus = list(Espace.objects.visibles_par(request.user).order_by("pk").values_list("pk", flat=True))
    # Paresseux : rien n'est lu (ni même composé) si le gabarit sert les deux listes depuis le cache.
    espaces = SimpleLazyObject(
        lambda: (
            Espace.objects.filter(pk__in=vus)
            .annotate(nb=Count("ressources", filter=Q(ressources__archivee=False)))
            .dans_l_ordre()
        )
    )
    recentes = SimpleLazyObject(
        lambda: Ressource.objects.filter(espace_id__in=vus).actives().pour_liste().order_by("-cree_le", "-pk")[:8]
    )
    preference = PreferenceResume.objects.filter(utilisateur=request.user).first()
    return render(
        request,
        "espace_partage/accueil.html",
        {
            "section": "espace",
            "espaces": espaces,
            "recentes": recentes,
            "cle_cache": services.etat_des_espaces(vus),
            "preference": PreferenceResumeForm(initial={"actif": bool(preference and preference.actif)}),
        },
    )


def espace(request, pk):
    espace, droits = _espace(request, pk)
    ressources = espace.ressources.actives()
    comptes = dict(ressources.values_list("section").annotate(n=Count("pk")).order_by())
    rubrique = request.GET.get("rubrique", "")
    if rubrique in Section.values:
        ressources = ressources.filter(section=rubrique)
    else:
        rubrique = ""
    etiquette = None  # filtre par objectif ou par thème, depuis une étiquette cliquée
    if request.GET.get("objectif", "").isdigit():
        objectif = get_object_or_404(Objectif, pk=request.GET["objectif"])
        ressources, etiquette = ressources.filter(objectifs=objectif), f"objectif n° {objectif.numero}"
    elif request.GET.get("theme", "").isdigit():
        theme = get_object_or_404(Theme, pk=request.GET["theme"])
        ressources, etiquette = ressources.filter(themes=theme), theme.libelle
    page = Paginator(ressources.dans_l_ordre().pour_liste(), PAR_PAGE).get_page(request.GET.get("page"))
    return _rendre(
        request,
        "espace_partage/espace.html",
        {
            "espace": espace,
            "droits": droits,
            "page": page,
            "rubrique": rubrique,
            "etiquette": etiquette,
            "rubriques": [(valeur, libelle, comptes.get(valeur, 0)) for valeur, libelle in Section.choices],
            "total": sum(comptes.values()),
            "actualites": espace.actualites.select_related("auteur")[:3],
            "nb_archives": espace.ressources.filter(archivee=True).count() if droits.anime else 0,
        },
    )


def archives(request, pk):
    espace, droits = _espace(request, pk)
    ressources = espace.ressources.filter(archivee=True).dans_l_ordre().pour_liste()
    page = Paginator(ressources, PAR_PAGE).get_page(request.GET.get("page"))
    return _rendre(request, "espace_partage/archives.html", {"espace": espace, "droits": droits, "page": page})


def ressource(request, pk):
    ressource, droits = _ressource(request, pk)
    form = CommentaireForm(request.POST or None)
    if request.method == "POST":
        if not droits.contribue:
            raise PermissionDenied
        if form.is_valid():
            services.commenter(ressource, request.user, form.cleaned_data["texte"])
            messages.success(request, "Votre commentaire a été publié.")
            return redirect(f"{ressource.get_absolute_url()}#commentaires")
    return _rendre(
        request,
        "espace_partage/ressource.html",
        {
            "ressource": ressource,
            "espace": ressource.espace,
            "droits": droits,
            "peut_modifier": droits.modifie(ressource),
            "versions": ressource.versions.select_related("depose_par"),
            "commentaires": ressource.commentaires.select_related("auteur"),
            "form": form,
            "antivirus": antivirus.configure(),
        },
    )


def ajouter(request, pk):
    espace, droits = _espace(request, pk)
    if not droits.contribue:
        raise PermissionDenied
    initial = {"section": request.GET.get("rubrique")} if request.GET.get("rubrique") in Section.values else {}
    form = RessourceForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        donnees = form.cleaned_data
        try:
            ressource = services.deposer_ressource(
                espace,
                request.user,
                section=donnees["section"],
                titre=donnees["titre"],
                resume=donnees["resume"],
                lien=donnees["lien"],
                objectifs=donnees["objectifs"],
                themes=donnees["themes"],
                fichier=donnees["fichier"],
            )
        except ValidationError as erreur:
            form.add_error(None, erreur)
        else:
            messages.success(request, f"La ressource « {ressource.titre} » a été ajoutée.")
            return redirect(ressource)
    return _rendre(request, "espace_partage/ressource_form.html", {"espace": espace, "form": form})


def modifier(request, pk):
    ressource, droits = _ressource(request, pk)
    if not droits.modifie(ressource):
        raise PermissionDenied
    with concurrence.verrou(request, ressource):
        initial = {
            "titre": ressource.titre,
            "resume": ressource.resume,
            "lien": ressource.lien,
            "objectifs": [o.pk for o in ressource.objectifs.all()],
            "themes": ", ".join(t.libelle for t in ressource.themes.all()),
        }
        form = ModifierRessourceForm(
            request.POST or None,
            initial=initial,
            instance_version=ressource.modifie_le.isoformat(),
            objet_version=ressource,
        )
        if request.method == "POST" and form.is_valid():
            donnees = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            services.modifier_ressource(ressource, **donnees)
            messages.success(request, "La ressource a été mise à jour.")
            return redirect(ressource)
    return _rendre(
        request, "espace_partage/modifier.html", {"ressource": ressource, "form": form}, concurrence.statut(form)
    )


def nouvelle_version(request, pk):
    ressource, droits = _ressource(request, pk)
    if not droits.modifie(ressource):
        raise PermissionDenied
    form = VersionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        version = services.ajouter_version(ressource, request.user, form.cleaned_data["fichier"])
        messages.success(request, f"La version {version.numero} a été déposée ; les précédentes restent disponibles.")
        return redirect(ressource)
    return _rendre(request, "espace_partage/version_form.html", {"ressource": ressource, "form": form})


def telecharger(request, pk):
    version = get_object_or_404(VersionFichier.objects.select_related("ressource__espace"), pk=pk)
    if not Droits(request.user, version.ressource.espace).voit:
        raise PermissionDenied
    return reponse_telechargement(version)


def _animateur(request, pk):
    ressource, droits = _ressource(request, pk)
    if not droits.anime:
        raise PermissionDenied
    return ressource


@require_POST
def mettre_en_avant(request, pk):
    ressource = _animateur(request, pk)
    if request.POST.get("retirer"):
        services.retirer_mise_en_avant(ressource)
        messages.success(request, "La ressource n'est plus mise en avant.")
    else:
        services.mettre_en_avant(ressource)
        messages.success(request, "La ressource est mise en avant ce trimestre, en tête de l'espace.")
    return redirect(ressource)


@require_POST
def archiver(request, pk):
    ressource = _animateur(request, pk)
    archivee = not request.POST.get("restaurer")
    services.archiver(ressource, archivee)
    messages.success(request, "La ressource a été archivée." if archivee else "La ressource a été restaurée.")
    return redirect(ressource)


def deplacer(request, pk):
    ressource = _animateur(request, pk)
    espaces = (
        Espace.objects.animes_par(request.user)
        .filter(pk__in=Espace.objects.visibles_par(request.user).values("pk"))
        .dans_l_ordre()
    )
    with concurrence.verrou(request, ressource):
        form = DeplacerForm(
            request.POST or None,
            espaces=espaces,
            initial={"espace": ressource.espace_id, "section": ressource.section},
            instance_version=ressource.modifie_le.isoformat(),
            objet_version=ressource,
        )
        if request.method == "POST" and form.is_valid():
            services.deplacer(ressource, espace=form.cleaned_data["espace"], section=form.cleaned_data["section"])
            messages.success(request, "La ressource a été déplacée.")
            return redirect(ressource)
    return _rendre(
        request, "espace_partage/deplacer.html", {"ressource": ressource, "form": form}, concurrence.statut(form)
    )


def actualite(request, pk):
    espace, droits = _espace(request, pk)
    if not droits.anime:
        raise PermissionDenied
    form = ActualiteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.publier_actualite(espace, request.user, **form.cleaned_data)
        messages.success(request, "L'actualité est publiée en tête de l'espace.")
        return redirect(espace)
    return _rendre(request, "espace_partage/actualite_form.html", {"espace": espace, "form": form})


def inviter(request, pk):
    espace, droits = _espace(request, pk)
    if not droits.anime:
        raise PermissionDenied
    if request.method == "POST" and request.POST.get("retirer"):
        services.retirer_invitation(espace, request.POST["retirer"])
        messages.success(request, "L'invitation a été retirée.")
        return redirect("espace_partage:inviter", espace.pk)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        membre = services.inviter(espace, request.user, form.cleaned_data["email"], form.cleaned_data["animateur"])
        messages.success(request, f"{membre.utilisateur} a maintenant accès à l'espace.")
        return redirect("espace_partage:inviter", espace.pk)
    return _rendre(
        request,
        "espace_partage/inviter.html",
        {
            "espace": espace,
            "form": form,
            "membres": espace.membres.select_related("utilisateur", "invite_par"),
        },
    )


def recherche(request):
    form = RechercheForm(request.GET or None)
    page = None
    if form.is_valid() and form.cleaned_data["q"]:
        resultats = (
            Ressource.objects.visibles_par(request.user).actives().rechercher(form.cleaned_data["q"]).pour_liste()
        )
        ordre = ["-pertinence", "-cree_le"] if "pertinence" in resultats.query.annotations else ["-cree_le"]
        page = Paginator(resultats.order_by(*ordre, "-pk"), PAR_PAGE).get_page(request.GET.get("page"))
    return _rendre(request, "espace_partage/recherche.html", {"form": form, "page": page})


@require_POST
def preference_resume(request):
    form = PreferenceResumeForm(request.POST)
    actif = form.is_valid() and form.cleaned_data["actif"]
    PreferenceResume.objects.update_or_create(utilisateur=request.user, defaults={"actif": actif})
    messages.success(
        request,
        "Vous recevrez chaque lundi le résumé des nouveautés." if actif else "Vous ne recevrez plus le résumé.",
    )
    return redirect("espace_partage:accueil")


def choisir(request):
    """Fragment de choix d'une ressource à joindre (fiche, réunion…) : les autres applications l'incluent
    dans leur formulaire (htmx) ; il renvoie des boutons radio nommés « ressource »."""
    form = RechercheForm(request.GET or None)
    ressources = Ressource.objects.visibles_par(request.user).actives()
    if form.is_valid() and form.cleaned_data["q"]:
        ressources = ressources.rechercher(form.cleaned_data["q"])
    ressources = ressources.select_related("espace").order_by("-cree_le", "-pk")[:20]
    return render(request, "espace_partage/_choisir.html", {"form": form, "ressources": ressources, "nom": "ressource"})
