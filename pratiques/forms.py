from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from dsfr.forms import DsfrBaseForm

from core.fichiers import ChampFichier
from core.forms import VersionMixin
from core.limites import MOYEN, LimitesMixin, limiter
from core.models import Departement, Region

from .enums import TRANSITIONS_COMITE, Avis, Liste, Nature
from .models import Modalite, PieceJointe, Pratique, Seance, taille_max_piece

FORMAT_DATE = "%d/%m/%Y"


class PotDeMielMixin(forms.Form):
    """Champ invisible pour les personnes (masqué et hors tabulation) : un robot qui le remplit est écarté."""

    site_web = forms.CharField(
        label="Ne remplissez pas ce champ",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    @property
    def est_un_robot(self):
        return bool(self.data.get(self.add_prefix("site_web")))


def modalites(liste):
    return Modalite.objects.filter(liste=liste, active=True)


class ChampModalite(forms.ModelChoiceField):
    def __init__(self, liste, **kwargs):
        kwargs.setdefault("empty_label", "Choisir dans la liste")
        super().__init__(queryset=modalites(liste), label=Liste(liste).label, **kwargs)


class EtapeConditionsForm(LimitesMixin, DsfrBaseForm, PotDeMielMixin):
    conditions = forms.BooleanField(
        label="J'ai lu et j'accepte les conditions ci-dessus",
        error_messages={"required": "Cochez la case pour confirmer que vous acceptez les conditions."},
    )
    courriel = forms.EmailField(
        label="Votre adresse e-mail",
        max_length=254,
        help_text="Nous vous y envoyons un lien personnel pour reprendre votre déclaration à tout moment.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class NouveauLienForm(LimitesMixin, DsfrBaseForm, PotDeMielMixin):
    courriel = forms.EmailField(
        label="L'adresse e-mail utilisée pour la déclaration",
        max_length=254,
        help_text="Un nouveau lien de reprise y sera envoyé si une déclaration en cours y correspond.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Indiquez l'adresse e-mail utilisée pour la déclaration.",
            "invalid": "Saisissez une adresse e-mail complète, par exemple nom@exemple.fr.",
        },
    )


class DateFrancaiseInput(forms.DateInput):
    def __init__(self):
        super().__init__(format=FORMAT_DATE, attrs={"autocomplete": "off", "inputmode": "numeric"})


class EtapePresentationForm(LimitesMixin, DsfrBaseForm, forms.ModelForm):
    sujets = {"description": "La description"}
    date_mise_en_oeuvre = forms.DateField(
        label="Date de mise en œuvre de la pratique",
        input_formats=[FORMAT_DATE],
        help_text="Format attendu : JJ/MM/AAAA, par exemple 21/12/2014.",
        widget=DateFrancaiseInput(),
        error_messages={"invalid": "Saisissez une date au format JJ/MM/AAAA, par exemple 21/12/2014."},
    )
    echelle = ChampModalite(Liste.ECHELLE, widget=forms.RadioSelect)
    type_intervention = ChampModalite(Liste.TYPE_INTERVENTION)
    thematique = ChampModalite(Liste.THEMATIQUE)
    public = ChampModalite(Liste.PUBLIC)
    relais = ChampModalite(Liste.RELAIS, widget=forms.RadioSelect)

    class Meta:
        model = Pratique
        fields = [
            "date_mise_en_oeuvre",
            "entite",
            "intitule",
            "description",
            "echelle",
            "type_intervention",
            "thematique",
            "public",
            "relais",
        ]
        help_texts = {
            "entite": "100 caractères au plus.",
            "intitule": "100 caractères au plus.",
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for nom in ("entite", "intitule", "description"):
            self.fields[nom].required = True
        self.fields["echelle"].empty_label = None
        self.fields["relais"].empty_label = None

    def clean_date_mise_en_oeuvre(self):
        date = self.cleaned_data["date_mise_en_oeuvre"]
        if date > timezone.localdate():
            raise ValidationError("La date de mise en œuvre ne peut pas être dans le futur.")
        return date


class EtapeLocalisationForm(LimitesMixin, DsfrBaseForm, forms.ModelForm):
    region = forms.ModelChoiceField(label="Région", queryset=Region.objects.all(), empty_label="Choisir une région")
    departement = forms.ModelChoiceField(
        label="Département",
        queryset=Departement.objects.all(),
        empty_label="Choisir un département",
        help_text="Le Département où la pratique est mise en œuvre : il sera sollicité pour donner son accord.",
    )

    class Meta:
        model = Pratique
        fields = ["region", "departement", "commune"]
        labels = {"commune": "Commune"}

    def clean(self):
        cleaned = super().clean()
        region, departement = cleaned.get("region"), cleaned.get("departement")
        if region and departement and departement.region_id != region.pk:
            self.add_error("departement", f"Ce département n'est pas dans la région {region}.")
        return cleaned


class EtapeContactForm(LimitesMixin, DsfrBaseForm, PotDeMielMixin, forms.ModelForm):
    pieces = ChampFichier(
        label="Pièces jointes",
        required=False,
        multiple=True,
        extensions=PieceJointe.EXTENSIONS,
        taille_max=taille_max_piece,
        precision="Cinq fichiers au plus, sans macros.",
    )

    class Meta:
        model = Pratique
        fields = ["contact_nom", "contact_fonction", "contact_courriel", "contact_telephone"]
        widgets = {
            "contact_nom": forms.TextInput(attrs={"autocomplete": "name"}),
            "contact_courriel": forms.EmailInput(attrs={"autocomplete": "email"}),
            "contact_telephone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        }

    def __init__(self, *args, complements=False, **kwargs):
        super().__init__(*args, **kwargs)
        for nom in ("contact_nom", "contact_fonction", "contact_courriel"):
            self.fields[nom].required = True
        if complements:
            self.fields["reponse"] = forms.CharField(
                label="Votre réponse au comité",
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 4}),
                help_text="Expliquez ce que vous avez complété ou modifié.",
            )
            limiter(self.fields["reponse"], 2000)


class FiltresForm(LimitesMixin, DsfrBaseForm):
    q = forms.CharField(label="Rechercher", required=False, max_length=100)
    thematique = ChampModalite(Liste.THEMATIQUE, required=False, empty_label="Toutes")
    public = ChampModalite(Liste.PUBLIC, required=False, empty_label="Tous")
    echelle = ChampModalite(Liste.ECHELLE, required=False, empty_label="Toutes")
    type_intervention = ChampModalite(Liste.TYPE_INTERVENTION, required=False, empty_label="Tous")
    relais = ChampModalite(Liste.RELAIS, required=False, empty_label="Tous")
    region = forms.ModelChoiceField(label="Région", queryset=Region.objects.all(), required=False, empty_label="Toutes")
    departement = forms.ModelChoiceField(
        label="Département", queryset=Departement.objects.all(), required=False, empty_label="Tous"
    )
    nature = forms.ChoiceField(label="Type de fiche", choices=[("", "Toutes"), *Nature.choices], required=False)

    def filtrer(self, pratiques):
        if not self.is_valid():
            return pratiques
        donnees = self.cleaned_data
        for champ in ("thematique", "public", "echelle", "type_intervention", "relais", "region", "departement"):
            if donnees[champ]:
                pratiques = pratiques.filter(**{champ: donnees[champ]})
        if donnees["nature"]:
            pratiques = pratiques.filter(nature=donnees["nature"])
        if donnees["q"]:
            from django.db.models import Q

            mots = donnees["q"]
            pratiques = pratiques.filter(
                Q(intitule__icontains=mots) | Q(description__icontains=mots) | Q(entite__icontains=mots)
            )
        return pratiques


class TransitionForm(LimitesMixin, DsfrBaseForm, VersionMixin):
    """La version est le statut lu à l'ouverture de la page : si un autre membre l'a changé entre-temps, la
    décision n'est pas appliquée au nouveau statut sans que la personne l'ait vu."""

    vers = forms.ChoiceField(label="Nouveau statut", error_messages={"required": "Choisissez le nouveau statut."})
    motif = forms.CharField(
        label="Motif ou message au déclarant",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Obligatoire pour demander des compléments ou ne pas retenir : il est envoyé au déclarant.",
    )
    seance = forms.ModelChoiceField(
        label="Séance du comité",
        queryset=Seance.objects.all(),
        required=False,
        empty_label="Aucune",
        help_text="Obligatoire pour une décision (retenue ou non retenue).",
    )

    def __init__(self, *args, pratique, **kwargs):
        super().__init__(*args, instance_version=pratique.statut, historiques=[pratique.transitions.all()], **kwargs)
        self.pratique = pratique
        possibles = TRANSITIONS_COMITE.get(pratique.statut, [])
        choix = [(s.value, s.label) for s in possibles]
        self.fields["vers"].choices = [("", "Choisir le nouveau statut"), *choix] if choix else []

    @property
    def message_conflit(self):
        return (
            f"Un autre membre a fait passer la pratique au statut « {self.pratique.get_statut_display()} » "
            "depuis que vous avez ouvert la page."
        )


class AvisForm(LimitesMixin, DsfrBaseForm):
    avis = forms.ChoiceField(label="Votre avis", choices=Avis.choices, widget=forms.RadioSelect)
    commentaire = forms.CharField(
        label="Commentaire", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AccordForm(LimitesMixin, DsfrBaseForm, VersionMixin):
    message_conflit = "Le Département a déjà répondu à cette demande d'accord depuis que vous avez ouvert la page."

    reponse = forms.ChoiceField(
        label="Réponse du Département",
        choices=[("accorde", "Le Département donne son accord"), ("refuse", "Le Département refuse")],
        widget=forms.RadioSelect,
    )
    commentaire = forms.CharField(
        label="Commentaire", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class SeanceForm(LimitesMixin, DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = Seance
        fields = ["date", "intitule"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class ModaliteForm(LimitesMixin, DsfrBaseForm, VersionMixin, forms.ModelForm):
    message_conflit = (
        "Cette valeur de la liste a été modifiée par quelqu'un d'autre depuis que vous avez ouvert la page."
    )

    class Meta:
        model = Modalite
        fields = ["liste", "libelle", "ordre", "active"]


class FicheDispositifForm(LimitesMixin, DsfrBaseForm, VersionMixin, forms.ModelForm):
    limite_par_defaut = MOYEN
    message_conflit = "Cette fiche a été modifiée par quelqu'un d'autre depuis que vous avez ouvert la page."

    thematique = ChampModalite(Liste.THEMATIQUE)
    public = ChampModalite(Liste.PUBLIC)
    echelle = ChampModalite(Liste.ECHELLE)
    type_intervention = ChampModalite(Liste.TYPE_INTERVENTION)
    relais = ChampModalite(Liste.RELAIS, required=False)
    publier = forms.BooleanField(label="Publier dans la bibliothèque", required=False)

    class Meta:
        model = Pratique
        fields = [
            "intitule",
            "entite",
            "description",
            "thematique",
            "public",
            "echelle",
            "type_intervention",
            "relais",
            "region",
            "departement",
            "commune",
            "contexte",
            "objectifs",
            "moyens",
            "cles_reussite",
            "resultats_attendus",
            "difficultes",
            "public_detail",
            "territoire",
        ]
        labels = {"entite": "Porteur du dispositif", "description": "Résumé", "public_detail": "Public (détail)"}
        widgets = {
            nom: forms.Textarea(attrs={"rows": 4})
            for nom in (
                "contexte",
                "objectifs",
                "moyens",
                "cles_reussite",
                "resultats_attendus",
                "difficultes",
                "public_detail",
                "territoire",
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for nom in ("intitule", "entite", "description", "objectifs", "moyens", "cles_reussite", "resultats_attendus"):
            self.fields[nom].required = True
        if self.instance.pk:
            self.fields["publier"].initial = self.instance.statut == "publiee"
