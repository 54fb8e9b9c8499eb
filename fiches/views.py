from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Max, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from contractualisation.views import contrat_visible
from core import concurrence
from core.jeton_csrf import REPERE_CSRF, avec_jeton
from espace_partage import services as espace_partage
from espace_partage.models import Ressource

from . import exports, services
from .enums import TypeExemple
from .exemples import avec_exemple, libelles_du_formulaire, marquer, rubrique_de, sans_verification
from .extensions import liens_fiche, reunions_des_fiches
from .forms import (
    CommentaireForm,
    FiltreFichesForm,
    NouvelleFicheForm,
    ReponseForm,
    VersionSectionForm,
    formulaire_commentaire,
    personnes_du_territoire,
)
from .fragments import cles_de_la_page, fragments_en_cache
from .historique import historique_fiche
from .models import (
    Commentaire,
    ExempleIndicateur,
    Fiche,
    IndicateurQuantitatif,
    MontantFiche,
    Partenaire,
)
from .permissions import (
    peut_commenter_fiche,
    peut_contribuer_contrat,
    peut_modifier_et_commenter,
    peut_modifier_fiche,
    peut_voir_fiche,
)
from .sections import SECTIONS


def fiches_du_contrat(contrat):
    return Fiche.objects.du_contrat(contrat).pour_liste()


def liste(request, slug):
    """La liste est un fragment en cache : sa clé change avec les fiches du contrat (dernière modification,
    nombre), le contrat (montants des fiches, via `marquer_modifie`) et les filtres ; rien n'est calculé quand le
    fragment vient du cache (objet paresseux)."""
    contrat = contrat_visible(request, slug)
    version = contrat.fiches.aggregate(derniere=Max("modifie_le"), nombre=Count("pk"))
    cle = f"{contrat.pk}|{contrat.modifie_le.isoformat()}|{version['derniere']}|{version['nombre']}"
    return render(
        request,
        "fiches/liste.html",
        {
            "contrat": contrat,
            "liste": SimpleLazyObject(lambda: contenu_liste(contrat, request.GET)),
            "cle_cache": f"{cle}|{request.GET.urlencode()}",
            "peut_creer": peut_contribuer_contrat(request.user, contrat),
        },
    )


def contenu_liste(contrat, parametres):
    objectifs = [oc.objectif for oc in contrat.objectifs_contrat.select_related("objectif")]
    fiches = fiches_du_contrat(contrat)
    filtres = FiltreFichesForm(
        parametres or None,
        objectifs=objectifs,
        referents=personnes_du_territoire(contrat.collectivite).filter(fiches_pilotees__contrat=contrat),
    )
    if filtres.is_valid():
        donnees = filtres.cleaned_data
        if donnees["objectif"]:
            fiches = fiches.filter(objectif_contrat__objectif__numero=donnees["objectif"])
        if donnees["referent"]:
            fiches = fiches.filter(referent=donnees["referent"])
        if donnees["statut"]:
            fiches = fiches.filter(statut=donnees["statut"])
        if donnees["impact"]:
            fiches = fiches.a_impact()
        if donnees["q"]:
            mot = donnees["q"]
            fiches = fiches.filter(
                Q(titre__icontains=mot) | Q(description__icontains=mot) | Q(objectif_operationnel__icontains=mot)
            )
    fiches = list(fiches)
    par_objectif = defaultdict(list)
    for fiche in fiches:
        par_objectif[fiche.objectif_contrat.objectif_id].append(fiche)
    groupes = [(o, par_objectif[o.pk]) for o in objectifs if par_objectif[o.pk]]
    return {"groupes": groupes, "nombre": len(fiches), "filtres": filtres}


def nouvelle(request, slug):
    contrat = contrat_visible(request, slug)
    if not peut_contribuer_contrat(request.user, contrat):
        raise PermissionDenied
    form = NouvelleFicheForm(request.POST or None, contrat=contrat, initial={"referent": request.user})
    if request.method == "POST" and form.is_valid():
        fiche = services.creer_fiche(contrat, **form.cleaned_data)
        messages.success(request, f"La fiche action n° {fiche.numero_complet} a été créée : complétez ses rubriques.")
        return redirect("fiches:fiche", fiche.pk)
    return render(request, "fiches/nouvelle.html", {"contrat": contrat, "form": form})


