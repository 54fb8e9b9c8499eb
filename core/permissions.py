"""Règles communes de permission : rôles nationaux et décorateurs de vue."""

from functools import wraps

from django.core.exceptions import PermissionDenied


def administrateur_national(user):
    return user.is_authenticated and user.perimetre.administrateur_national


def lecteur_national(user):
    return user.is_authenticated and user.perimetre.national


def exiger(test):
    """Décorateur : refuse la vue (403) si `test(user)` est faux."""

    def decorateur(vue):
        @wraps(vue)
        def enveloppe(request, *args, **kwargs):
            if not test(request.user):
                raise PermissionDenied
            return vue(request, *args, **kwargs)

        return enveloppe

    return decorateur
