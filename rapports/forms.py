from django import forms
from django.core.exceptions import ValidationError
from dsfr.forms import DsfrBaseForm

from contractualisation.forms import DateInput
from core.fichiers import ChampFichier
from core.fields import MontantField
from core.forms import VersionMixin
from core.limites import LONG, LimitesMixin

from .enums import AvisOdpe, EtapeRapport
from .models import EtapeFranchie


class RedactionForm(LimitesMixin, DsfrBaseForm, VersionMixin):
    limites = {"synthese_globale": LONG, "perspectives": LONG}
    message_conflit = (
        "Ce rapport a été modifié par quelqu'un d'autre depuis que vous avez ouvert la page : "
        "sa synthèse ou ses perspectives ont changé."
    )
    synthese_globale = forms.CharField(
        label="Synthèse globale",
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Le bilan global des actions conduites par le Département et ses partenaires (contrat, art. 3).",
    )
    perspectives = forms.CharField(label="Perspectives", required=False, widget=forms.Textarea(attrs={"rows": 8}))


class EtapeForm(LimitesMixin, DsfrBaseForm, VersionMixin):
    message_conflit = (
        "Ce rapport a changé d'étape depuis que vous avez ouvert la page : quelqu'un d'autre a enregistré l'étape "
        "que vous remplissiez. Le fichier choisi, s'il y en avait un, est à joindre de nouveau."
    )

    date = forms.DateField(label="Date de l'acte", widget=DateInput())
    avis_odpe = forms.ChoiceField(
        label="Avis de l'ODPE", choices=[("", "Choisir l'avis rendu"), *AvisOdpe.choices], required=False
    )
    commentaire = forms.CharField(label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    document = ChampFichier(
        label="Document (facultatif)",
        required=False,
        extensions=EtapeFranchie.EXTENSIONS,
        precision="Courrier, avis, arrêté ou délibération.",
    )

    def __init__(self, *args, etape, **kwargs):
        super().__init__(*args, **kwargs)
        self.etape = etape
        if etape != EtapeRapport.AVIS_ODPE:
            del self.fields["avis_odpe"]

    def clean_avis_odpe(self):
        avis = self.cleaned_data.get("avis_odpe")
        if not avis:
            raise ValidationError("Indiquez l'avis rendu par l'ODPE.")
        return avis

    def donnees(self):
        """Les arguments de `services.franchir_etape` (sans la version)."""
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class MontantsForm(DsfrBaseForm, VersionMixin):
    """Une ligne par objectif et source : crédits engagés et dépensés sur la période du rapport."""

    message_conflit = (
        "Ce rapport a été modifié par quelqu'un d'autre depuis que vous avez ouvert la page : "
        "ses crédits engagés ou dépensés ont changé."
    )

    def __init__(self, *args, bilan, **kwargs):
        super().__init__(*args, **kwargs)
        self.grille = []
        for bloc in bilan.objectifs:
            lignes = []
            for ligne in bloc.lignes:
                noms = []
                for genre, libelle, valeur in (("e", "engagé", ligne.engage), ("d", "dépensé", ligne.depense)):
                    nom = f"{genre}_{bloc.objectif.pk}_{ligne.source.pk}"
                    self.fields[nom] = MontantField(
                        label=f"Objectif n° {bloc.objectif.numero}, {ligne.source.libelle}, {libelle}",
                        initial=valeur,
                    )
                    noms.append(nom)
                lignes.append((ligne, noms))
            self.grille.append((bloc.objectif, lignes))

    def montants(self):
        resultat = {}
        for nom, valeur in self.cleaned_data.items():
            if nom[:2] in ("e_", "d_"):
                genre, objectif_id, source_id = nom.split("_")
                cle = (int(objectif_id), int(source_id))
                engage, depense = resultat.get(cle, (None, None))
                resultat[cle] = (valeur, depense) if genre == "e" else (engage, valeur)
        return resultat
