import pytest
from django.core import mail
from django.db import IntegrityError
from django.urls import reverse

from suivi.models import Notification, PreferenceNotification
from suivi.notifications import notifier
from suivi.tasks import envoyer_notifications, envoyer_resumes_quotidiens

pytestmark = pytest.mark.django_db


def test_une_seule_notification_par_evenement(acteurs, django_capture_on_commit_callbacks):
    user = acteurs["referent_cd13"]
    with django_capture_on_commit_callbacks(execute=True):
        notifier([user], "invitation_reunion", "invitation-reunion-1", "Invitation")
        notifier([user, user], "invitation_reunion", "invitation-reunion-1", "Invitation")
    assert Notification.objects.filter(destinataire=user).count() == 1
    assert len(mail.outbox) == 1
    with pytest.raises(IntegrityError):
        Notification.objects.create(destinataire=user, type="invitation_reunion", cle="invitation-reunion-1", titre="x")


def test_preferences_immediat_resume_quotidien_ou_aucun(acteurs, django_capture_on_commit_callbacks):
    immediat, quotidien, aucun = acteurs["referent_cd13"], acteurs["contributeur_cd13"], acteurs["lecteur_cd13"]
    PreferenceNotification.objects.create(utilisateur=quotidien, frequence="quotidienne")
    PreferenceNotification.objects.create(utilisateur=aucun, frequence="aucune")
    with django_capture_on_commit_callbacks(execute=True):
        notifier([immediat, quotidien, aucun], "releve_a_relire", "e1", "Relevé à relire")
        notifier([immediat, quotidien, aucun], "releve_a_valider", "e2", "Relevé à valider")
    assert sorted(m.to[0] for m in mail.outbox) == [immediat.email, immediat.email]
    mail.outbox.clear()
    assert envoyer_resumes_quotidiens() == 1
    assert [m.to for m in mail.outbox] == [[quotidien.email]]
    assert "Relevé à relire" in mail.outbox[0].body and "Relevé à valider" in mail.outbox[0].body
    assert envoyer_resumes_quotidiens() == 0
    assert envoyer_notifications("e1") == 0
    assert Notification.objects.filter(destinataire=aucun, envoyee_le__isnull=True).count() == 2


def test_liste_et_preference_dans_l_application(client, acteurs):
    user, autre = acteurs["referent_cd13"], acteurs["contributeur_cd13"]
    notifier([user], "decision_assignee", "d1", "Décision qui vous est confiée : associer la CAF", "/suivi/")
    notifier([autre], "decision_assignee", "d2", "Notification d'une autre personne")
    client.force_login(user)
    page = client.get(reverse("suivi:notifications")).content.decode()
    assert "associer la CAF" in page and "autre personne" not in page
    n = Notification.objects.get(cle="d1")
    assert client.post(reverse("suivi:notification_lue", args=[n.pk])).status_code == 302
    n.refresh_from_db()
    assert n.lue_le is not None
    autre_n = Notification.objects.get(cle="d2")
    assert client.post(reverse("suivi:notification_lue", args=[autre_n.pk])).status_code == 404
    client.post(reverse("suivi:notifications"), {"frequence": "quotidienne"})
    assert user.preference_notification.frequence == "quotidienne"


def test_referent_nomme_d_une_fiche_notifie_une_fois(acteurs, contrat13):
    from . import fabriques

    referent = acteurs["referent_cd13"]
    fiche = fabriques.fiche(contrat13, referent=referent)
    fiche.titre = "Nouveau titre"
    fiche.save()
    assert Notification.objects.filter(destinataire=referent, type="referent_fiche").count() == 1
    # Changer de référent notifie le nouveau ; un enregistrement sans changement ne fait aucune requête de plus.
    fiche.referent = acteurs["contributeur_cd13"]
    fiche.save()
    assert Notification.objects.filter(destinataire=acteurs["contributeur_cd13"], type="referent_fiche").count() == 1
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as requetes:
        fiche.save()
    assert not [q for q in requetes.captured_queries if "suivi_notification" in q["sql"]]


def test_un_commentaire_previent_le_referent_et_l_auteur_du_commentaire_repondu(
    client, acteurs, contrat13, django_capture_on_commit_callbacks
):
    from fiches.services import creer_fiche

    referente, redacteur = acteurs["contributeur_cd13"], acteurs["referent_cd13"]
    oc = contrat13.objectifs_contrat.get(objectif__numero=7)
    fiche = creer_fiche(contrat13, oc, titre="Développer l'accueil familial", referent=referente)
    url = reverse("fiches:commenter", args=[fiche.pk])

    client.force_login(redacteur)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"texte": "Où en est le recrutement ?"})
    notification = Notification.objects.get(destinataire=referente, type="commentaire_fiche")
    assert "a commenté la fiche action n° 7.1" in notification.titre
    assert notification.url == reverse("fiches:fiche", args=[fiche.pk]) + "#commentaires"
    assert [m.to for m in mail.outbox] == [[referente.email]]
    assert not Notification.objects.filter(destinataire=redacteur).exists()  # pas son propre commentaire

    # La référente répond : l'auteur du premier commentaire est prévenu, pas elle-même.
    client.force_login(referente)
    question = fiche.commentaires.get()
    client.post(url, {"texte": "Trois familles recrutées.", "reponse_a": question.pk})
    assert Notification.objects.filter(destinataire=redacteur, type="commentaire_fiche").count() == 1
    assert Notification.objects.filter(destinataire=referente, type="commentaire_fiche").count() == 1
