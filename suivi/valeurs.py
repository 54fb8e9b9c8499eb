"""La grille de saisie des valeurs du tableau de bord PMI : une ligne par indicateur saisi (les parts sont
calculées), une colonne par période ; les indicateurs de visites à domicile se saisissent par semestre."""

from django import forms
from dsfr.forms import DsfrBaseForm

from contractualisation.enums import TypeIndicateur
from contractualisation.models import IndicateurHarmonise
from core.fields import NombreField
from core.forms import VersionMixin

from .models import ValeurIndicateur


class ValeursPmiForm(DsfrBaseForm, VersionMixin):
    message_conflit = (
        "Les valeurs du tableau de bord PMI de ce contrat ont été modifiées par quelqu'un d'autre depuis que vous "
        "avez ouvert la page."
    )

    def __init__(self, *args, contrat, **kwargs):
        super().__init__(*args, **kwargs)
        self.contrat = contrat
        annees = contrat.cycle.annees
        self.periodes = [(annees[0] - 1, 0)]
        self.indicateurs = list(
            IndicateurHarmonise.objects.filter(famille="PMI").exclude(type=TypeIndicateur.RATIO).order_by("ordre")
        )
        existantes = {
            (v.indicateur_harmonise_id, v.annee, v.semestre): v
            for v in ValeurIndicateur.objects.filter(contrat=contrat, indicateur_harmonise__in=self.indicateurs)
        }
        self.lignes = []
        for ind in self.indicateurs:
            periodes = [(annees[0] - 1, 0)]
            for a in annees:
                periodes += [(a, 1), (a, 2)] if ind.periodicite == "semestrielle" else [(a, 0)]
            champs = []
            source_initiale = ""
            for annee, semestre in periodes:
                nom = f"v-{ind.pk}-{annee}-{semestre}"
                libelle = f"{ind.libelle} — {annee}" + (f", semestre {semestre}" if semestre else "")
                self.fields[nom] = NombreField(label=libelle)
                existante = existantes.get((ind.pk, annee, semestre))
                if existante is not None:
                    self.fields[nom].initial = existante.valeur.normalize()
                    source_initiale = source_initiale or existante.source
                champs.append((annee, semestre, nom))
            nom_source = f"s-{ind.pk}"
            self.fields[nom_source] = forms.CharField(
                label=f"Source — {ind.libelle}", required=False, max_length=200, initial=source_initiale or ind.source
            )
            self.lignes.append(
                {"indicateur": ind, "champs": [(a, s, self[n]) for a, s, n in champs], "source": self[nom_source]}
            )

    def valeurs(self):
        resultat = {}
        for ligne in self.lignes:
            ind = ligne["indicateur"]
            source = self.cleaned_data.get(f"s-{ind.pk}", "")
            for annee, semestre, champ in ligne["champs"]:
                resultat[(ind.pk, annee, semestre)] = (self.cleaned_data.get(champ.name), source)
        return resultat


class ValeursFicheForm(DsfrBaseForm, VersionMixin):
    """Valeur atteinte par année du cycle pour chaque indicateur quantitatif de la fiche."""

    message_conflit = (
        "Les valeurs des indicateurs de cette fiche ont été modifiées par quelqu'un d'autre depuis que vous avez "
        "ouvert la page."
    )

    def __init__(self, *args, fiche, series, **kwargs):
        super().__init__(*args, **kwargs)
        self.lignes = []
        for serie in series:
            champs = []
            for annee, _cible, realise in serie.points:
                nom = f"v-{serie.indicateur.pk}-{annee}"
                self.fields[nom] = NombreField(label=f"{serie.indicateur.libelle} — {annee}")
                if realise is not None:
                    self.fields[nom].initial = realise.normalize()
                champs.append((annee, self[nom]))
            self.lignes.append({"indicateur": serie.indicateur, "champs": champs})

    def valeurs(self):
        return {
            (ligne["indicateur"], annee): self.cleaned_data.get(champ.name)
            for ligne in self.lignes
            for annee, champ in ligne["champs"]
        }
