"""Complétion guidée : les exemples d'indicateurs du référentiel insérés dans une fiche.

Deux chemins, et jamais de saisie perdue :
- rubrique fermée : « Insérer » demande confirmation, puis `services.inserer_exemple` enregistre l'indicateur ;
- rubrique ouverte : « Insérer » est un bouton du formulaire en cours ; il revient avec tout ce qui a été tapé et
  une ligne de plus pré-remplie avec l'exemple (`avec_exemple`), sans rien enregistrer : la personne enregistre
  quand elle est prête (la version lue à l'ouverture reste celle du formulaire, un conflit reste détecté).
Un exemple déjà présent dans la rubrique (même intitulé) n'est plus proposé."""

from django.forms.utils import ErrorDict

from .enums import TypeExemple

CHAMPS_DE_L_EXEMPLE = {
    TypeExemple.QUANTITATIF: ("libelle", "unite"),
    TypeExemple.QUALITATIF: ("libelle", "questions_cles"),
}
# Les champs d'une ligne qui ne disent pas si quelqu'un l'a remplie.
TECHNIQUES = ("id", "fiche", "DELETE", "ORDER")


def rubrique_de(type_exemple):
    return f"indicateurs_{type_exemple}s"


def cle(libelle):
    """Deux intitulés qui ne diffèrent que par la casse ou les espaces sont le même indicateur."""
    return " ".join((libelle or "").split()).casefold()


def marquer(exemples, libelles):
    """Chaque exemple porte `deja` : son intitulé est parmi `libelles` (ceux de la rubrique)."""
    presents = {cle(x) for x in libelles}
    for exemple in exemples:
        exemple.deja = cle(exemple.libelle) in presents
    return exemples


def libelles_du_formulaire(formset):
    """Les intitulés des lignes du formulaire ouvert (tapés ou enregistrés), hors lignes à supprimer."""
    libelles = []
    for form in formset.forms:
        if "DELETE" in form.fields and form["DELETE"].value() not in (None, False, "", "off"):
            continue
        libelles.append(form["libelle"].value() or "")
    return libelles


def ligne_vide(donnees, prefixe, i):
    debut = f"{prefixe}-{i}-"
    if donnees.get(f"{debut}id"):
        return False
    return not any(
        str(v).strip()
        for k in donnees
        if k.startswith(debut) and k[len(debut) :] not in TECHNIQUES
        for v in donnees.getlist(k)
    )


def avec_exemple(donnees, prefixe, exemple, maximum):
    """Les données envoyées par le formulaire de la rubrique, plus l'exemple dans une ligne nouvelle : la ligne
    vide du bas si elle l'est encore, sinon une ligne ajoutée. None si la rubrique a déjà `maximum` lignes."""
    donnees = donnees.copy()
    try:
        total = max(0, int(donnees.get(f"{prefixe}-TOTAL_FORMS", 0)))
    except ValueError:
        total = 0
    cible = next((i for i in range(total) if ligne_vide(donnees, prefixe, i)), None)
    if cible is None:
        if total >= maximum:
            return None
        cible = total
        donnees[f"{prefixe}-TOTAL_FORMS"] = str(total + 1)
    for champ in CHAMPS_DE_L_EXEMPLE[exemple.type]:
        donnees[f"{prefixe}-{cible}-{champ}"] = getattr(exemple, champ)
    return donnees


def sans_verification(formset):
    """Le formulaire est réaffiché tel que tapé, sans le valider : personne n'a encore demandé à enregistrer,
    il n'y a pas d'erreur à montrer."""
    formset._errors = [ErrorDict() for _ in formset.forms]
    formset._non_form_errors = formset.error_class(error_class="nonform", renderer=formset.renderer)
    for form in formset.forms:
        form._errors = ErrorDict()
    return formset
