import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from suivi import services, tableaux
from suivi.models import Notification, PointFiche, Reunion

from . import fabriques

pytestmark = pytest.mark.django_db


def coche(page, nom, valeur):
    return re.search(rf'<input[^>]*name="{nom}"[^>]*value="{valeur}"[^>]*checked', page) is not None


def test_planifier_une_reunion_invite_avec_ics_et_propose_les_actions_a_impact(
    client, acteurs, contrat13, django_capture_on_commit_callbacks
):
    referent = acteurs["referent_cd13"]
    impact = fabriques.fiche(contrat13, objectif=7, action_a_impact=True, titre="Accueil familial renforcé")
    autre = fabriques.fiche(contrat13, objectif=8, titre="Scolarité")
    client.force_login(referent)
    url = reverse("suivi:reunion_creer", args=[contrat13.slug])
    page = client.get(url).content.decode()
    assert coche(page, "fiches", impact.pk) and not coche(page, "fiches", autre.pk)
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(
            url,
            {
                "type": "bilan_qualitatif",
                "jour": (timezone.localdate() + timedelta(days=10)).isoformat(),
                "heure": "14:00",
                "duree_minutes": "120",
                "lieu": "Marseille, salle du conseil",
                "participants": [referent.pk, acteurs["contributeur_cd13"].pk],
                "externes": "Jeanne Martin ; Association Sauvegarde 13 ; jeanne.martin@example.org",
                "fiches": [impact.pk, autre.pk],
            },
        )
    reunion = Reunion.objects.get()
    assert reponse.status_code == 302 and reponse["Location"] == reverse("suivi:ordre_du_jour", args=[reunion.pk])
    assert [p.fiche for p in reunion.points.all()] == [impact, autre]
    assert reunion.participants.count() == 3
    destinataires = sorted(m.to[0] for m in mail.outbox if m.subject.startswith("Invitation"))
    assert "jeanne.martin@example.org" in destinataires and acteurs["contributeur_cd13"].email in destinataires
    ics = next(m for m in mail.outbox if m.to == ["jeanne.martin@example.org"]).attachments[0]
    assert ics[0] == "invitation.ics" and "BEGIN:VEVENT" in ics[1] and "Marseille" in ics[1]
    assert Notification.objects.filter(destinataire=acteurs["contributeur_cd13"], type="invitation_reunion").exists()
    # Relancer la tâche n'envoie rien deux fois.
    from suivi.tasks import envoyer_invitations

    assert envoyer_invitations(reunion.pk) == 0


def test_formulaire_de_reunion_refuse_une_saisie_invalide_sans_rien_perdre(client, acteurs, contrat13):
    f = fabriques.fiche(contrat13)
    client.force_login(acteurs["referent_cd13"])
    reponse = client.post(
        reverse("suivi:reunion_creer", args=[contrat13.slug]),
        {
            "type": "bilan_qualitatif",
            "jour": "31/02/2026",
            "heure": "14:00",
            "duree_minutes": "120",
            "externes": "Sans adresse ; CAF ; pas-une-adresse",
            "fiches": [f.pk],
        },
    )
    page = reponse.content.decode()
    assert reponse.status_code == 200
    assert "Saisissez une date" in page
    assert "n&#x27;est pas valide" in page or "n'est pas valide" in page
    assert "Sans adresse ; CAF ; pas-une-adresse" in page
    assert not Reunion.objects.exists()


def test_numero_k_compte_les_reunions_de_chaque_fiche(acteurs, contrat13):
    referent = acteurs["referent_cd13"]
    a, b = fabriques.fiche(contrat13), fabriques.fiche(contrat13)
    r1 = fabriques.reunion(contrat13, referent, [a], jours=-200)
    r2 = fabriques.reunion(contrat13, referent, [a, b], jours=-10)
    r3 = fabriques.reunion(contrat13, referent, [a, b], jours=+30)
    numeros = services.numeros_des_reunions([a.pk, b.pk])
    assert [numeros[(a.pk, r.pk)] for r in (r1, r2, r3)] == [1, 2, 3]
    assert [numeros[(b.pk, r.pk)] for r in (r2, r3)] == [1, 2]
    annexes = tableaux.reunions_des_fiches([a, b])
    assert [r.numero for r in annexes[a.pk]] == [1, 2, 3]


def test_decisions_precedentes_et_ce_qui_a_change(acteurs, contrat13):
    referent = acteurs["referent_cd13"]
    f = fabriques.fiche(contrat13)
    r1 = fabriques.reunion(contrat13, referent, [f], jours=-200)
    point1 = r1.points.get()
    services.ajouter_decision(point1, referent, libelle="Recruter deux TISF", echeance=timezone.localdate())
    r2 = fabriques.reunion(contrat13, referent, [f], jours=-1)
    prep = tableaux.preparer(r2)[0]
    assert prep.numero == 2
    assert [d.libelle for d in prep.decisions_precedentes] == ["Recruter deux TISF"]
    assert [d.libelle for d in prep.decisions_ouvertes] == ["Recruter deux TISF"]


