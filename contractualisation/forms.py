from django import forms
from django.core.exceptions import ValidationError
from dsfr.forms import DsfrBaseForm

from core.fields import MontantField
from core.forms import VersionMixin
from core.limites import LimitesMixin
from core.models import Region

from .enums import StatutContrat
from .models import Avenant, Contrat, Financement, ObjectifContrat, Signataire


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class FiltreContratsForm(DsfrBaseForm):
    region = forms.ModelChoiceField(
        label="Région", queryset=Region.objects.all(), required=False, empty_label="Toutes les régions"
    )
    statut = forms.ChoiceField(
        label="Statut", choices=[("", "Tous les statuts"), *StatutContrat.choices], required=False
    )
    q = forms.CharField(label="Collectivité", required=False, max_length=100)


def version_de(contrat):
    return contrat.modifie_le.isoformat()


def historiques_de(contrat):
    """Les lignes qui changent la version du contrat : qui a enregistré en dernier, et quand (écran de conflit)."""
    return [m.history.filter(contrat_id=contrat.pk) for m in (Financement, Signataire, ObjectifContrat, Avenant)]


MESSAGE_CONFLIT = "Ce contrat a été modifié par quelqu'un d'autre depuis que vous avez ouvert la page."


class VersionContratForm(VersionMixin):
    """La version du contrat, à côté d'un jeu de formulaires (signataires)."""

    prefix = "contrat"
    message_conflit = MESSAGE_CONFLIT


class ContratForm(LimitesMixin, DsfrBaseForm, VersionMixin, forms.ModelForm):
    message_conflit = MESSAGE_CONFLIT

    class Meta:
        model = Contrat
        fields = [
            "statut",
            "date_projet_transmis",
            "date_signature",
            "date_deliberation",
            "reference_deliberation",
        ]
        widgets = {
            "date_projet_transmis": DateInput(),
            "date_signature": DateInput(),
            "date_deliberation": DateInput(),
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("statut") == StatutContrat.SIGNE and not cleaned.get("date_signature"):
            self.add_error("date_signature", "Indiquez la date de signature d'un contrat signé.")
        transmis, signe = cleaned.get("date_projet_transmis"), cleaned.get("date_signature")
        if transmis and signe and signe < transmis:
            self.add_error("date_signature", "La signature ne peut pas précéder la transmission du projet.")
        return cleaned


class ObjectifsForm(DsfrBaseForm, VersionMixin):
    message_conflit = MESSAGE_CONFLIT
    objectifs = forms.ModelMultipleChoiceField(
        label="Objectifs retenus",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text="Les objectifs obligatoires du cycle sont toujours retenus.",
        error_messages={"required": "Retenez au moins les objectifs obligatoires du cycle."},
    )

    def __init__(self, *args, cycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objectifs"].queryset = cycle.objectifs.select_related("engagement")
        self.fields["objectifs"].label_from_instance = lambda o: (
            f"n° {o.numero} — {o.titre}" + (" (obligatoire)" if o.obligatoire else "")
        )


class AvenantForm(LimitesMixin, DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = Avenant
        fields = ["numero", "date", "objet"]
        widgets = {"date": DateInput(), "objet": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, contrat, **kwargs):
        super().__init__(*args, **kwargs)
        self.contrat = contrat

    def clean_numero(self):
        numero = self.cleaned_data["numero"]
        if self.contrat.avenants.filter(numero=numero).exists():
            raise ValidationError(f"Un avenant n° {numero} existe déjà pour ce contrat.")
        return numero


class SignataireForm(LimitesMixin, DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = Signataire
        fields = ["qualite", "nom", "institution", "date_signature", "ordre"]
        widgets = {"date_signature": DateInput()}


SignataireFormSet = forms.inlineformset_factory(
    Contrat, Signataire, form=SignataireForm, extra=1, can_delete=True, max_num=12
)


class FinancementsForm(DsfrBaseForm, VersionMixin):
    """Une case par objectif retenu, année du cycle et source de financement."""

    message_conflit = (
        "Ce tableau de financement a été modifié par quelqu'un d'autre depuis que vous avez ouvert la page."
    )

    def __init__(self, *args, contrat, objectifs, sources, financements, externes=None, **kwargs):
        """`externes` : {objectif_id: {(annee, source_id): montant}} des objectifs financés par leurs fiches
        actions, affichés en lecture seule."""
        super().__init__(*args, **kwargs)
        externes = externes or {}
        existants = {(f.objectif_id, f.annee, f.source_id): f.montant for f in financements}
        self.grille = []
        for objectif in objectifs:
            verrouille = objectif.pk in externes
            lignes = []
            for annee in contrat.cycle.annees:
                cases = []
                for source in sources:
                    nom = f"m_{objectif.pk}_{annee}_{source.pk}"
                    if verrouille:
                        initial = externes[objectif.pk].get((annee, source.pk))
                    else:
                        initial = existants.get((objectif.pk, annee, source.pk))
                    self.fields[nom] = MontantField(
                        label=f"Objectif n° {objectif.numero}, {annee}, {source.libelle}",
                        initial=initial,
                        disabled=verrouille,
                    )
                    cases.append(nom)
                lignes.append((annee, cases))
            self.grille.append((objectif, lignes, verrouille))

    def montants(self):
        resultat = {}
        for nom, valeur in self.cleaned_data.items():
            if nom.startswith("m_") and not self.fields[nom].disabled:
                _, objectif_id, annee, source_id = nom.split("_")
                resultat[(int(objectif_id), int(annee), int(source_id))] = valeur
        return resultat
