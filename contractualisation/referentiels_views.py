"""Écrans de l'administration nationale pour tenir les référentiels : cycles, engagements, objectifs,
sources de financement, types d'institution, indicateurs harmonisés."""

from contextlib import nullcontext
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from dsfr.forms import DsfrBaseForm

from core import concurrence
from core.forms import VersionMixin
from core.models import TypeInstitution
from core.permissions import exiger

from .models import Cycle, Engagement, IndicateurHarmonise, Objectif, SourceFinancement
from .permissions import peut_gerer_referentiels


@dataclass(frozen=True)
class Referentiel:
    cle: str
    titre: str
    modele: type
    champs: tuple
    colonnes: tuple
    relations: tuple = ()


REFERENTIELS = {
    r.cle: r
    for r in (
        Referentiel(
            "cycles",
            "Cycles",
            Cycle,
            ("libelle", "annee_debut", "annee_fin", "texte_reference", "ouvert"),
            ("libelle", "annee_debut", "annee_fin", "ouvert"),
        ),
        Referentiel(
            "engagements",
            "Engagements",
            Engagement,
            ("cycle", "numero", "titre"),
            ("cycle", "numero", "titre"),
            ("cycle",),
        ),
        Referentiel(
            "objectifs",
            "Objectifs",
            Objectif,
            ("cycle", "engagement", "numero", "titre", "mesure", "obligatoire", "sources", "provisoire"),
            ("cycle", "numero", "titre", "obligatoire", "provisoire"),
            ("cycle",),
        ),
        Referentiel(
            "sources",
            "Sources de financement",
            SourceFinancement,
            ("code", "libelle", "categorie", "ordre"),
            ("code", "libelle", "categorie", "ordre"),
        ),
        Referentiel(
            "types-institution",
            "Types d'institution",
            TypeInstitution,
            ("code", "libelle", "portee", "signataire_contrat", "ordre"),
            ("code", "libelle", "portee", "signataire_contrat"),
        ),
        Referentiel(
            "indicateurs",
            "Indicateurs harmonisés",
            IndicateurHarmonise,
            (
                "code",
                "famille",
                "numero",
                "libelle",
                "objectif_numero",
                "type",
                "numerateur",
                "denominateur",
                "source",
                "periodicite",
                "ordre",
            ),
            ("famille", "numero", "libelle", "type", "periodicite"),
        ),
    )
}


def referentiel_ou_404(cle):
    try:
        return REFERENTIELS[cle]
    except KeyError:
        raise Http404 from None


def formulaire(referentiel):
    widgets = {}
    if "sources" in referentiel.champs:
        widgets["sources"] = forms.CheckboxSelectMultiple
    message = "Cet élément du référentiel a été modifié par quelqu'un d'autre depuis que vous avez ouvert la page."
    return forms.modelform_factory(
        referentiel.modele,
        form=type("Form", (DsfrBaseForm, VersionMixin, forms.ModelForm), {"message_conflit": message}),
        fields=referentiel.champs,
        widgets=widgets,
    )


def fil():
    return [(reverse("contractualisation:referentiels"), "Référentiels")]


def valeur_affichee(objet, champ):
    getter = getattr(objet, f"get_{champ}_display", None)
    valeur = getter() if getter else getattr(objet, champ)
    if isinstance(valeur, bool):
        return "Oui" if valeur else "Non"
    return valeur


@exiger(peut_gerer_referentiels)
def index(request):
    return render(request, "contractualisation/referentiels/index.html", {"referentiels": REFERENTIELS.values()})


@exiger(peut_gerer_referentiels)
def liste(request, cle):
    referentiel = referentiel_ou_404(cle)
    objets = referentiel.modele.objects.select_related(*referentiel.relations)
    entetes = [referentiel.modele._meta.get_field(c).verbose_name for c in referentiel.colonnes]
    lignes = [(o, [valeur_affichee(o, c) for c in referentiel.colonnes]) for o in objets]
    return render(
        request,
        "contractualisation/referentiels/liste.html",
        {"referentiel": referentiel, "entetes": entetes, "lignes": lignes, "fil": fil()},
    )


@exiger(peut_gerer_referentiels)
def editer(request, cle, pk=None):
    referentiel = referentiel_ou_404(cle)
    instance = get_object_or_404(referentiel.modele, pk=pk) if pk else None
    # Les référentiels n'ont pas de date de modification : leur version est l'empreinte des champs modifiables.
    with concurrence.verrou(request, instance) if instance else nullcontext():
        form = formulaire(referentiel)(
            request.POST or None,
            instance=instance,
            instance_version=concurrence.empreinte_instance(instance, referentiel.champs),
        )
        if request.method == "POST" and form.is_valid():
            objet = form.save()
            messages.success(request, f"« {objet} » a été enregistré.")
            return redirect("contractualisation:referentiel", cle=cle)
    return render(
        request,
        "contractualisation/referentiels/form.html",
        {"referentiel": referentiel, "form": form, "instance": instance, "fil": fil()},
        status=concurrence.statut(form),
    )
