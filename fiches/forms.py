from django import forms
from django.db.models import Q
from dsfr.forms import DsfrBaseForm

from contractualisation.forms import DateInput
from contractualisation.models import IndicateurHarmonise, SourceFinancement
from core import nombres
from core.fields import MontantField, NombreField
from core.forms import VersionMixin
from core.limites import COMMENTAIRE, COURT, LONG, LimitesMixin
from core.models import Institution, Utilisateur

from .enums import StatutFiche
from .models import Fiche, IndicateurQualitatif, IndicateurQuantitatif, Jalon, MontantFiche, Partenaire


def institutions_du_territoire(collectivite):
    return Institution.objects.filter(
        Q(collectivite=collectivite)
        | Q(region_id=collectivite.region_id)
        | Q(departement__in=collectivite.departements.all())
        | Q(type__portee="nationale")
    ).distinct()


def personnes_du_territoire(collectivite):
    return (
        Utilisateur.objects.filter(adhesions__institution__in=institutions_du_territoire(collectivite))
        .distinct()
        .order_by("last_name", "first_name")
    )


class FiltreFichesForm(DsfrBaseForm):
    objectif = forms.ChoiceField(label="Objectif", required=False)
    referent = forms.ModelChoiceField(label="Référent", queryset=Utilisateur.objects.none(), required=False)
    statut = forms.ChoiceField(label="Statut", choices=[("", "Tous les statuts"), *StatutFiche.choices], required=False)
    impact = forms.BooleanField(label="Actions à impact seulement", required=False)
    q = forms.CharField(label="Rechercher", required=False, max_length=100)

    def __init__(self, *args, objectifs, referents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objectif"].choices = [("", "Tous les objectifs")] + [
            (str(o.numero), f"Objectif n° {o.numero}") for o in objectifs
        ]
        self.fields["referent"].queryset = referents
        self.fields["referent"].empty_label = "Tous les référents"


class VersionSectionForm(DsfrBaseForm, VersionMixin):
    """La version d'une rubrique de la fiche : l'empreinte de son contenu à l'ouverture du formulaire."""

    prefix = "rubrique"
    message_conflit = "Cette rubrique a été modifiée par quelqu'un d'autre depuis que vous l'avez ouverte."


