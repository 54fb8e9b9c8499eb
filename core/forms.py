from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from dsfr.forms import DsfrBaseForm

from .concurrence import CONTENU, Conflit, empreinte_initiale


class ConnexionForm(DsfrBaseForm, AuthenticationForm):
    username = forms.EmailField(
        label="Adresse e-mail", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )
    error_messages = {
        "invalid_login": "Adresse e-mail ou mot de passe incorrect. Vérifiez votre saisie.",
        "inactive": "Ce compte est désactivé. Contactez l'administrateur de votre institution.",
    }


class ReinitialisationForm(DsfrBaseForm, PasswordResetForm):
    pass


class NouveauMotDePasseForm(DsfrBaseForm, SetPasswordForm):
    pass


class ChangementMotDePasseForm(DsfrBaseForm, PasswordChangeForm):
    pass


class VersionMixin(forms.Form):
    """La version lue à l'ouverture du formulaire (champ caché), comparée à `instance_version`, la version actuelle
    relue sous le verrou de la vue (`core.concurrence.verrou`). Si elles diffèrent, `is_valid()` est faux et
    `conflit` décrit le refus ; le formulaire réaffiché garde l'ancienne version, sauf choix explicite de la
    personne (bouton « Remplacer la version actuelle par la mienne »). Voir `core/concurrence.py`.

    `objet_version` (par défaut l'instance d'un ModelForm), `champs_version` (par défaut ses champs) et
    `historiques` (les historiques des lignes qui font la version) disent qui a enregistré, et quand."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)
    message_conflit = "Ces données ont été modifiées par quelqu'un d'autre depuis que vous avez ouvert la page."

    def __init__(self, *args, instance_version=None, objet_version=None, champs_version=None, historiques=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._version = instance_version
        instance = getattr(self, "instance", None)
        self.objet_version = objet_version if objet_version is not None else instance
        if champs_version is None and instance is not None:
            champs_version = [
                f.attname
                for f in instance._meta.concrete_fields
                if f.name in self.fields and f.name in (self._meta.fields or ())
            ]
        self.champs_version = champs_version or ()
        self.historiques = historiques
        self.conflit = None

    @property
    def instance_version(self):
        """La version actuelle. `concurrence.CONTENU` : l'empreinte des valeurs initiales du formulaire, calculée
        une fois ses champs construits (grilles de montants, de valeurs)."""
        if self._version is CONTENU:
            self._version = empreinte_initiale(self)
        return self._version

    def get_initial_for_field(self, field, field_name):
        if field_name == "version":
            return self.instance_version
        return super().get_initial_for_field(field, field_name)

    def version_envoyee(self):
        """La version que la personne a vue : celle de l'ouverture, ou celle que l'écran de conflit lui a montrée
        si elle a choisi de la remplacer."""
        if self.data.get(self.add_prefix("remplacer")):
            return self.data.get(self.add_prefix("version_vue"), "")
        return self.data.get(self.add_prefix("version"), "")

    def clean(self):
        cleaned = super().clean()
        if self.instance_version is not None and self.version_envoyee() != self.instance_version:
            self.conflit = Conflit(self)
        return cleaned

    def is_valid(self):
        return super().is_valid() and self.conflit is None
