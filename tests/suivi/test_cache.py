"""Les fragments en cache du tableau de bord, de l'ordre du jour et du mode projection : chaque page est d'abord
affichée (le fragment entre en cache), puis une donnée affichée change, et la page doit montrer la nouvelle
valeur. Si la clé oubliait une table, la page resservirait l'ancien fragment et le test échouerait."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fiches.services import toucher
from suivi import services
from suivi.enums import StatutDecision
from suivi.models import Decision, Reunion

from . import fabriques

pytestmark = pytest.mark.django_db


def page(client, nom, *args, parametres=""):
    reponse = client.get(reverse(nom, args=args) + parametres)
    assert reponse.status_code == 200
    return reponse.content.decode()


def releve(indicateur, auteur, situation="Accueil du soir"):
    return services.creer_releve(
        indicateur, auteur, date_observation=timezone.localdate(), situation=situation, faits="Des faits"
    )


@pytest.fixture
def suivi(client, acteurs, contrat13):
    """Une fiche avec un indicateur de chaque sorte, une réunion ancienne et la réunion du jour."""
    referent = acteurs["referent_cd13"]
    fiche = fabriques.fiche(contrat13, titre="Accueil familial renforcé")
    quantitatif = fabriques.indicateur_quantitatif(fiche, cibles={"2025": "80", "2026": "100"})
    qualitatif = fabriques.indicateur_qualitatif(fiche, libelle="Ressenti des familles")
    ancienne = fabriques.reunion(contrat13, referent, [fiche], jours=-200)
    reunion = fabriques.reunion(contrat13, referent, [fiche], jours=0)
    client.force_login(referent)
    return {
        "referent": referent,
        "fiche": fiche,
        "quantitatif": quantitatif,
        "qualitatif": qualitatif,
        "ancienne": ancienne,
        "reunion": reunion,
        "point": reunion.points.get(),
    }


# --- Tableau de bord du contrat ------------------------------------------------------------------


def cellules(html, fiche):
    """Les cellules de la ligne de la fiche dans le tableau des fiches."""
    ligne = re.search(rf"{re.escape(fiche.titre)}</a>.*?</tr>", html, re.S).group(0)
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", ligne, re.S)]


def test_tableau_de_bord_suit_fiches_decisions_releves_valeurs_et_reunions(client, suivi, contrat13):
    referent, fiche = suivi["referent"], suivi["fiche"]
    html = page(client, "suivi:tableau_de_bord", contrat13.slug)
    assert cellules(html, fiche)[1:4] == ["0", "0", "0"]
    assert "atteint —" in html

    fiche.titre = "Accueil familial renforcé et relais"
    fiche.save()
    assert "Accueil familial renforcé et relais" in page(client, "suivi:tableau_de_bord", contrat13.slug)

    nouvelle = fabriques.fiche(contrat13, objectif=8, titre="Scolarité des enfants confiés")
    assert "Scolarité des enfants confiés" in page(client, "suivi:tableau_de_bord", contrat13.slug)

    decision = services.ajouter_decision(
        suivi["point"], referent, libelle="Recruter", echeance=timezone.localdate() - timedelta(days=1)
    )
    assert cellules(page(client, "suivi:tableau_de_bord", contrat13.slug), fiche)[1:3] == ["1", "1"]
    services.changer_statut_decision(decision, StatutDecision.FAIT)
    assert cellules(page(client, "suivi:tableau_de_bord", contrat13.slug), fiche)[1:3] == ["0", "0"]

    r = releve(suivi["qualitatif"], acteurs_contributeur(contrat13))
    assert cellules(page(client, "suivi:tableau_de_bord", contrat13.slug), fiche)[3] == "0"
    services.faire_transition(r, r.auteur, "soumettre")
    assert cellules(page(client, "suivi:tableau_de_bord", contrat13.slug), fiche)[3] == "1"

    services.enregistrer_valeur_fiche(suivi["quantitatif"], referent, 2025, 75)
    assert "2025 : cible 80, atteint 75" in page(client, "suivi:tableau_de_bord", contrat13.slug)

    # Les cibles sont une rubrique de la fiche : l'enregistrer « touche » la fiche.
    suivi["quantitatif"].cibles = {"2025": "90", "2026": "100"}
    suivi["quantitatif"].save()
    toucher(fiche)
    assert "2025 : cible 90, atteint 75" in page(client, "suivi:tableau_de_bord", contrat13.slug)

    assert cellules(page(client, "suivi:tableau_de_bord", contrat13.slug), nouvelle)[0] == "—"
    fabriques.reunion(contrat13, referent, [nouvelle], jours=-3)
    jour = (timezone.localdate() - timedelta(days=3)).strftime("%d/%m/%Y")
    assert cellules(page(client, "suivi:tableau_de_bord", contrat13.slug), nouvelle)[0] == jour


def acteurs_contributeur(contrat):
    from core.models import Utilisateur

    return Utilisateur.objects.get(adhesions__role="contributeur", adhesions__institution__nom="CD 13")


def test_tableau_de_bord_la_derniere_reunion_change_quand_l_heure_passe(client, suivi, contrat13):
    """Aucune donnée ne change quand une réunion commence : la clé compte les réunions déjà commencées."""
    fiche = fabriques.fiche(contrat13, objectif=8, titre="Scolarité des enfants confiés")
    prochaine = fabriques.reunion(contrat13, suivi["referent"], [fiche], jours=2)
    assert cellules(page(client, "suivi:tableau_de_bord", contrat13.slug), fiche)[0] == "—"
    Reunion.objects.filter(pk=prochaine.pk).update(date=timezone.now() - timedelta(minutes=1))  # le temps passe
    jour = timezone.localdate().strftime("%d/%m/%Y")
    assert cellules(page(client, "suivi:tableau_de_bord", contrat13.slug), fiche)[0] == jour


# --- Ordre du jour -------------------------------------------------------------------------------


def test_ordre_du_jour_suit_ce_qui_a_change_et_les_entrees_de_la_seance(client, acteurs, suivi):
    referent, reunion, point = suivi["referent"], suivi["reunion"], suivi["point"]
    lecteur = Client()
    lecteur.force_login(acteurs["lecteur_cd13"])
    html = page(lecteur, "suivi:ordre_du_jour", reunion.pk)
    assert "Aucun nouveau relevé." in html and "Aucune nouvelle valeur." in html

    releve(suivi["qualitatif"], referent)
    assert "Ressenti des familles" in page(lecteur, "suivi:ordre_du_jour", reunion.pk)

    services.enregistrer_valeur_fiche(suivi["quantitatif"], referent, 2025, 75)
    assert "Nombre de familles accompagnées : 75" in page(lecteur, "suivi:ordre_du_jour", reunion.pk)

    ancienne = services.ajouter_decision(
        suivi["ancienne"].points.get(), referent, libelle="Signer la convention CAF", echeance=timezone.localdate()
    )
    html = page(lecteur, "suivi:ordre_du_jour", reunion.pk)
    assert "Signer la convention CAF" in html
    services.changer_statut_decision(ancienne, StatutDecision.FAIT)
    assert "Signer la convention CAF" not in page(lecteur, "suivi:ordre_du_jour", reunion.pk)

    services.enregistrer_point(point, referent, elements_positifs="Familles mieux informées", axes_amelioration="")
    assert "Familles mieux informées" in page(lecteur, "suivi:ordre_du_jour", reunion.pk)
    services.enregistrer_point(point, referent, elements_positifs="", axes_amelioration="Délais trop longs")
    html = page(lecteur, "suivi:ordre_du_jour", reunion.pk)
    assert "Délais trop longs" in html and "Familles mieux informées" not in html

    # Une réunion précédente annulée ne compte plus : numéro et point de départ des nouveautés changent.
    depuis = timezone.localtime(suivi["ancienne"].date).strftime("%d/%m/%Y")
    html = page(lecteur, "suivi:ordre_du_jour", reunion.pk)
    assert f"Depuis la réunion du {depuis}" in html and "Réunion d'état d'avancement n° 2" in html
    services.annuler_reunion(suivi["ancienne"])
    html = page(lecteur, "suivi:ordre_du_jour", reunion.pk)
    assert "Depuis le début du suivi" in html and "Réunion d'état d'avancement n° 1" in html

    du_jour = services.ajouter_decision(point, referent, libelle="Recruter deux TISF")
    assert "Recruter deux TISF" in page(lecteur, "suivi:ordre_du_jour", reunion.pk)
    services.supprimer_decision(du_jour)
    assert "Recruter deux TISF" not in page(lecteur, "suivi:ordre_du_jour", reunion.pk)


def test_ordre_du_jour_valide_se_verrouille_malgre_le_cache(client, acteurs, suivi):
    reunion = suivi["reunion"]
    services.ajouter_decision(suivi["ancienne"].points.get(), suivi["referent"], libelle="Décision ouverte")
    html = page(client, "suivi:ordre_du_jour", reunion.pk)
    assert "Ajouter la décision" in html and "Valider le compte rendu" in html
    services.valider_compte_rendu(reunion, suivi["referent"])
    html = page(client, "suivi:ordre_du_jour", reunion.pk)
    assert "Ajouter la décision" not in html and "compte rendu verrouillé" in html
    assert "Ajouter un rectificatif" in html and "Mettre à jour" in html  # statut des décisions ouvertes
    lecteur = Client()
    lecteur.force_login(acteurs["lecteur_cd13"])
    html = page(lecteur, "suivi:ordre_du_jour", reunion.pk)
    assert "Décision ouverte" in html and "Mettre à jour" not in html and "Ajouter un rectificatif" not in html


def test_ordre_du_jour_le_lecteur_ne_recoit_jamais_les_boutons_de_l_animateur(client, acteurs, suivi):
    reunion = suivi["reunion"]
    services.ajouter_decision(suivi["ancienne"].points.get(), suivi["referent"], libelle="Décision ouverte")
    html = page(client, "suivi:ordre_du_jour", reunion.pk)  # l'animateur d'abord : le fragment entre en cache
    assert "Ajouter la décision" in html and "Mettre à jour" in html and "Enregistrer" in html
    lecteur = Client()
    lecteur.force_login(acteurs["lecteur_cd13"])
    html = page(lecteur, "suivi:ordre_du_jour", reunion.pk)
    html = html[html.index('<h2 class="fr-h4">Ordre du jour') :]  # le formulaire de déconnexion est avant
    assert "Décision ouverte" in html
    for bouton in ("Ajouter la décision", "Mettre à jour", "Enregistrer", "csrfmiddlewaretoken", "<textarea"):
        assert bouton not in html


def test_ordre_du_jour_chacun_recoit_son_propre_jeton_csrf(acteurs, suivi):
    """Le fragment est partagé entre deux animateurs : chacun y trouve un jeton valable pour sa session."""
    reunion, point = suivi["reunion"], suivi["point"]
    services.ajouter_decision(suivi["ancienne"].points.get(), suivi["referent"], libelle="Décision ouverte")
    for utilisateur in (acteurs["referent_cd13"], acteurs["contributeur_cd13"]):
        navigateur = Client(enforce_csrf_checks=True)
        navigateur.force_login(utilisateur)
        html = page(navigateur, "suivi:ordre_du_jour", reunion.pk)
        assert "repere-csrf" not in html
        formulaire = html[html.index(reverse("suivi:point_enregistrer", args=[reunion.pk, point.pk])) :]
        jeton = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', formulaire).group(1)
        reponse = navigateur.post(
            reverse("suivi:point_enregistrer", args=[reunion.pk, point.pk]),
            {
                "csrfmiddlewaretoken": jeton,
                f"p{point.pk}-version": Reunion.objects.get(pk=reunion.pk).points.get().modifie_le.isoformat(),
                f"p{point.pk}-elements_positifs": f"Écrit par {utilisateur.pk}",
                f"p{point.pk}-axes_amelioration": "",
            },
        )
        assert reponse.status_code == 302
        point.refresh_from_db()
        assert point.elements_positifs == f"Écrit par {utilisateur.pk}"


# --- Mode projection -----------------------------------------------------------------------------


def test_projection_suit_la_saisie_en_seance_et_ce_qui_a_change(client, suivi):
    referent, reunion, point = suivi["referent"], suivi["reunion"], suivi["point"]
    html = page(client, "suivi:projection", reunion.pk)
    assert "Aucun nouveau relevé qualitatif" in html and "Aucune nouvelle valeur d'indicateur" in html

    services.enregistrer_point(point, referent, elements_positifs="Familles mieux informées", axes_amelioration="")
    assert "Familles mieux informées" in page(client, "suivi:projection", reunion.pk)
    services.ajouter_decision(point, referent, libelle="Recruter deux TISF")
    assert "Recruter deux TISF" in page(client, "suivi:projection", reunion.pk)

    releve(suivi["qualitatif"], referent)
    assert "1 relevé qualitatif" in page(client, "suivi:projection", reunion.pk)
    services.enregistrer_valeur_fiche(suivi["quantitatif"], referent, 2025, 75)
    assert "<strong>75</strong>" in page(client, "suivi:projection", reunion.pk)

    precedente = services.ajouter_decision(suivi["ancienne"].points.get(), referent, libelle="Signer la convention")
    assert "Signer la convention — <strong>À faire</strong>" in page(client, "suivi:projection", reunion.pk)
    Decision.objects.filter(pk=precedente.pk).delete()
    assert "Signer la convention" not in page(client, "suivi:projection", reunion.pk)


def test_projection_chaque_rang_a_son_ecran(client, contrat13, suivi):
    autre = fabriques.fiche(contrat13, objectif=8, titre="Scolarité des enfants confiés")
    services.modifier_reunion(
        suivi["reunion"], suivi["referent"], fiches=[suivi["fiche"], autre], utilisateurs=[suivi["referent"]]
    )
    premier = page(client, "suivi:projection", suivi["reunion"].pk, parametres="?n=1")
    second = page(client, "suivi:projection", suivi["reunion"].pk, parametres="?n=2")
    assert "Accueil familial renforcé" in premier and "Scolarité des enfants confiés" in second
    assert "(2/2)" in second
