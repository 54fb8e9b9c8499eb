import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import MOT_DE_PASSE


def test_connexion_par_email(client, acteurs):
    user = acteurs["lecteur_cd13"]
    reponse = client.post(reverse("login"), {"username": user.email, "password": MOT_DE_PASSE})
    assert reponse.status_code == 302
    assert client.get(reverse("mon_compte")).status_code == 200


def test_mauvais_mot_de_passe_message_en_francais(client, acteurs):
    reponse = client.post(reverse("login"), {"username": acteurs["lecteur_cd13"].email, "password": "faux"})
    assert "Adresse e-mail ou mot de passe incorrect." in reponse.content.decode()


def test_force_brute_verrouille_puis_libere(client, acteurs, settings):
    from axes.models import AccessAttempt
    from django.utils import timezone

    user = acteurs["lecteur_cd13"]
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": user.email, "password": "faux"})
    bloque = client.post(reverse("login"), {"username": user.email, "password": MOT_DE_PASSE})
    assert bloque.status_code == 429
    assert "temporairement bloquée" in bloque.content.decode()
    # Le verrou n'est jamais permanent : après le délai de refroidissement, la connexion redevient possible.
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME * 2)
    assert client.post(reverse("login"), {"username": user.email, "password": MOT_DE_PASSE}).status_code == 302


def test_reinitialisation_du_mot_de_passe_par_email(client, acteurs):
    user = acteurs["lecteur_cd13"]
    assert client.post(reverse("password_reset"), {"email": user.email}).status_code == 302
    assert len(mail.outbox) == 1
    lien = next(ligne for ligne in mail.outbox[0].body.splitlines() if "/mot-de-passe/nouveau/" in ligne)
    chemin = lien.split("testserver", 1)[1]
    formulaire = client.get(chemin, follow=True)
    nouveau = "Un-nouveau-mot-de-passe-9"
    reponse = client.post(formulaire.redirect_chain[-1][0], {"new_password1": nouveau, "new_password2": nouveau})
    assert reponse.status_code == 302
    user.refresh_from_db()
    assert user.check_password(nouveau)


def test_deconnexion(client, acteurs):
    client.force_login(acteurs["lecteur_cd13"])
    client.post(reverse("logout"))
    assert client.get(reverse("mon_compte")).status_code == 302


@pytest.mark.parametrize("code", [403, 404])
def test_pages_d_erreur_dsfr(client, acteurs, contrat47, code):
    client.force_login(acteurs["lecteur_cd13"])
    url = contrat47.get_absolute_url() if code == 403 else "/nulle-part/"
    reponse = client.get(url)
    assert reponse.status_code == code
    assert "fr-header" in reponse.content.decode()


def test_force_brute_ralentie_par_adresse_avant_le_verrou(client, acteurs, settings):
    """Des essais sur plusieurs comptes depuis une même adresse sont ralentis (429, message en français)
    sans verrouiller ces comptes ; une minute plus tard (compteur expiré), la connexion repasse."""
    from django.core.cache import cache

    settings.LIMITE_CONNEXIONS_IP = "3/m"
    comptes = [acteurs["lecteur_cd13"], acteurs["referent_cd13"], acteurs["lecteur_dgcs"]]
    for user in comptes:
        assert client.post(reverse("login"), {"username": user.email, "password": "faux"}).status_code == 200
    ralenti = client.post(reverse("login"), {"username": comptes[0].email, "password": MOT_DE_PASSE})
    assert ralenti.status_code == 429
    assert "patientez une minute" in ralenti.content.decode()
    assert comptes[0].email in ralenti.content.decode()  # l'identifiant saisi n'est pas perdu
    cache.clear()  # la fenêtre d'une minute est passée
    assert client.post(reverse("login"), {"username": comptes[0].email, "password": MOT_DE_PASSE}).status_code == 302


def test_session_renouvelee_sans_reecriture_a_chaque_requete(client, acteurs, settings):
    """L'échéance de la session glisse (8 h d'inactivité), mais la session n'est réécrite en base qu'une fois
    par période de renouvellement."""
    from django.contrib.sessions.models import Session

    settings.SESSION_RENOUVELLEMENT = 300
    client.force_login(acteurs["lecteur_cd13"])
    client.get(reverse("accueil"))
    cle = client.session.session_key
    premiere = Session.objects.get(pk=cle).expire_date
    client.get(reverse("accueil"))
    assert Session.objects.get(pk=cle).expire_date == premiere  # pas réécrite
    settings.SESSION_RENOUVELLEMENT = 0
    client.get(reverse("accueil"))
    assert Session.objects.get(pk=cle).expire_date > premiere  # renouvelée


def test_derriere_nginx_chaque_agent_a_sa_propre_limite(client, acteurs, settings):
    """Derrière un mandataire, REMOTE_ADDR est la même pour tous : la limite par adresse se lit dans
    X-Forwarded-For (dernière adresse, celle ajoutée par nginx), jamais dans ce que le client y a écrit."""
    settings.LIMITE_CONNEXIONS_IP = "2/m"
    settings.PROXIES_DE_CONFIANCE = 1
    user = acteurs["lecteur_cd13"]

    def essai(transmise):
        return client.post(
            reverse("login"),
            {"username": user.email, "password": "faux"},
            REMOTE_ADDR="172.18.0.1",
            HTTP_X_FORWARDED_FOR=transmise,
        ).status_code

    assert [essai("203.0.113.7"), essai("203.0.113.7"), essai("203.0.113.7")] == [200, 200, 429]
    assert essai("198.51.100.4") == 200  # un autre agent, derrière le même nginx, n'est pas ralenti
    assert essai("10.0.0.1, 203.0.113.7") == 429  # une adresse inventée à gauche ne contourne pas la limite


def test_sans_mandataire_declare_x_forwarded_for_est_ignore(client, acteurs, settings):
    settings.LIMITE_CONNEXIONS_IP = "2/m"
    user = acteurs["lecteur_cd13"]
    codes = [
        client.post(
            reverse("login"), {"username": user.email, "password": "faux"}, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}"
        ).status_code
        for n in range(3)
    ]
    assert codes == [200, 200, 429]