def test_saisie_en_seance_puis_validation_verrouille_le_compte_rendu(client, acteurs, contrat13):
    referent, contributeur = acteurs["referent_cd13"], acteurs["contributeur_cd13"]
    f = fabriques.fiche(contrat13)
    reunion = fabriques.reunion(contrat13, referent, [f], jours=0)
    point = reunion.points.get()
    client.force_login(contributeur)
    url = reverse("suivi:point_enregistrer", args=[reunion.pk, point.pk])
    version = point.modifie_le.isoformat()
    reponse = client.post(
        url,
        {
            f"p{point.pk}-version": version,
            f"p{point.pk}-elements_positifs": "Les familles sont mieux informées",
            f"p{point.pk}-axes_amelioration": "",
        },
        HTTP_HX_REQUEST="true",
    )
    assert "Enregistré" in reponse.content.decode()
    point.refresh_from_db()
    assert point.elements_positifs == "Les familles sont mieux informées"
    # Une seconde saisie partie de l'ancienne version est refusée (pas d'écrasement silencieux).
    reponse = client.post(
        url,
        {
            f"p{point.pk}-version": version,
            f"p{point.pk}-elements_positifs": "Texte périmé",
            f"p{point.pk}-axes_amelioration": "",
        },
        HTTP_HX_REQUEST="true",
    )
    assert "Quelqu" in reponse.content.decode()
    point.refresh_from_db()
    assert point.elements_positifs == "Les familles sont mieux informées"

    client.post(
        reverse("suivi:decision_ajouter", args=[reunion.pk, point.pk]),
        {f"d{point.pk}-libelle": "Associer la CAF", f"d{point.pk}-responsable": referent.pk},
        HTTP_HX_REQUEST="true",
    )
    cases = client.get(reverse("suivi:projection_cases", args=[reunion.pk, point.pk])).content.decode()
    assert "Associer la CAF" in cases and "Les familles sont mieux informées" in cases
    assert Notification.objects.filter(destinataire=referent, type="decision_assignee").exists()

    client.post(reverse("suivi:reunion_valider", args=[reunion.pk]))
    reunion.refresh_from_db()
    assert reunion.verrouillee and reunion.valide_par == contributeur
    point.refresh_from_db()
    reponse = client.post(
        url,
        {
            f"p{point.pk}-version": point.modifie_le.isoformat(),
            f"p{point.pk}-elements_positifs": "Réécriture",
            f"p{point.pk}-axes_amelioration": "",
        },
        HTTP_HX_REQUEST="true",
    )
    assert "validé" in reponse.content.decode()
    point.refresh_from_db()
    assert point.elements_positifs == "Les familles sont mieux informées"
    with pytest.raises(ValidationError):
        services.ajouter_decision(point, referent, libelle="Trop tard")
    client.post(reverse("suivi:rectificatif_ajouter", args=[reunion.pk]), {"texte": "La CAF est déjà associée."})
    assert "La CAF est déjà associée." in client.get(reverse("suivi:ordre_du_jour", args=[reunion.pk])).content.decode()


def test_reunion_a_venir_non_validable(acteurs, contrat13):
    reunion = fabriques.reunion(contrat13, acteurs["referent_cd13"], [fabriques.fiche(contrat13)], jours=5)
    with pytest.raises(ValidationError):
        services.valider_compte_rendu(reunion, acteurs["referent_cd13"])


def _reunion_avec(contrat, auteur, nombre):
    fiches = fabriques.fiches(contrat, nombre, referent=auteur)
    for f in fiches:
        indicateur = fabriques.indicateur_quantitatif(f, cibles={"2025": "80", "2026": "100"})
        services.enregistrer_valeur_fiche(indicateur, auteur, 2025, 75)
        fabriques.indicateur_qualitatif(f)
    ancienne = fabriques.reunion(contrat, auteur, fiches, jours=-200)
    for p in ancienne.points.all():
        services.ajouter_decision(p, auteur, libelle="Décision ancienne", responsable=auteur)
    reunion = fabriques.reunion(contrat, auteur, fiches, jours=-1)
    for p in reunion.points.all():
        services.ajouter_decision(p, auteur, libelle="Décision du jour", responsable=auteur)
    return reunion


