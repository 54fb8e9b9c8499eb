"""Les nombres écrits et lus à la française, une seule fois pour les pages, les PDF et les classeurs."""

from decimal import Decimal

import pytest
from django.template import Context, Template

from core import nombres
from core.fields import MontantField, NombreField


@pytest.mark.parametrize(
    ("valeur", "attendu"),
    [
        (Decimal("4100.00"), "4\u202f100"),
        (Decimal("19842"), "19\u202f842"),
        (Decimal("12.50"), "12,5"),
        (Decimal("12.25"), "12,25"),
        (Decimal("-1.25"), "-1,25"),
        (Decimal("1234567.891"), "1\u202f234\u202f567,89"),
        (0, "0"),
        (None, "—"),
        ("4 800", "4\u202f800"),  # une cible tapée
        ("à définir", "à définir"),  # un texte qui n'est pas un nombre reste tel quel
    ],
)
def test_nombre(valeur, attendu):
    assert nombres.nombre(valeur) == attendu


def test_euros_pourcent_annee():
    assert nombres.euros(Decimal("1924000")) == "1\u202f924\u202f000,00\u00a0€"
    assert nombres.euros(None) == "—"
    assert nombres.pourcent(Decimal("20.8")) == "20,8\u00a0%"
    assert nombres.pourcent(Decimal("1900")) == "1\u202f900,0\u00a0%"
    assert nombres.annee(2024) == "2024"


@pytest.mark.parametrize(
    ("texte", "attendu"),
    [
        ("19 842", Decimal("19842")),
        ("12 345,50 €", Decimal("12345.50")),
        ("12345.5", Decimal("12345.5")),
        ("4\u202f120,0", Decimal("4120.0")),
        ("", None),
        ("beaucoup", None),
        ("NaN", None),
        ("Infinity", None),
    ],
)
def test_lire(texte, attendu):
    assert nombres.lire(texte) == attendu


def test_formats_des_classeurs():
    assert nombres.format_nombre(Decimal("4100.00")) == nombres.FORMAT_ENTIER == "#,##0"
    assert nombres.format_nombre(Decimal("12.5")) == nombres.FORMAT_DECIMAL
    assert nombres.part(Decimal("20.8")) == Decimal("0.208")
    assert "%" in nombres.FORMAT_POURCENT and "," not in nombres.FORMAT_ANNEE


def test_les_filtres_des_gabarits_sont_ceux_de_core():
    gabarit = Template("{% load ce %}{{ a|nombre }} | {{ b|euros }} | {{ c|pourcent }} | {{ d|annee }}")
    rendu = gabarit.render(Context({"a": Decimal("4100"), "b": Decimal("12.5"), "c": Decimal("9.1"), "d": 2024}))
    assert rendu == "4\u202f100 | 12,50\u00a0€ | 9,1\u00a0% | 2024"


def test_chaine_css_garde_l_apostrophe_et_ferme_ce_qui_doit_l_etre():
    gabarit = Template("{% load ce %}{{ nom|chaine_css }}")
    assert gabarit.render(Context({"nom": "Collectivité européenne d'Alsace"})) == '"Collectivité européenne d\'Alsace"'
    assert gabarit.render(Context({"nom": 'a"b</style>'})) == '"a\\22 b\\3c /style>"'


def test_les_champs_lisent_comme_core():
    assert NombreField().clean("19 842") == Decimal("19842")
    assert MontantField().clean("12 345,50 €") == Decimal("12345.50")
    assert MontantField().prepare_value(Decimal("12345.5")) == "12 345,50"
    with pytest.raises(Exception, match="Saisissez un nombre"):
        NombreField().clean("NaN")
