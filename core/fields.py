from decimal import Decimal

from django import forms

from core import nombres


class NombreField(forms.DecimalField):
    """Nombre positif saisi à la française : « 19 842 », « 12 345,50 », « 12345.5 »."""

    messages = {
        "invalid": "Saisissez un nombre, par exemple 19 842.",
        "min_value": "Un nombre ne peut pas être négatif.",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        super().__init__(**kwargs)
        self.error_messages.update(self.messages)

    def to_python(self, value):
        if isinstance(value, str):
            if not nombres.ESPACES_ET_EUROS.sub("", value):
                return None
            lu = nombres.lire(value)
            if lu is None:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            value = lu
        return super().to_python(value)


class MontantField(NombreField):
    """Montant en euros saisi à la française : « 12 345,50 », « 12345.5 » ou « 12 345 € »."""

    messages = {
        "invalid": "Saisissez un montant en euros, par exemple 12 345,50.",
        "min_value": "Le montant ne peut pas être négatif.",
        "max_decimal_places": "Deux chiffres après la virgule au plus.",
    }

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return nombres.pour_saisie(value)
        return value
