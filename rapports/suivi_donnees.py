"""Ce que le rapport lit dans `fiches` et `suivi` : réunions et décisions par fiche, valeurs réalisées des
indicateurs, relevés qualitatifs validés. Tant que `suivi` n'a pas livré un de ces modèles, la partie
correspondante est vide (le rapport reste juste : « aucune donnée saisie »)."""

from decimal import Decimal, InvalidOperation

from django.apps import apps

from fiches.extensions import reunions_des_fiches


def reunions_par_fiche(fiches):
    return reunions_des_fiches(fiches)


def _modele(nom):
    try:
        return apps.get_model("suivi", nom)
    except LookupError:
        return None


def valeurs_realisees(indicateurs):
    """{indicateur.pk: {"2026": Decimal, …}} : valeurs annuelles saisies dans le suivi. Un indicateur de fiche
    rattaché à un indicateur harmonisé lit les valeurs de celui-ci pour son contrat (saisies une seule fois).
    Les indicateurs doivent avoir leur fiche chargée (`select_related("fiche")` ou préchargement)."""
    Valeur = _modele("ValeurIndicateur")
    indicateurs = list(indicateurs)
    if Valeur is None or not indicateurs:
        return {}
    propres = {}
    for v in Valeur.objects.filter(indicateur__in=indicateurs, semestre=0).values("indicateur_id", "annee", "valeur"):
        propres.setdefault(v["indicateur_id"], {})[str(v["annee"])] = v["valeur"]
    harmonisees = valeurs_harmonisees(
        {i.fiche.contrat_id for i in indicateurs if i.indicateur_harmonise_id},
        {i.indicateur_harmonise_id for i in indicateurs if i.indicateur_harmonise_id},
    )
    resultat = {}
    for i in indicateurs:
        valeurs = dict(harmonisees.get((i.fiche.contrat_id, i.indicateur_harmonise_id), {}))
        valeurs.update(propres.get(i.pk, {}))
        if valeurs:
            resultat[i.pk] = valeurs
    return resultat


def valeurs_harmonisees(contrat_ids, harmonise_ids):
    """{(contrat_id, indicateur_harmonise_id): {"2026": Decimal, …}} : le tableau de bord saisi par contrat."""
    Valeur = _modele("ValeurIndicateur")
    if Valeur is None or not contrat_ids or not harmonise_ids:
        return {}
    resultat = {}
    for v in Valeur.objects.filter(
        contrat_id__in=contrat_ids, indicateur_harmonise_id__in=harmonise_ids, indicateur__isnull=True, semestre=0
    ).values("contrat_id", "indicateur_harmonise_id", "annee", "valeur"):
        resultat.setdefault((v["contrat_id"], v["indicateur_harmonise_id"]), {})[str(v["annee"])] = v["valeur"]
    return resultat


def releves_valides(fiches):
    """{fiche.pk: [relevé validé, …]} (la « fiche de relevé » du seed 001), du plus ancien au plus récent."""
    Releve = _modele("Releve")
    if Releve is None or not fiches:
        return {}
    resultat = {}
    releves = Releve.objects.filter(fiche__in=fiches, statut="valide").select_related("indicateur")
    for r in releves.order_by("date_observation", "pk"):
        resultat.setdefault(r.fiche_id, []).append(r)
    return resultat


def nombre(valeur):
    """Une cible saisie en texte (« 120 », « 12,5 ») en Decimal, ou None."""
    if valeur is None or valeur == "":
        return None
    if isinstance(valeur, Decimal):
        return valeur
    try:
        return Decimal(str(valeur).replace("\u202f", "").replace(" ", "").replace(",", "."))
    except InvalidOperation:
        return None
