"""Concurrence optimiste : une seule façon, pour tout formulaire qui modifie une donnée existante.

Le formulaire porte la version lue à l'ouverture (champ caché `version` de `core.forms.VersionMixin`) :
`modifie_le` de l'objet, une empreinte de son contenu (`empreinte`), ou son état. La vue, à l'enregistrement :

    contrat = contrat_visible(request, slug, pour_modifier=True)
    with concurrence.verrou(request, contrat):  # POST : transaction, ligne verrouillée puis relue
        form = ContratForm(request.POST or None, instance=contrat, instance_version=version_de(contrat))
        if form.is_valid():  # compare la version envoyée à celle relue sous le verrou
            form.save()  # écrit et change la version, dans la même transaction
            return redirect(contrat)
    return render(request, gabarit, contexte, status=concurrence.statut(form))  # 409 si conflit

Le verrou porte sur l'objet dont la version est comparée ou sur l'agrégat qui le contient (le contrat pour son
tableau de financement, la réunion pour un point, la fiche pour une rubrique). Deux enregistrements simultanés
passent l'un après l'autre : sous PostgreSQL par `SELECT … FOR UPDATE`, sous SQLite parce que chaque transaction
prend le verrou d'écriture dès son début (`transaction_mode = "IMMEDIATE"`, config/settings.py). Le second relit
la version écrite par le premier, et il est refusé.

Le refus (`Conflit`) dit qui a enregistré et quand, montre la saisie et la version actuelle côte à côte, champ
par champ, différences marquées (balise `{% conflit form %}`, gabarit `core/_conflit.html`), et garde tout ce qui
a été tapé. Le formulaire réaffiché garde l'ANCIENNE version : cliquer de nouveau sur « Enregistrer » est encore
refusé. Seul le bouton « Remplacer la version actuelle par la mienne » (`<préfixe>-remplacer`) envoie la version
qui vient d'être montrée (`<préfixe>-version_vue`) ; si quelqu'un a encore enregistré entre-temps, nouveau conflit.
"""

import hashlib
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django import forms
from django.db import transaction
from django.http import Http404
from django.utils import formats, timezone
from django.utils.functional import cached_property

STATUT_CONFLIT = 409
# Au-delà, le tableau ne montre que les champs qui diffèrent (une grille de financement compte des dizaines de cases).
LIGNES_AFFICHEES = 15


# --- Le verrou ---------------------------------------------------------------------------------


def verrouiller(objet):
    """Verrouille la ligne de `objet` jusqu'à la fin de la transaction en cours et relit ses champs dans la même
    requête. Les objets liés déjà chargés (select_related) sont gardés quand leur clé n'a pas changé."""
    modele = type(objet)
    champs = [f for f in modele._meta.concrete_fields if not f.primary_key]
    lignes = list(modele._base_manager.select_for_update().filter(pk=objet.pk).values(*(f.attname for f in champs)))
    if not lignes:
        raise Http404("Cet élément a été supprimé entre-temps.")
    for champ in champs:
        valeur = lignes[0][champ.attname]
        if getattr(objet, champ.attname) != valeur:
            setattr(objet, champ.attname, valeur)
            if champ.is_relation and champ.is_cached(objet):
                champ.delete_cached_value(objet)
    objet._prefetched_objects_cache = {}
    return objet


@contextmanager
def verrou(request, objet):
    """Le chemin d'écriture d'une vue : pour un POST, une transaction où `objet` est verrouillé et relu ; tout ce
    qui est lu, comparé et écrit dans le bloc l'est sous ce verrou. Pour un GET, rien (aucune transaction)."""
    if request.method != "POST":
        yield objet
        return
    with transaction.atomic():
        yield verrouiller(objet)


def statut(*formulaires):
    """409 si l'un des formulaires a été refusé pour une modification concurrente, sinon 200."""
    return STATUT_CONFLIT if any(getattr(f, "conflit", None) for f in formulaires) else 200


def empreinte(valeurs):
    """Une version tirée du contenu (pour ce qui n'a pas de `modifie_le`) : courte, stable, sans donnée lisible."""
    return hashlib.sha256(repr(valeurs).encode()).hexdigest()[:20]


CONTENU = object()  # instance_version=CONTENU : la version est l'empreinte des valeurs actuelles du formulaire


def empreinte_initiale(formulaire):
    """La version d'un formulaire construit sur les données actuelles : l'empreinte de ses valeurs initiales."""
    valeurs = []
    for nom, champ in formulaire.fields.items():
        if nom == "version" or champ.disabled:
            continue
        valeurs.append((nom, _cle_stable(formulaire.get_initial_for_field(champ, nom))))
    return empreinte(valeurs)