class NouvelleFicheForm(LimitesMixin, DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = Fiche
        fields = ["objectif_contrat", "titre", "referent", "referent_institution", "action_a_impact"]
        labels = {"objectif_contrat": "Objectif du contrat"}

    def __init__(self, *args, contrat, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objectif_contrat"].queryset = contrat.objectifs_contrat.select_related("objectif")
        self.fields["objectif_contrat"].label_from_instance = lambda oc: (
            f"Objectif n° {oc.objectif.numero} — {oc.objectif.titre}"
        )
        self.fields["referent"].queryset = personnes_du_territoire(contrat.collectivite)
        self.fields["referent_institution"].queryset = institutions_du_territoire(contrat.collectivite)


class IdentiteForm(LimitesMixin, DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = Fiche
        fields = ["titre", "referent", "referent_institution", "statut", "action_a_impact", "fiches_liees"]
        widgets = {"fiches_liees": forms.CheckboxSelectMultiple}
        help_texts = {
            "statut": "Où en est l'action : un fait, constaté par le comité technique.",
            "action_a_impact": (
                "Les actions à impact sont le petit nombre d'actions suivies de près en réunion d'état d'avancement."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        contrat = self.instance.contrat
        self.fields["referent"].queryset = personnes_du_territoire(contrat.collectivite)
        self.fields["referent_institution"].queryset = institutions_du_territoire(contrat.collectivite)
        self.fields["fiches_liees"].queryset = (
            Fiche.objects.filter(contrat=contrat)
            .exclude(pk=self.instance.pk)
            .select_related("objectif_contrat__objectif")
        )
        self.fields["fiches_liees"].label_from_instance = lambda f: f"Fiche n° {f.numero_complet} — {f.titre}"


def formulaire_texte(champ):
    return forms.modelform_factory(
        Fiche,
        form=type("TexteForm", (LimitesMixin, DsfrBaseForm, forms.ModelForm), {"limite_par_defaut": LONG}),
        fields=[champ],
        widgets={champ: forms.Textarea(attrs={"rows": 8})},
    )


class PartenaireForm(LimitesMixin, DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = Partenaire
        fields = ["institution", "organisation", "role", "implication", "implication_depuis", "ajoute_le"]
        widgets = {"implication_depuis": DateInput(), "ajoute_le": DateInput()}

    def __init__(self, *args, institutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions
        self.fields["institution"].required = False

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("DELETE") and not cleaned.get("institution") and not cleaned.get("organisation"):
            self.add_error("organisation", "Choisissez une institution ou saisissez le nom de l'organisation.")
        return cleaned


class MontantForm(DsfrBaseForm, forms.ModelForm):
    annee = forms.TypedChoiceField(label="Année", coerce=int)
    montant = MontantField(label="Montant (€)", required=True)

    class Meta:
        model = MontantFiche
        fields = ["annee", "source", "montant"]

    def __init__(self, *args, annees, sources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["annee"].choices = [("", "Choisir l'année"), *((str(a), str(a)) for a in annees)]
        self.fields["source"].queryset = sources
        self.fields["montant"].error_messages["required"] = "Indiquez le montant, ou cochez « Supprimer »."


class JalonForm(LimitesMixin, DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = Jalon
        fields = ["date", "libelle", "fait"]
        widgets = {"date": DateInput()}


class IndicateurQuantitatifForm(LimitesMixin, DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = IndicateurQuantitatif
        fields = ["indicateur_harmonise", "libelle", "unite", "valeur_reference", "annee_reference", "source_donnees"]
        labels = {"indicateur_harmonise": "Indicateur harmonisé (facultatif, à la place d'un intitulé libre)"}

    def __init__(self, *args, annees, harmonises, **kwargs):
        super().__init__(*args, **kwargs)
        self.annees = annees
        self.fields["indicateur_harmonise"].queryset = harmonises
        self.fields["libelle"].required = False
        # Nombres tapés à la française (« 4 800 », « 12,5 ») : la même lecture que partout (core/nombres.py).
        self.fields["valeur_reference"] = NombreField(label="Valeur de référence", localize=True)
        for annee in annees:
            self.fields[f"cible_{annee}"] = NombreField(
                label=f"Cible {annee}",
                initial=nombres.lire(self.instance.cibles.get(str(annee))) if self.instance.pk else None,
                localize=True,
            )

    def clean(self):
        cleaned = super().clean()
        harmonise = cleaned.get("indicateur_harmonise")
        if not cleaned.get("libelle"):
            if harmonise:
                cleaned["libelle"] = harmonise.libelle
                self.instance.libelle = harmonise.libelle
            elif not cleaned.get("DELETE"):
                self.add_error("libelle", "Donnez l'intitulé de l'indicateur, ou choisissez un indicateur harmonisé.")
        return cleaned

    def save(self, commit=True):
        self.instance.cibles = {
            str(a): str(self.cleaned_data[f"cible_{a}"])
            for a in self.annees
            if self.cleaned_data.get(f"cible_{a}") is not None
        }
        if not self.instance.source_donnees and self.instance.indicateur_harmonise_id:
            self.instance.source_donnees = self.instance.indicateur_harmonise.source
        return super().save(commit)


class IndicateurQualitatifForm(LimitesMixin, DsfrBaseForm, forms.ModelForm):
    limites = {"questions_cles": COURT}

    class Meta:
        model = IndicateurQualitatif
        fields = ["libelle", "questions_cles"]
        widgets = {"questions_cles": forms.Textarea(attrs={"rows": 3})}


def jeu(modele, form, champs_ordre=False):
    return forms.inlineformset_factory(Fiche, modele, form=form, extra=1, can_delete=True, max_num=50)


PartenaireFormSet = jeu(Partenaire, PartenaireForm)
MontantFormSet = jeu(MontantFiche, MontantForm)
JalonFormSet = jeu(Jalon, JalonForm)
IndicateurQuantitatifFormSet = jeu(IndicateurQuantitatif, IndicateurQuantitatifForm)
IndicateurQualitatifFormSet = jeu(IndicateurQualitatif, IndicateurQualitatifForm)


class CommentaireForm(LimitesMixin, DsfrBaseForm):
    limites = {"texte": COMMENTAIRE}
    sujets = {"texte": "Votre commentaire"}

    texte = forms.CharField(
        label="Votre commentaire",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Écrivez votre commentaire avant de le publier."},
    )
    reponse_a = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReponseForm(CommentaireForm):
    """La réponse à un commentaire : ses champs portent le numéro du commentaire (plusieurs par page)."""

    sujets = {"texte": "Votre réponse"}

    texte = forms.CharField(
        label="Votre réponse",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Écrivez votre réponse avant de la publier."},
    )

    def __init__(self, *args, commentaire_id, **kwargs):
        kwargs.setdefault("initial", {"reponse_a": commentaire_id})
        super().__init__(*args, auto_id=f"reponse-{commentaire_id}-%s", **kwargs)


def formulaire_commentaire(data):
    """Le formulaire qui lit `data` : une réponse si elle désigne un commentaire, sinon un nouveau commentaire."""
    en_reponse = str(data.get("reponse_a", "")).strip()
    if en_reponse.isdigit():
        return ReponseForm(data, commentaire_id=int(en_reponse))
    return CommentaireForm(data)


def harmonises():
    return IndicateurHarmonise.objects.all()


def sources():
    return SourceFinancement.objects.all()
