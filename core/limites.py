"""La longueur des textes libres : une limite par sorte de texte, vérifiée par le serveur, annoncée dans l'aide du
champ (« 20 000 caractères au plus »), rendue en attribut `maxlength` et comptée en direct dans le navigateur
(`static/js/compteur.js`, qui lit `data-compteur`).

Les limites sont posées sur les formulaires, pas sur les modèles (pas de migration, et les textes déjà enregistrés
plus longs restent lisibles : seul un nouvel enregistrement est refusé, avec le texte gardé dans le formulaire).
Un formulaire hérite de `LimitesMixin` ; chaque zone de texte (`Textarea`) de ses champs reçoit la limite que
le formulaire lui donne dans `limites`, sinon celle qu'elle a déjà (`max_length`), sinon `limite_par_defaut`.
Un service qui écrit un texte libre sans formulaire appelle `verifier`.

Les sortes de texte :
- `LONG` (20 000) : un texte rédigé en plusieurs fois, qui fait la matière d'un document (rubriques d'une fiche
  action, synthèse et perspectives du rapport d'exécution, sections d'une fiche dispositif) ; une rubrique de
  fiche tient en général en 1 000 à 5 000 caractères, 20 000 font huit pages ;
- `MOYEN` (10 000) : un texte de séance ou de terrain (points du compte rendu, faits d'un relevé qualitatif) ;
- `COMMENTAIRE` (5 000) : un avis, un commentaire, une réponse, un rectificatif, l'objet d'un avenant, la liste
  des participants extérieurs ; c'est la limite d'une zone de texte que le formulaire ne classe pas ;
- `COURT` (1 000) : quelques lignes (questions clés d'un indicateur).
Les limites plus serrées déjà fixées par l'application restent les leurs (décision 2 000, résumé d'une ressource
400, description d'une pratique 1 000, actualité 600…) : le mécanisme leur ajoute l'aide, le compteur et le message.

La longueur se compte comme le navigateur la montre : un retour à la ligne compte pour un caractère, même s'il
arrive en « \\r\\n » dans le formulaire envoyé (sinon un texte de 20 000 caractères accepté par le compteur serait
refusé par le serveur).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator

from .nombres import nombre

LONG = 20_000
MOYEN = 10_000
COMMENTAIRE = 5_000
COURT = 1_000

MESSAGE_NUL = (
    "Le texte contient un caractère invalide (NUL), invisible, venu en général d'un copier-coller depuis un autre "
    "logiciel ; il apparaît ci-dessous sous la forme « \ufffd » : supprimez-le, puis enregistrez à nouveau."
)


def longueur(texte):
    return len(texte.replace("\r\n", "\n"))


def message(n, limite, sujet="Le texte"):
    return f"{sujet} compte {nombre(n)} caractères ; la limite est de {nombre(limite)}."


def aide(limite):
    return f"{nombre(limite)} caractères au plus."


class LongueurMaximale(MaxLengthValidator):
    """Le validateur de `max_length` de Django, avec le message en clair et les retours à la ligne comptés pour un.
    Un message propre au champ (`error_messages["max_length"]`) reste prioritaire."""

    def __init__(self, limite, sujet="Le texte"):
        super().__init__(limite)
        self.sujet = sujet

    def clean(self, x):
        return longueur(x)

    def __call__(self, value):
        n = self.clean(value)
        if n > self.limit_value:
            raise ValidationError(
                message(n, self.limit_value, self.sujet),
                code=self.code,
                params={"limit_value": self.limit_value, "show_value": n, "value": value},
            )

    def __eq__(self, other):
        return isinstance(other, LongueurMaximale) and (self.limit_value, self.sujet) == (
            other.limit_value,
            other.sujet,
        )


def limiter(champ, limite, sujet="Le texte"):
    """Pose `limite` sur un champ texte : validation, `maxlength`, compteur, aide et messages en français."""
    champ.max_length = limite
    champ.validators = [v for v in champ.validators if not isinstance(v, MaxLengthValidator)]
    champ.validators.append(LongueurMaximale(limite, sujet))
    champ.widget.attrs.update({"maxlength": str(limite), "data-compteur": str(limite)})
    mention = aide(limite)
    texte = str(champ.help_text or "").strip()
    if mention not in texte:
        champ.help_text = f"{texte} {mention}".strip() if texte else mention
    champ.error_messages.setdefault("null_characters_not_allowed", MESSAGE_NUL)


def appliquer(form, limites=None, sujets=None, par_defaut=COMMENTAIRE):
    """Une limite sur chaque zone de texte de `form`, et le message du caractère NUL sur chacun de ses champs texte."""
    limites, sujets = limites or {}, sujets or {}
    for nom, champ in form.fields.items():
        if not isinstance(champ, forms.CharField) or isinstance(champ.widget, forms.HiddenInput):
            continue
        if isinstance(champ.widget, forms.Textarea) or nom in limites:
            limiter(champ, limites.get(nom) or champ.max_length or par_defaut, sujets.get(nom, "Le texte"))
            # Un champ déjà lu par le formulaire (DsfrBaseForm le fait) garde sinon l'aide d'avant.
            getattr(form, "_bound_fields_cache", {}).pop(nom, None)
        else:
            champ.error_messages.setdefault("null_characters_not_allowed", MESSAGE_NUL)


class LimitesMixin:
    """À placer avant `DsfrBaseForm` ou `forms.Form` dans les bases d'un formulaire qui a des textes libres.
    `limites` : {nom du champ: limite} ; `sujets` : {nom du champ: « Votre commentaire »} pour le message."""

    limites = {}
    sujets = {}
    limite_par_defaut = COMMENTAIRE

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        appliquer(self, self.limites, self.sujets, self.limite_par_defaut)


def verifier(texte, limite, champ=None, sujet="Le texte"):
    """Pour un service qui écrit un texte libre hors d'un formulaire : ValidationError (sur `champ` s'il est
    donné) si le texte dépasse `limite` ou contient un caractère NUL."""
    erreur = None
    if "\x00" in texte:
        erreur = MESSAGE_NUL
    elif (n := longueur(texte)) > limite:
        erreur = message(n, limite, sujet)
    if erreur:
        raise ValidationError({champ: erreur} if champ else erreur)