def empreinte_instance(instance, champs):
    """La version d'un objet sans `modifie_le` : l'empreinte des champs que le formulaire modifie."""
    if instance is None or instance.pk is None:
        return None
    valeurs = []
    for nom in champs:
        champ = instance._meta.get_field(nom)
        if champ.many_to_many:
            valeurs.append((nom, sorted(getattr(instance, nom).values_list("pk", flat=True))))
        else:
            valeurs.append((nom, _cle_stable(getattr(instance, champ.attname))))
    return empreinte(valeurs)


def _cle_stable(valeur):
    if hasattr(valeur, "pk"):
        return valeur.pk
    if isinstance(valeur, list | tuple | set) or hasattr(valeur, "model"):
        return sorted(str(_cle_stable(v)) for v in valeur)
    if isinstance(valeur, Decimal):
        return str(valeur.normalize())
    return str(valeur) if valeur is not None else ""


# --- Qui a enregistré, et quand -------------------------------------------------------------------

AUTEURS = ("history_user", "modifie_par", "saisi_par", "par", "auteur", "cree_par")
DATES = ("history_date", "modifie_le", "saisi_le", "le", "cree_le")


@dataclass(frozen=True)
class Modification:
    qui: object  # un utilisateur, ou None si on ne le sait pas
    quand: datetime | None


def _modification(enregistrement, auteurs=AUTEURS):
    qui = next((getattr(enregistrement, a) for a in auteurs if getattr(enregistrement, a, None) is not None), None)
    quand = next((getattr(enregistrement, d) for d in DATES if getattr(enregistrement, d, None) is not None), None)
    return Modification(qui, quand)


def _dernier_changement(historique, champs):
    """Dans un historique django-simple-history, l'enregistrement le plus récent qui a changé l'un des `champs`
    (tous si `champs` est vide)."""
    historique = historique.select_related("history_user").order_by("-history_date", "-history_id")
    if not champs:
        return historique.first()
    presents = {f.attname for f in historique.model._meta.concrete_fields}
    noms = [c for c in champs if c in presents]
    if not noms:
        return historique.first()
    enregistrements = list(historique[:50])
    if not enregistrements:
        return None
    for recent, precedent in zip(enregistrements, [*enregistrements[1:], None], strict=True):
        if precedent is None or any(getattr(recent, n) != getattr(precedent, n) for n in noms):
            return recent
    return enregistrements[0]


def derniere_modification(objet, champs=(), historiques=()):
    """Qui a enregistré en dernier, et quand. D'abord l'historique de `objet` (le dernier enregistrement qui a
    changé l'un des `champs`), puis les `historiques` donnés (les lignes d'un tableau, un journal : auteur et date
    de chaque ligne) : le plus récent l'emporte. Sans historique, les champs de l'objet (`modifie_par`,
    `modifie_le`…), et « qui » reste inconnu s'il n'a pas de `modifie_par`."""
    candidats = []
    if objet is not None and objet.pk is not None and hasattr(type(objet), "history"):
        enregistrement = _dernier_changement(objet.history.all(), champs)
        if enregistrement is not None:
            candidats.append(_modification(enregistrement))
    for historique in historiques:
        if hasattr(historique, "model") and hasattr(historique.model, "history_date"):
            enregistrement = _dernier_changement(historique, ())
        else:
            enregistrement = historique.order_by(*(f"-{d}" for d in DATES if _a_le_champ(historique, d))).first()
        if enregistrement is not None:
            candidats.append(_modification(enregistrement))
    candidats = [c for c in candidats if c.quand is not None]
    if candidats:
        return max(candidats, key=lambda c: c.quand)
    if objet is not None:
        # Sur l'objet lui-même, seul `modifie_par` dit qui a enregistré (son auteur est celui qui l'a créé).
        return _modification(objet, auteurs=("modifie_par", "saisi_par"))
    return Modification(None, None)


def _a_le_champ(queryset, nom):
    return any(f.name == nom for f in queryset.model._meta.concrete_fields)


# --- Les deux versions, champ par champ ------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    libelle: str
    mienne: str
    actuelle: str
    differe: bool


def _aplatir(choix):
    for cle, libelle in choix:
        if isinstance(libelle, list | tuple):
            yield from _aplatir(libelle)
        else:
            yield str(getattr(cle, "value", cle)), str(libelle)


def _vide(valeur):
    return valeur is None or valeur == "" or (isinstance(valeur, list | tuple) and not valeur)