@pytest.mark.parametrize("nombre", [2, 12])
def test_nombre_de_requetes_constant(client, acteurs, contrat13, django_assert_num_queries, nombre):
    referent = acteurs["referent_cd13"]
    reunion = _reunion_avec(contrat13, referent, nombre)
    point = PointFiche.objects.filter(reunion=reunion).last()
    client.force_login(referent)
    client.get(reverse("suivi:ordre_du_jour", args=[reunion.pk]))  # session chaude
    cache.clear()
    # Cache froid (périmètre de l'utilisateur compris) : dont 1 pour savoir si des documents de l'espace partagé
    # sont joints et 1 pour la version des données du suivi (clé des fragments en cache) ; la projection lit aussi
    # les numéros des points.
    with django_assert_num_queries(18):
        assert client.get(reverse("suivi:ordre_du_jour", args=[reunion.pk])).status_code == 200
    with django_assert_num_queries(15):
        assert client.get(reverse("suivi:projection", args=[reunion.pk]) + f"?n={nombre}").status_code == 200
    with django_assert_num_queries(7):
        assert client.get(reverse("suivi:projection_cases", args=[reunion.pk, point.pk])).status_code == 200
    with django_assert_num_queries(16):
        page = client.get(reverse("suivi:tableau_de_bord", args=[contrat13.slug]))
    assert page.content.decode().count('class="ce-graphique"') == nombre
    # Cache chaud : les fragments sont servis sans rien recalculer.
    with django_assert_num_queries(8):
        assert client.get(reverse("suivi:ordre_du_jour", args=[reunion.pk])).status_code == 200
    with django_assert_num_queries(8):
        assert client.get(reverse("suivi:projection", args=[reunion.pk]) + f"?n={nombre}").status_code == 200
    with django_assert_num_queries(8):
        page = client.get(reverse("suivi:tableau_de_bord", args=[contrat13.slug]))
    assert page.content.decode().count('class="ce-graphique"') == nombre


def test_modifier_l_ordre_du_jour_et_la_date_reinvite(client, acteurs, contrat13, django_capture_on_commit_callbacks):
    referent = acteurs["referent_cd13"]
    a, b, c = fabriques.fiche(contrat13), fabriques.fiche(contrat13), fabriques.fiche(contrat13)
    with django_capture_on_commit_callbacks(execute=True):
        reunion = fabriques.reunion(contrat13, referent, [a, b], jours=10)
    mail.outbox.clear()
    client.force_login(referent)
    url = reverse("suivi:reunion_modifier", args=[reunion.pk])
    page = client.get(url)
    assert page.status_code == 200
    jour = (timezone.localdate() + timedelta(days=12)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(
            url,
            {
                "version": page.context["form"]["version"].value(),  # la version que porte la page
                "type": "comite_pilotage",
                "jour": jour,
                "heure": "09:30",
                "duree_minutes": "90",
                "lieu": "Préfecture",
                "participants": [referent.pk, acteurs["contributeur_cd13"].pk],
                "fiches": [c.pk, a.pk],
            },
        )
    assert reponse.status_code == 302
    reunion.refresh_from_db()
    assert reunion.type == "comite_pilotage" and reunion.lieu == "Préfecture"
    assert [p.fiche for p in reunion.points.order_by("ordre")] == [a, c]  # dans l'ordre des fiches
    assert sorted(m.to[0] for m in mail.outbox) == sorted([referent.email, acteurs["contributeur_cd13"].email])
    assert "SEQUENCE" in mail.outbox[0].attachments[0][1]
    reunion.date = timezone.now() - timedelta(days=1)
    reunion.save()
    services.valider_compte_rendu(reunion, referent)
    assert client.get(url).status_code == 302
    with pytest.raises(ValidationError):
        services.modifier_reunion(reunion, referent, fiches=[a], utilisateurs=[referent], lieu="Ailleurs")


@pytest.mark.parametrize("nombre", [1, 10])
def test_fournisseur_des_reunions_de_fiche_en_deux_requetes(acteurs, contrat13, django_assert_num_queries, nombre):
    """Les vues « fiche et ses annexes » et calendrier de `fiches` appellent ce fournisseur : coût fixe."""
    from fiches.extensions import reunions_des_fiches

    reunion = _reunion_avec(contrat13, acteurs["referent_cd13"], nombre)
    fiches = [p.fiche for p in reunion.points.select_related("fiche")]
    with django_assert_num_queries(2):
        annexes = reunions_des_fiches(fiches)
    assert all([r.numero for r in annexes[f.pk]] == [1, 2] for f in fiches)
    assert annexes[fiches[0].pk][1].decisions[0].libelle == "Décision du jour"


def test_joindre_une_ressource_de_l_espace_partage_a_la_reunion(client, acteurs, contrat13):
    from espace_partage.models import Espace, Ressource

    reunion = fabriques.reunion(contrat13, acteurs["referent_cd13"], fabriques.fiches(contrat13, 1))
    ressource = Ressource.objects.create(
        espace=Espace.objects.get(departement__code="13"),
        section="modeles",
        titre="Support de présentation du comité",
        resume="Diaporama type.",
        lien="https://exemple.fr/support",
        auteur=acteurs["referent_cd13"],
    )
    url = reverse("suivi:joindre", args=[reunion.pk])
    for nom in ("lecteur_cd13", "referent_cd47"):
        client.force_login(acteurs[nom])
        assert client.post(url, {"ressource": ressource.pk}).status_code in (403, 404)
    assert ressource.pieces_jointes.count() == 0
    client.force_login(acteurs["contributeur_cd13"])
    page = client.post(url, {"ressource": ressource.pk}, follow=True).content.decode()
    assert "Support de présentation du comité" in page and 'id="documents"' in page
    assert ressource.pieces_jointes.count() == 1
