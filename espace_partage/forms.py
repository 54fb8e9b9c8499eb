from django import forms
from django.core.exceptions import ValidationError
from dsfr.forms import DsfrBaseForm

from contractualisation.models import Objectif
from core.fichiers import ChampFichier
from core.forms import VersionMixin
from core.limites import LimitesMixin
from core.models import Utilisateur

from .enums import Section
from .models import LONGUEUR_RESUME, Espace


class Radios(forms.RadioSelect):
    option_template_name = "espace_partage/widgets/radio_option.html"


class Cases(forms.CheckboxSelectMultiple):
    option_template_name = "espace_partage/widgets/checkbox_option.html"


class RessourceForm(LimitesMixin, DsfrBaseForm):
    titre = forms.CharField(label="Titre", max_length=200)
    resume = forms.CharField(
        label="Résumé",
        max_length=LONGUEUR_RESUME,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="En quelques lignes, à quoi sert la ressource.",
        error_messages={
            "max_length": "Le résumé tient en %(limit_value)d caractères au plus (il en fait %(show_value)d)."
        },
    )
    section = forms.ChoiceField(label="Rubrique", choices=Section.choices, widget=Radios)
    fichier = ChampFichier(label="Fichier", required=False)
    lien = forms.URLField(
        label="Ou un lien",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="Une page web à partager plutôt qu'un fichier (adresse complète, https://…).",
    )
    objectifs = forms.ModelMultipleChoiceField(
        label="Objectifs du contrat concernés",
        queryset=Objectif.objects.none(),
        required=False,
        widget=Cases,
    )
    themes = forms.CharField(
        label="Thèmes",
        required=False,
        max_length=300,
        help_text="Des mots-clés libres séparés par des virgules (ex. : PMI, santé mentale, visite à domicile).",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objectifs"].queryset = Objectif.objects.filter(cycle__ouvert=True).select_related("cycle")
        self.fields["objectifs"].label_from_instance = lambda o: f"n° {o.numero} — {o.titre}"

    def clean_themes(self):
        return [t.strip() for t in self.cleaned_data["themes"].split(",") if t.strip()]

    def clean(self):
        cleaned = super().clean()
        if "fichier" in self.errors:
            return cleaned
        if not cleaned.get("fichier") and not cleaned.get("lien") and "lien" not in self.errors:
            self.add_error("fichier", "Joignez un fichier ou indiquez un lien.")
        elif cleaned.get("fichier") and cleaned.get("lien"):
            self.add_error("lien", "Choisissez un fichier ou un lien, pas les deux.")
        return cleaned


class VersionForm(DsfrBaseForm):
    fichier = ChampFichier(
        label="Nouvelle version du fichier", precision="Les versions précédentes restent téléchargeables."
    )


class CommentaireForm(LimitesMixin, DsfrBaseForm):
    sujets = {"texte": "Votre retour d'expérience"}

    texte = forms.CharField(
        label="Votre retour d'expérience",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Comment l'avez-vous utilisée, qu'avez-vous adapté ?",
    )


class ActualiteForm(LimitesMixin, DsfrBaseForm):
    titre = forms.CharField(label="Titre", max_length=150)
    texte = forms.CharField(label="Texte", max_length=600, widget=forms.Textarea(attrs={"rows": 4}))


class DeplacerForm(DsfrBaseForm, VersionMixin):
    message_conflit = "Cette ressource a été modifiée par quelqu'un d'autre depuis que vous avez ouvert la page."
    espace = forms.ModelChoiceField(label="Espace", queryset=Espace.objects.none())
    section = forms.ChoiceField(label="Rubrique", choices=Section.choices, widget=Radios)

    def __init__(self, *args, espaces, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["espace"].queryset = espaces


class InvitationForm(LimitesMixin, DsfrBaseForm):
    email = forms.EmailField(label="Adresse e-mail de la personne invitée")
    animateur = forms.BooleanField(label="Animatrice ou animateur de l'espace", required=False)

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        utilisateur = Utilisateur.objects.filter(email=email, is_active=True).first()
        if utilisateur is None:
            raise ValidationError("Aucun compte actif n'a cette adresse : la personne doit d'abord avoir un compte.")
        return utilisateur


class RechercheForm(DsfrBaseForm):
    q = forms.CharField(label="Rechercher dans les espaces", max_length=200, required=False)


class PreferenceResumeForm(DsfrBaseForm):
    actif = forms.BooleanField(label="Recevoir chaque lundi le résumé des nouveautés par e-mail", required=False)


class ModifierRessourceForm(LimitesMixin, DsfrBaseForm, VersionMixin):
    """Titre, résumé et étiquettes d'une ressource existante ; la modification concurrente est refusée."""

    message_conflit = "Cette ressource a été modifiée par quelqu'un d'autre depuis que vous avez ouvert la page."
    titre = RessourceForm.base_fields["titre"]
    resume = RessourceForm.base_fields["resume"]
    lien = RessourceForm.base_fields["lien"]
    objectifs = RessourceForm.base_fields["objectifs"]
    themes = RessourceForm.base_fields["themes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lien"].label = "Lien"
        self.fields["objectifs"].queryset = Objectif.objects.filter(cycle__ouvert=True).select_related("cycle")
        self.fields["objectifs"].label_from_instance = lambda o: f"n° {o.numero} — {o.titre}"

    def clean_themes(self):
        return [t.strip() for t in self.cleaned_data["themes"].split(",") if t.strip()]