def fiche_complete(pk):
    return get_object_or_404(
        Fiche.objects.select_related(
            "contrat__collectivite__region",
            "contrat__cycle",
            "objectif_contrat__objectif",
            "referent",
            "referent_institution",
        ).prefetch_related(
            "contrat__collectivite__departements",
            Prefetch("partenaires", queryset=Partenaire.objects.select_related("institution")),
            Prefetch("montants", queryset=MontantFiche.objects.select_related("source")),
            "jalons",
            Prefetch(
                "indicateurs_quantitatifs",
                queryset=IndicateurQuantitatif.objects.select_related("indicateur_harmonise"),
            ),
            "indicateurs_qualitatifs",
            Prefetch("fiches_liees", queryset=Fiche.objects.select_related("objectif_contrat__objectif")),
        ),
        pk=pk,
    )


def verifier_droits(request, fiche, *, pour_modifier=False):
    if not (peut_voir_fiche(request.user, fiche) or fiche.referent_id == request.user.pk):
        raise PermissionDenied
    if pour_modifier and not peut_modifier_fiche(request.user, fiche):
        raise PermissionDenied


def fiche_visible(request, pk, *, pour_modifier=False):
    fiche = fiche_complete(pk)
    verifier_droits(request, fiche, pour_modifier=pour_modifier)
    return fiche


def tableau_montants(fiche):
    """Les moyens financiers en tableau : une ligne par année du cycle, une colonne par source utilisée."""
    sources = []
    for m in fiche.montants.all():
        if m.source not in sources:
            sources.append(m.source)
    sources.sort(key=lambda s: s.ordre)
    cases = {(m.annee, m.source_id): m.montant for m in fiche.montants.all()}
    lignes = []
    for annee in fiche.contrat.cycle.annees:
        montants = [cases.get((annee, s.pk)) for s in sources]
        lignes.append((annee, montants, sum(m for m in montants if m is not None)))
    totaux = [sum(cases.get((a, s.pk)) or 0 for a in fiche.contrat.cycle.annees) for s in sources]
    return {"sources": sources, "lignes": lignes, "totaux": totaux, "total": sum(totaux)}


def exemples_de(fiche):
    """Les exemples du référentiel pour l'objectif de la fiche, par type ; `deja` : déjà dans la fiche."""
    exemples = {TypeExemple.QUANTITATIF: [], TypeExemple.QUALITATIF: []}
    for e in ExempleIndicateur.objects.filter(objectif_id=fiche.objectif_contrat.objectif_id):
        exemples[e.type].append(e)
    marquer(exemples[TypeExemple.QUANTITATIF], [i.libelle for i in fiche.indicateurs_quantitatifs.all()])
    marquer(exemples[TypeExemple.QUALITATIF], [i.libelle for i in fiche.indicateurs_qualitatifs.all()])
    return exemples


def contexte_fiche(request, fiche):
    return {
        "fiche": fiche,
        "contrat": fiche.contrat,
        "sections": SECTIONS.values(),
        "montants": tableau_montants(fiche),
        "peut_modifier": peut_modifier_fiche(request.user, fiche),
        "liens_fiche": liens_fiche(fiche),
    }


def fiche(request, pk):
    fiche = get_object_or_404(Fiche.objects.pour_page(), pk=pk)
    verifier_droits(request, fiche)
    return page_fiche(request, fiche)


