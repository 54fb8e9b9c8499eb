from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from dsfr.forms import DsfrBaseForm

from core.fichiers import ChampFichier
from core.forms import VersionMixin
from core.limites import COMMENTAIRE, MOYEN, LimitesMixin
from core.models import Utilisateur
from fiches.models import Fiche

from .enums import FrequenceNotification, StatutDecision, TypeReunion
from .models import PieceJointe, PreferenceNotification, Releve


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ReunionForm(LimitesMixin, DsfrBaseForm, VersionMixin):
    limites = {"externes": COMMENTAIRE}
    message_conflit = "Cette réunion a été modifiée par quelqu'un d'autre depuis que vous avez ouvert la page."

    type = forms.ChoiceField(label="Type de réunion", choices=TypeReunion.choices)
    jour = forms.DateField(
        label="Date", widget=DateInput(), error_messages={"invalid": "Saisissez une date, par exemple 14/05/2026."}
    )
    heure = forms.TimeField(
        label="Heure de début",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": "Saisissez une heure, par exemple 14:00."},
    )
    duree_minutes = forms.IntegerField(label="Durée (minutes)", min_value=15, max_value=600, initial=120)
    lieu = forms.CharField(label="Lieu", max_length=300, required=False)
    lien_visio = forms.URLField(
        assume_scheme="https",
        label="Lien de visioconférence",
        required=False,
        error_messages={"invalid": "Saisissez une adresse complète, commençant par https://"},
    )
    participants = forms.ModelMultipleChoiceField(
        label="Participants (utilisateurs de l'application)",
        queryset=Utilisateur.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    externes = forms.CharField(
        label="Autres participants",
        help_text="Une personne par ligne : Nom ; institution ; adresse e-mail (facultative).",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    fiches = forms.ModelMultipleChoiceField(
        label="Ordre du jour : fiches à examiner",
        help_text="Par défaut, les actions à impact du contrat.",
        queryset=Fiche.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choisissez au moins une fiche à examiner."},
    )

    def __init__(self, *args, contrat, membres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = Utilisateur.objects.filter(pk__in=[u.pk for u in membres])
        self.fields["participants"].label_from_instance = lambda u: f"{u} ({u.email})"
        self.fields["fiches"].queryset = Fiche.objects.filter(contrat=contrat).select_related(
            "objectif_contrat__objectif"
        )
        self.fields["fiches"].label_from_instance = lambda f: (
            f"Fiche n° {f.numero_complet} — {f.titre}" + (" (action à impact)" if f.action_a_impact else "")
        )

    def clean_externes(self):
        externes = []
        for numero, ligne in enumerate(self.cleaned_data["externes"].splitlines(), start=1):
            if not ligne.strip():
                continue
            morceaux = [m.strip() for m in ligne.split(";")]
            nom = morceaux[0]
            institution = morceaux[1] if len(morceaux) > 1 else ""
            email = morceaux[2] if len(morceaux) > 2 else ""
            if not nom:
                raise ValidationError(f"Ligne {numero} : indiquez le nom de la personne.")
            if email:
                try:
                    forms.EmailField().clean(email)
                except ValidationError:
                    raise ValidationError(f"Ligne {numero} : l'adresse e-mail « {email} » n'est pas valide.") from None
            externes.append({"nom": nom[:200], "institution": institution[:200], "email": email})
        return externes

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("lieu") and not cleaned.get("lien_visio") and not self.errors:
            self.add_error("lieu", "Indiquez un lieu ou un lien de visioconférence.")
        return cleaned

    def date_heure(self):
        jour, heure = self.cleaned_data["jour"], self.cleaned_data["heure"]
        return timezone.make_aware(datetime.combine(jour, heure))

    def reunion(self):
        """Les arguments de `services.planifier_reunion` et `services.modifier_reunion`."""
        donnees = self.cleaned_data
        return {
            "fiches": list(donnees["fiches"]),
            "utilisateurs": list(donnees["participants"]),
            "externes": donnees["externes"],
            "type": donnees["type"],
            "date": self.date_heure(),
            "duree_minutes": donnees["duree_minutes"],
            "lieu": donnees["lieu"],
            "lien_visio": donnees["lien_visio"],
        }


class PointForm(LimitesMixin, VersionMixin, forms.Form):
    """Les deux cases rédigées du point ; la version détecte une saisie concurrente."""

    elements_positifs = forms.CharField(
        label="Éléments positifs observables", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    axes_amelioration = forms.CharField(
        label="Axes d'amélioration identifiés", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    limites = {"elements_positifs": MOYEN, "axes_amelioration": MOYEN}
    message_conflit = "Quelqu'un d'autre a enregistré ce point de l'ordre du jour depuis votre dernière saisie."


class DecisionForm(LimitesMixin, DsfrBaseForm):
    libelle = forms.CharField(label="Décision", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    responsable = forms.ModelChoiceField(
        label="Responsable", queryset=Utilisateur.objects.none(), required=False, empty_label="— Autre personne —"
    )
    responsable_texte = forms.CharField(
        label="Responsable (autre personne ou institution)", max_length=200, required=False
    )
    echeance = forms.DateField(
        label="Échéance", widget=DateInput(), required=False, error_messages={"invalid": "Saisissez une date."}
    )

    def __init__(self, *args, membres=(), **kwargs):
        super().__init__(*args, **kwargs)
        champ = self.fields["responsable"]
        champ.queryset = Utilisateur.objects.filter(pk__in=[u.pk for u in membres])
        # Choix construits depuis la liste déjà chargée : une réunion de 30 fiches ne fait pas 30 requêtes.
        champ.choices = [("", champ.empty_label)] + [(u.pk, str(u)) for u in sorted(membres, key=str)]


class StatutDecisionForm(DsfrBaseForm, VersionMixin):
    message_conflit = "Cette décision a changé de statut depuis que vous avez ouvert la page."
    statut = forms.ChoiceField(label="Statut de la décision", choices=StatutDecision.choices)


class RectificatifForm(LimitesMixin, DsfrBaseForm):
    limites = {"texte": COMMENTAIRE}

    texte = forms.CharField(
        label="Rectificatif",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Écrivez le rectificatif."},
    )


class ReleveForm(LimitesMixin, DsfrBaseForm, VersionMixin, forms.ModelForm):
    message_conflit = "Ce relevé a été modifié par quelqu'un d'autre depuis que vous l'avez ouvert."
    piece = ChampFichier(
        label="Ajouter une pièce (trace de la collecte)", required=False, extensions=PieceJointe.EXTENSIONS
    )
    limites = {"questions_cles": MOYEN, "faits": MOYEN, "ameliorations": MOYEN}

    class Meta:
        model = Releve
        fields = ["indicateur", "date_observation", "situation", "questions_cles", "faits", "ameliorations"]
        widgets = {
            "date_observation": DateInput(),
            "questions_cles": forms.Textarea(attrs={"rows": 3}),
            "faits": forms.Textarea(attrs={"rows": 5}),
            "ameliorations": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, fiche, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicateur"].queryset = fiche.indicateurs_qualitatifs.all()
        self.fields["indicateur"].empty_label = None


class CollecteForm(DsfrBaseForm, VersionMixin):
    message_conflit = (
        "La programmation de ce recueil a été modifiée par quelqu'un d'autre depuis que vous avez ouvert la page."
    )

    periodicite = forms.ChoiceField(label="Rythme du recueil", choices=[])
    prochaine_echeance = forms.DateField(label="Prochain recueil attendu le", widget=DateInput(), required=False)
    collecteurs = forms.ModelMultipleChoiceField(
        label="Collecteurs désignés",
        queryset=Utilisateur.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, membres, **kwargs):
        from .enums import Periodicite

        super().__init__(*args, **kwargs)
        self.fields["periodicite"].choices = Periodicite.choices
        self.fields["collecteurs"].queryset = Utilisateur.objects.filter(pk__in=[u.pk for u in membres])


class PreferenceForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = PreferenceNotification
        fields = ["frequence"]
        widgets = {"frequence": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["frequence"].choices = FrequenceNotification.choices