def afficher(champ, valeur):
    """La valeur d'un champ telle qu'une personne la lit : libellé d'un choix, date au format français…"""
    if hasattr(valeur, "model") and hasattr(valeur, "all"):  # QuerySet (choix multiples validés)
        valeur = list(valeur)
    if isinstance(champ, forms.BooleanField):
        return "Oui" if champ.to_python(valeur) else "Non"
    if _vide(valeur):
        return ""
    if isinstance(champ, forms.ChoiceField):
        libelles = dict(_aplatir(champ.choices))
        valeurs = valeur if isinstance(valeur, list | tuple) else [valeur]
        return ", ".join(
            str(v) if hasattr(v, "pk") else libelles.get(str(getattr(v, "value", v)), str(v)) for v in valeurs
        )
    if isinstance(valeur, datetime):
        return formats.date_format(timezone.localtime(valeur) if timezone.is_aware(valeur) else valeur, "d/m/Y H:i")
    if isinstance(valeur, date):
        return formats.date_format(valeur, "d/m/Y")
    if isinstance(valeur, Decimal) and type(champ).prepare_value is not forms.Field.prepare_value:
        return str(champ.prepare_value(valeur))  # le format du champ (montants : « 12 345,50 »)
    if isinstance(valeur, Decimal):
        valeur = valeur.quantize(Decimal(1)) if valeur == valeur.to_integral_value() else valeur.normalize()
    if isinstance(valeur, Decimal | int | float) and not isinstance(valeur, bool):
        return formats.number_format(valeur, use_l10n=True, force_grouping=True)
    if isinstance(valeur, list | tuple):
        return ", ".join(str(v) for v in valeur)
    return str(valeur)


def _differences_formulaire(form, prefixe=""):
    lignes = []
    for bf in form.visible_fields():
        champ = bf.field
        if champ.disabled or isinstance(champ, forms.FileField):
            continue
        donnee = bf.data
        if form.is_bound and hasattr(form, "cleaned_data") and bf.name in form.cleaned_data:
            mienne = form.cleaned_data[bf.name]
        else:
            mienne = donnee
        actuelle = bf.initial
        lignes.append(
            Difference(
                libelle=f"{prefixe}{bf.label}",
                mienne=afficher(champ, mienne),
                actuelle=afficher(champ, actuelle),
                differe=champ.has_changed(actuelle, donnee),
            )
        )
    return lignes


def _resume(form, instance=None):
    """Une ligne d'un tableau, en une phrase : ses champs non vides."""
    morceaux = []
    for bf in form.visible_fields():
        if bf.name == "DELETE" or isinstance(bf.field, forms.FileField):
            continue
        valeur = bf.initial if instance is not None else bf.data
        texte = afficher(bf.field, valeur)
        if texte:
            morceaux.append(texte)
    return " ; ".join(morceaux)


def _differences_jeu(jeu):
    """Un jeu de formulaires (lignes d'un tableau) : ligne par ligne, plus les lignes ajoutées ou retirées par
    l'autre personne entre-temps."""
    lignes, vues = [], set()
    for numero, form in enumerate(jeu.forms, start=1):
        existante = numero <= jeu.initial_form_count()
        pk = form.instance.pk if existante else None
        supprimee = jeu.can_delete and form.is_bound and forms.BooleanField().to_python(form["DELETE"].data)
        if existante and pk is None:
            lignes.append(Difference(f"Ligne {numero}", _resume(form), "(retirée entre-temps)", True))
            continue
        if pk is not None:
            vues.add(pk)
        if supprimee:
            lignes.append(Difference(f"Ligne {numero}", "(à retirer)", _resume(form, form.instance), True))
        elif existante:
            lignes += _differences_formulaire(form, prefixe=f"Ligne {numero} — ")
        elif form.has_changed():
            lignes.append(Difference("Nouvelle ligne", _resume(form), "", True))
    for instance in jeu.get_queryset():
        if instance.pk not in vues:
            form = jeu.form(instance=instance, **jeu.get_form_kwargs(None))
            lignes.append(Difference("Ligne ajoutée entre-temps", "", _resume(form, instance), True))
    return lignes


def differences(contenu):
    """La saisie et la version actuelle, champ par champ. `contenu` est le formulaire (ou le jeu de formulaires)
    construit sous le verrou, sur les données actuelles : ses valeurs initiales SONT la version actuelle."""
    if isinstance(contenu, forms.BaseFormSet):
        return _differences_jeu(contenu)
    return _differences_formulaire(contenu)


class Conflit:
    """Un enregistrement refusé : la version que la personne avait ouverte n'est plus la version actuelle."""

    def __init__(self, form):
        self.form = form
        self.version = form.instance_version  # la version actuelle, montrée ; « Remplacer » la renvoie
        self.message = form.message_conflit
        self.remplacement = bool(form.data.get(form.add_prefix("remplacer")))

    @cached_property
    def modification(self):
        return derniere_modification(self.form.objet_version, self.form.champs_version, self.form.historiques)

    def tableau(self, contenu=None):
        """(lignes affichées, nombre de champs identiques laissés de côté)."""
        lignes = [d for d in differences(contenu or self.form) if d.differe or d.mienne or d.actuelle]
        if len(lignes) <= LIGNES_AFFICHEES:
            return lignes, 0
        differentes = [d for d in lignes if d.differe]
        return differentes, len(lignes) - len(differentes)