def page_fiche(request, fiche, commentaire_refuse=None):
    """L'en-tête, les rubriques et les commentaires viennent du cache (fiches/fragments.py) : sur un cache chaud,
    la fiche est lue sans ses lignes et seuls le cadre de la page et les documents joints sont rendus.
    `commentaire_refuse` (un CommentaireForm lié, en erreur) : le bloc des commentaires est rendu pour cette
    personne, hors cache, avec son texte et le message à côté du champ."""
    pk = fiche.pk
    peut_modifier, peut_commenter = peut_modifier_et_commenter(request.user, fiche)

    def rendre(noms):
        contexte = {"peut_modifier": peut_modifier, "peut_commenter": peut_commenter, "csrf_token": REPERE_CSRF}
        if "entete" in noms or "rubriques" in noms:
            complete = fiche_complete(pk)
            contexte.update(
                fiche=complete,
                liens_fiche=liens_fiche(complete),
                sections=SECTIONS.values(),
                montants=tableau_montants(complete),
                exemples=exemples_de(complete),
            )
        else:
            contexte["fiche"] = fiche
        if "commentaires" in noms:
            contexte.update(contexte_commentaires(fiche, commentaire_refuse))
        return {nom: render_to_string(f"fiches/fiche.html#{nom}", contexte) for nom in noms}

    cles = cles_de_la_page(fiche, peut_modifier, peut_commenter)
    if commentaire_refuse is not None:
        del cles["commentaires"]
    fragments = fragments_en_cache(request, cles, rendre)
    if commentaire_refuse is not None:
        fragments["commentaires"] = mark_safe(avec_jeton(request, rendre(["commentaires"])["commentaires"]))
    return render(
        request,
        "fiches/fiche.html",
        {
            "fiche": fiche,
            "contrat": fiche.contrat,
            "peut_modifier": peut_modifier,
            "fragments": fragments,
        },
    )


def contexte_commentaires(fiche, refuse=None, publie=False):
    """Les commentaires et leurs formulaires : celui du commentaire refusé (réponse ou nouveau) garde son texte."""
    commentaires = list(commentaires_de(fiche))
    for c in commentaires:
        if isinstance(refuse, ReponseForm) and refuse.data.get("reponse_a") == str(c.pk):
            c.form_reponse = refuse
        else:
            c.form_reponse = ReponseForm(commentaire_id=c.pk)
    nouveau = refuse if refuse is not None and not isinstance(refuse, ReponseForm) else CommentaireForm()
    return {"commentaires": commentaires, "form_commentaire": nouveau, "publie": publie}


def commentaires_de(fiche):
    return (
        Commentaire.objects.filter(fiche=fiche, reponse_a=None)
        .select_related("auteur")
        .prefetch_related(Prefetch("reponses", queryset=Commentaire.objects.select_related("auteur")))
    )


def section_ou_404(nom):
    try:
        return SECTIONS[nom]
    except KeyError:
        raise Http404 from None


def section(request, pk, nom):
    """La rubrique en lecture (fragment htmx après « Annuler »)."""
    fiche = fiche_visible(request, pk)
    section = section_ou_404(nom)
    if not request.htmx:
        return redirect(f"{reverse('fiches:fiche', args=[fiche.pk])}#rubrique-{nom}")
    return render(
        request,
        "fiches/_section.html",
        {**contexte_fiche(request, fiche), "section": section, "exemples": exemples_de(fiche)},
    )


def section_modifier(request, pk, nom):
    fiche = fiche_visible(request, pk, pour_modifier=True)
    section = section_ou_404(nom)
    if request.method == "POST" and "inserer" in request.POST:
        return inserer_dans_le_formulaire(request, fiche, section)
    enregistre = False
    with concurrence.verrou(request, fiche):
        if request.method == "POST":
            fiche = fiche_complete(pk)  # relue sous le verrou, lignes comprises : la version est celle d'à présent
        version = VersionSectionForm(
            request.POST or None, instance_version=section.version(fiche), **section.auteurs(fiche)
        )
        form = section.formulaire(fiche, request.POST or None)
        if request.method == "POST":
            if enregistre := all([version.is_valid(), form.is_valid()]):  # l'un et l'autre : toutes les erreurs
                liees = set()
                if section.nom == "identite":  # liées avant ou après : leur page affiche cette fiche
                    liees = {f.pk for f in fiche.fiches_liees.all()} | {f.pk for f in form.cleaned_data["fiches_liees"]}
                form.save()
                # Le statut compte aussi : une fiche abandonnée ne finance plus son objectif.
                services.toucher(fiche, montants_changes=section.nom in ("moyens", "identite"), liees=liees)
    if enregistre:
        if not request.htmx:
            messages.success(request, f"La rubrique « {section.titre} » a été enregistrée.")
            return redirect(f"{reverse('fiches:fiche', args=[fiche.pk])}#rubrique-{nom}")
        fiche = fiche_complete(pk)
        return render(
            request,
            "fiches/_section.html",
            {
                **contexte_fiche(request, fiche),
                "section": section,
                "exemples": exemples_de(fiche),
                "enregistre": True,
            },
        )
    return rendre_edition(request, fiche, section, form, version)


