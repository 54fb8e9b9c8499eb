"""Les rubriques de la fiche, dans l'ordre du modèle 2025-2027 (seed 001, Annexe 3). Chacune se lit et se
modifie sur place ; son empreinte (version) détecte les modifications concurrentes rubrique par rubrique."""

from dataclasses import dataclass

from core.concurrence import empreinte

from . import forms as f

CHAMPS_IDENTITE = ("titre", "referent_id", "referent_institution_id", "statut", "action_a_impact")


@dataclass(frozen=True)
class Section:
    nom: str
    titre: str
    aide: str = ""
    champ: str = ""  # rubrique de texte libre : le champ de la fiche
    jeu: object = None  # rubrique structurée : le jeu de formulaires des lignes
    relation: str = ""  # nom de la relation des lignes sur la fiche
    colonnes: tuple = ()  # champs des lignes qui font la version

    @property
    def texte(self):
        return bool(self.champ)

    def lignes(self, fiche):
        return list(getattr(fiche, self.relation).all())

    def version(self, fiche):
        if self.nom == "identite":
            valeurs = (
                fiche.titre,
                fiche.referent_id,
                fiche.referent_institution_id,
                fiche.statut,
                fiche.action_a_impact,
                sorted(x.pk for x in fiche.fiches_liees.all()),
            )
        elif self.texte:
            valeurs = getattr(fiche, self.champ)
        else:
            valeurs = [tuple(str(getattr(ligne, c)) for c in ("pk", *self.colonnes)) for ligne in self.lignes(fiche)]
        return empreinte(valeurs)

    def auteurs(self, fiche):
        """Où lire qui a enregistré la rubrique en dernier, et quand : les champs de la fiche qu'elle montre,
        ou l'historique de ses lignes (écran de conflit)."""
        if self.nom == "identite":
            return {"objet_version": fiche, "champs_version": CHAMPS_IDENTITE}
        if self.texte:
            return {"objet_version": fiche, "champs_version": (self.champ,)}
        lignes = getattr(fiche, self.relation).model
        return {"historiques": [lignes.history.filter(fiche_id=fiche.pk)]}

    def formulaire(self, fiche, data=None):
        if self.nom == "identite":
            return f.IdentiteForm(data, instance=fiche, prefix=self.nom)
        if self.texte:
            return f.formulaire_texte(self.champ)(data, instance=fiche, prefix=self.nom)
        kwargs = {}
        if self.nom == "acteurs":
            kwargs = {"institutions": f.institutions_du_territoire(fiche.contrat.collectivite)}
        elif self.nom == "moyens":
            kwargs = {"annees": fiche.contrat.cycle.annees, "sources": f.sources()}
        elif self.nom == "indicateurs_quantitatifs":
            kwargs = {"annees": fiche.contrat.cycle.annees, "harmonises": f.harmonises()}
        return self.jeu(data, instance=fiche, prefix=self.nom, form_kwargs=kwargs)


SECTIONS = {
    s.nom: s
    for s in (
        Section("identite", "Identification de la fiche"),
        Section("constat", "Constat du diagnostic", champ="constat"),
        Section("objectif_operationnel", "Objectif opérationnel", champ="objectif_operationnel"),
        Section("description", "Description de l'action", champ="description"),
        Section(
            "acteurs",
            "Identification des acteurs à mobiliser",
            aide=(
                "Chaque partenaire, son rôle et où en est son implication. "
                "Ajoutez les nouveaux acteurs au fil de l'action."
            ),
            jeu=f.PartenaireFormSet,
            relation="partenaires",
            colonnes=("institution_id", "organisation", "role", "implication", "implication_depuis", "ajoute_le"),
        ),
        Section(
            "moyens",
            "Moyens financiers prévisionnels",
            aide=(
                "Un montant par année et par source. "
                "Le tableau de financement du contrat est calculé à partir de ces montants."
            ),
            jeu=f.MontantFormSet,
            relation="montants",
            colonnes=("annee", "source_id", "montant"),
        ),
        Section(
            "calendrier",
            "Calendrier prévisionnel",
            aide="Les étapes datées de l'action.",
            jeu=f.JalonFormSet,
            relation="jalons",
            colonnes=("date", "libelle", "fait"),
        ),
        Section(
            "indicateurs_quantitatifs",
            "Indicateurs quantitatifs de mise en œuvre de l'action",
            jeu=f.IndicateurQuantitatifFormSet,
            relation="indicateurs_quantitatifs",
            colonnes=(
                "indicateur_harmonise_id",
                "libelle",
                "unite",
                "valeur_reference",
                "annee_reference",
                "cibles",
                "source_donnees",
            ),
        ),
        Section(
            "indicateurs_qualitatifs",
            "Indicateurs qualitatifs de mise en œuvre de l'action",
            jeu=f.IndicateurQualitatifFormSet,
            relation="indicateurs_qualitatifs",
            colonnes=("libelle", "questions_cles"),
        ),
        Section("points_vigilance", "Points de vigilance", champ="points_vigilance"),
    )
}
