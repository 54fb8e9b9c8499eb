from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
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