def rendre_edition(request, fiche, section, form, version, **contexte):
    exemples = exemples_de(fiche)
    if not section.texte and section.nom.startswith("indicateurs_"):
        # Dans l'éditeur, « déjà présent » se lit dans le formulaire ouvert (lignes tapées comprises).
        type_exemple = section.nom.removeprefix("indicateurs_").removesuffix("s")
        marquer(exemples[type_exemple], libelles_du_formulaire(form))
    contexte = {
        **contexte_fiche(request, fiche),
        "section": section,
        "form": form,
        "version": version,
        "exemples": exemples,
        **contexte,
    }
    gabarit = "fiches/_section_edition.html" if request.htmx else "fiches/section_modifier.html"
    return render(request, gabarit, contexte, status=concurrence.statut(version))


def inserer_dans_le_formulaire(request, fiche, section):
    """« Insérer » dans une rubrique ouverte : le formulaire revient avec ce qui a été tapé et une ligne de plus,
    pré-remplie avec l'exemple ; rien n'est enregistré (fiches/exemples.py)."""
    exemple = get_object_or_404(
        ExempleIndicateur,
        pk=request.POST.get("inserer") if str(request.POST.get("inserer", "")).isdigit() else 0,
        objectif_id=fiche.objectif_contrat.objectif_id,
    )
    if rubrique_de(exemple.type) != section.nom:
        raise Http404
    # La version reste celle lue à l'ouverture : l'enregistrement qui suivra détecte toujours un conflit.
    version = VersionSectionForm(request.POST)
    donnees = avec_exemple(request.POST, section.nom, exemple, section.jeu.max_num)
    if donnees is None:
        form = sans_verification(section.formulaire(fiche, request.POST))
        insertion = (
            f"La rubrique compte déjà {section.jeu.max_num} lignes : enregistrez-la ou retirez une ligne "
            "avant d'insérer un exemple.",
            "warning",
        )
    else:
        form = sans_verification(section.formulaire(fiche, donnees))
        insertion = (
            f"L'exemple « {exemple.libelle} » est ajouté en bas du formulaire, avec ce que vous avez déjà saisi. "
            "Rien n'est encore enregistré : complétez la ligne, puis enregistrez la rubrique.",
            "info",
        )
    return rendre_edition(request, fiche, section, form, version, insertion=insertion)


def inserer_exemple(request, pk, exemple_pk):
    """« Insérer » d'une rubrique fermée : enregistre l'exemple comme indicateur de la fiche, après confirmation
    (boîte de dialogue htmx, `confirme` envoyé avec la requête ; sans JavaScript, une page de confirmation)."""
    fiche = fiche_visible(request, pk, pour_modifier=True)
    exemple = get_object_or_404(ExempleIndicateur, pk=exemple_pk, objectif_id=fiche.objectif_contrat.objectif_id)
    nom = rubrique_de(exemple.type)
    retour = f"{reverse('fiches:fiche', args=[fiche.pk])}#rubrique-{nom}"
    deja = services.exemple_deja_insere(fiche, exemple)
    if request.method != "POST" or not request.POST.get("confirme"):
        return render(
            request,
            "fiches/inserer_exemple.html",
            {
                **contexte_fiche(request, fiche),
                "exemple": exemple,
                "section": SECTIONS[nom],
                "retour": retour,
                "deja": deja,
            },
        )
    insere = None if deja else services.inserer_exemple(fiche, exemple)
    if request.htmx:
        fiche = fiche_complete(pk)
        return render(
            request,
            "fiches/_section.html",
            {
                **contexte_fiche(request, fiche),
                "section": SECTIONS[nom],
                "exemples": exemples_de(fiche),
                "enregistre": insere is not None,
                "deja_insere": exemple if insere is None else None,
            },
        )
    if insere is None:
        messages.info(request, f"L'indicateur « {exemple.libelle} » est déjà dans la fiche : il n'a pas été ajouté.")
    else:
        messages.success(request, f"L'indicateur « {exemple.libelle} » a été ajouté : ajustez-le si besoin.")
    return redirect(retour)


