"""L'historique lisible d'une fiche : qui a changé quoi, quand, avec la valeur avant et après, à partir des
tables de django-simple-history (fiche, partenaires, montants, jalons, indicateurs)."""

from dataclasses import dataclass

from contractualisation.historique import afficher, evenements
from contractualisation.models import SourceFinancement

from .models import Fiche, IndicateurQualitatif, IndicateurQuantitatif, Jalon, MontantFiche, Partenaire
from .services import CHAMPS_RESTAURABLES

CHAMPS_IGNORES = {"id", "modifie_le", "cree_le", "contrat", "fiche", "ordre", "numero", "objectif_contrat"}


@dataclass
class Changement:
    champ: str
    avant: str
    apres: str
    restaurer: tuple | None = None  # (nom du champ, history_id de la version qui porte l'ancienne valeur)


def lisible(record, f, valeur):
    """Le nom de l'objet lié plutôt que son identifiant ; les cibles par année en texte."""
    if valeur is None or record is None:
        return valeur
    if f.is_relation:
        try:
            return getattr(record, f.name)
        except f.related_model.DoesNotExist:
            return f"(supprimé, n° {valeur})"
    if isinstance(valeur, dict):
        return " ; ".join(f"{cle} : {v}" for cle, v in sorted(valeur.items())) or None
    return valeur


def changements(modele, precedent, courant):
    lignes = []
    for f in modele._meta.concrete_fields:
        if f.name in CHAMPS_IGNORES:
            continue
        avant = getattr(precedent, f.attname) if precedent is not None else None
        apres = getattr(courant, f.attname)
        if avant == apres or (precedent is None and apres in (None, "", {}, False)):
            continue
        avant, apres = lisible(precedent, f, avant), lisible(courant, f, apres)
        restaurer = None
        if modele is Fiche and precedent is not None and f.name in CHAMPS_RESTAURABLES:
            restaurer = (f.name, precedent.history_id)
        if f.choices:
            choix = dict(f.flatchoices)
            avant, apres = choix.get(avant, avant), choix.get(apres, apres)
        if isinstance(avant, bool) or isinstance(apres, bool):
            avant, apres = ("Oui" if avant else "Non"), ("Oui" if apres else "Non")
        lignes.append(
            Changement(str(f.verbose_name).capitalize(), afficher(avant, f.name), afficher(apres, f.name), restaurer)
        )
    return lignes


def historique_fiche(fiche):
    sources = dict(SourceFinancement.objects.values_list("pk", "libelle"))

    def libelle(modele, record):
        if modele is Fiche:
            return "Fiche"
        if modele is Partenaire:
            return f"Partenaire : {record.organisation or record.institution or '?'}"
        if modele is MontantFiche:
            return f"Montant {record.annee}, {sources.get(record.source_id, '?')}"
        if modele is Jalon:
            return f"Jalon : {record.libelle}"
        if modele is IndicateurQuantitatif:
            return f"Indicateur quantitatif : {record.libelle}"
        return f"Indicateur qualitatif : {record.libelle}"

    def details(modele, precedente, version):
        return [] if version.history_type == "-" else changements(modele, precedente, version)

    return evenements(
        [
            (Fiche, {"id": fiche.pk}),
            (Partenaire, {"fiche_id": fiche.pk}),
            (MontantFiche, {"fiche_id": fiche.pk}),
            (Jalon, {"fiche_id": fiche.pk}),
            (IndicateurQuantitatif, {"fiche_id": fiche.pk}),
            (IndicateurQualitatif, {"fiche_id": fiche.pk}),
        ],
        libelle,
        details,
    )
