"""Version des données du suivi d'un contrat : la clé des fragments en cache du tableau de bord, de l'ordre du
jour et du mode projection.

Pour chaque table que ces pages affichent (fiches, réunions, points de l'ordre du jour, décisions, relevés,
valeurs des indicateurs), le nombre de lignes du contrat et leur dernière modification : un ajout ou une
modification change la date, une suppression change le nombre. Les indicateurs des fiches sont couverts par la
fiche (toute rubrique enregistrée la « touche », `fiches.services.toucher`). S'y ajoute le nombre de réunions
déjà commencées : la « dernière réunion » d'une fiche change quand l'heure d'une réunion passe.

Une seule requête SQL écrite à la main : la même chose avec l'ORM coûterait six requêtes, ou une requête à
sous-requêtes dont la construction prendrait plus de temps processeur que la page servie depuis le cache."""

from django.db import connection
from django.utils import timezone

from fiches.models import Fiche

from .models import Decision, PointFiche, Releve, Reunion, ValeurIndicateur


def sous_requetes():
    """Pour chaque table affichée : (nombre de lignes du contrat, dernière modification)."""
    fiche, reunion, point = Fiche._meta.db_table, Reunion._meta.db_table, PointFiche._meta.db_table
    decision, releve, valeur = Decision._meta.db_table, Releve._meta.db_table, ValeurIndicateur._meta.db_table
    return {
        "fiches": f"SELECT COUNT(*), MAX(modifie_le) FROM {fiche} WHERE contrat_id = %(contrat)s",
        "reunions": f"SELECT COUNT(*), MAX(modifie_le) FROM {reunion} WHERE contrat_id = %(contrat)s",
        "commencees": f"SELECT COUNT(*) FROM {reunion} WHERE contrat_id = %(contrat)s AND date <= %(maintenant)s",
        "points": f"""SELECT COUNT(*), MAX(p.modifie_le) FROM {point} p
            JOIN {reunion} r ON r.id = p.reunion_id WHERE r.contrat_id = %(contrat)s""",
        "decisions": f"""SELECT COUNT(*), MAX(d.modifie_le) FROM {decision} d JOIN {point} p ON p.id = d.point_id
            JOIN {reunion} r ON r.id = p.reunion_id WHERE r.contrat_id = %(contrat)s""",
        "releves": f"""SELECT COUNT(*), MAX(l.modifie_le) FROM {releve} l
            JOIN {fiche} f ON f.id = l.fiche_id WHERE f.contrat_id = %(contrat)s""",
        "valeurs": f"SELECT COUNT(*), MAX(saisi_le) FROM {valeur} WHERE contrat_id = %(contrat)s",
    }


def version_du_suivi(contrat, maintenant=None):
    """Une chaîne qui change dès que change une donnée du suivi du contrat (une requête)."""
    requete = "SELECT * FROM " + ", ".join(f"({sql}) AS {nom}" for nom, sql in sous_requetes().items())
    with connection.cursor() as curseur:
        curseur.execute(requete, {"contrat": contrat.pk, "maintenant": maintenant or timezone.now()})
        ligne = curseur.fetchone()
    return "|".join(str(v) for v in ligne)