@require_POST
def commenter(request, pk):
    """Publier un commentaire ou une réponse. Refusé (vide, trop long, caractère invalide) : le bloc des
    commentaires revient avec le texte et le message à côté du champ, en htmx comme sans JavaScript."""
    fiche = fiche_visible(request, pk)
    if not peut_commenter_fiche(request.user, fiche):
        raise PermissionDenied
    form = formulaire_commentaire(request.POST)
    if form.is_valid():
        reponse_a = None
        if form.cleaned_data["reponse_a"]:
            reponse_a = get_object_or_404(Commentaire, pk=form.cleaned_data["reponse_a"], fiche=fiche)
        try:
            services.commenter(fiche, request.user, form.cleaned_data["texte"], reponse_a)
        except ValidationError as erreur:
            form.add_error(None, erreur)
    if form.is_valid():
        if request.htmx:
            return rendre_commentaires(request, fiche, publie=True)
        messages.success(request, "Votre commentaire a été publié.")
        return redirect(f"{reverse('fiches:fiche', args=[fiche.pk])}#commentaires")
    if request.htmx:
        return rendre_commentaires(request, fiche, refuse=form)
    fiche = get_object_or_404(Fiche.objects.pour_page(), pk=pk)
    return page_fiche(request, fiche, commentaire_refuse=form)


def rendre_commentaires(request, fiche, refuse=None, publie=False):
    peut_commenter = peut_commenter_fiche(request.user, fiche)
    contexte = {"fiche": fiche, "peut_commenter": peut_commenter, **contexte_commentaires(fiche, refuse, publie)}
    return render(request, "fiches/fiche.html#commentaires", contexte)


def historique(request, pk):
    fiche = fiche_visible(request, pk)
    return render(
        request,
        "fiches/historique.html",
        {
            "fiche": fiche,
            "contrat": fiche.contrat,
            "evenements": historique_fiche(fiche),
            "peut_modifier": peut_modifier_fiche(request.user, fiche),
        },
    )


@require_POST
def restaurer(request, pk):
    fiche = fiche_visible(request, pk, pour_modifier=True)
    champ = request.POST.get("champ", "")
    if champ not in services.CHAMPS_RESTAURABLES:
        raise Http404
    version = get_object_or_404(fiche.history.model, history_id=request.POST.get("version"), id=fiche.pk)
    services.restaurer_valeur(fiche, version, champ)
    libelle = Fiche._meta.get_field(champ).verbose_name
    messages.success(request, f"La valeur du {version.history_date:%d/%m/%Y à %H:%M} a été remise dans « {libelle} ».")
    return redirect("fiches:historique", fiche.pk)


def annexes(request, pk):
    fiche = fiche_visible(request, pk)
    return render(
        request,
        "fiches/annexes.html",
        {**contexte_fiche(request, fiche), "reunions": reunions_des_fiches([fiche])[fiche.pk]},
    )


def calendrier(request, pk):
    fiche = fiche_visible(request, pk)
    reunions = reunions_des_fiches([fiche])[fiche.pk]
    return render(
        request,
        "fiches/calendrier.html",
        {**contexte_fiche(request, fiche), "vue": exports.vue_calendaire(fiche, reunions)},
    )


def pdf(request, pk):
    fiche = fiche_visible(request, pk)
    reponse = HttpResponse(exports.fiche_pdf(fiche), content_type="application/pdf")
    reponse["Content-Disposition"] = f'attachment; filename="{exports.nom_fichier(fiche)}.pdf"'
    return reponse


def docx(request, pk):
    fiche = fiche_visible(request, pk)
    reponse = HttpResponse(
        exports.fiche_docx(fiche),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    reponse["Content-Disposition"] = f'attachment; filename="{exports.nom_fichier(fiche)}.docx"'
    return reponse


@require_POST
def joindre(request, pk):
    """Joindre à la fiche une ressource de l'espace partagé que l'utilisateur voit (aucun nouveau dépôt)."""
    fiche = fiche_visible(request, pk, pour_modifier=True)
    ressource = Ressource.objects.visibles_par(request.user).filter(pk=request.POST.get("ressource") or 0).first()
    if ressource is None:
        messages.error(request, "Choisissez une ressource de l'espace partagé à joindre.")
    else:
        espace_partage.joindre(ressource, fiche, request.user)
        messages.success(request, f"« {ressource.titre} » est jointe à la fiche.")
    return redirect(reverse("fiches:fiche", args=[fiche.pk]) + "#documents")
