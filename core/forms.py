from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.core.exceptions import ValidationError
from dsfr.forms import DsfrBaseForm


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
    """Détecte une modification concurrente : le formulaire porte la date de dernière modification lue à
    l'ouverture ; si elle a changé entre-temps, l'enregistrement est refusé."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)
    message_conflit = (
        "Ce contrat a été modifié par quelqu'un d'autre depuis que vous avez ouvert la page. "
        "Vos saisies sont conservées ci-dessous : vérifiez la version actuelle avant d'enregistrer à nouveau."
    )

    def __init__(self, *args, instance_version=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance_version = instance_version
        if not self.is_bound:
            self.fields["version"].initial = instance_version

    def clean(self):
        cleaned = super().clean()
        if self.instance_version is not None and cleaned.get("version") != self.instance_version:
            raise ValidationError(
                self.message_conflit,
                code="conflit",
            )
        return cleaned
