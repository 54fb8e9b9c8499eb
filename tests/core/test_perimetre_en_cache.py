"""Le périmètre d'un utilisateur est gardé en cache : tout changement d'adhésion, d'institution ou de type
d'institution doit compter dès la requête suivante (droits ajoutés comme retirés)."""

from core.enums import Role
from core.models import Adhesion, Collectivite


def test_un_changement_de_role_compte_des_la_requete_suivante(client, acteurs, contrat13):
    lecteur = acteurs["lecteur_cd13"]
    client.force_login(lecteur)
    assert "Modifier les financements" not in client.get(contrat13.get_absolute_url()).content.decode()
    adhesion = Adhesion.objects.get(utilisateur=lecteur)
    adhesion.role = Role.REFERENT
    adhesion.save()
    assert "Modifier les financements" in client.get(contrat13.get_absolute_url()).content.decode()


def test_un_membre_retire_perd_l_acces_des_la_requete_suivante(client, acteurs, contrat13):
    referent = acteurs["referent_cd13"]
    client.force_login(referent)
    assert client.get(contrat13.get_absolute_url()).status_code == 200
    Adhesion.objects.get(utilisateur=referent).delete()
    assert client.get(contrat13.get_absolute_url()).status_code == 403


def test_une_institution_qui_change_de_territoire(client, acteurs, contrat13):
    referent = acteurs["referent_cd13"]
    client.force_login(referent)
    assert client.get(contrat13.get_absolute_url()).status_code == 200
    institution = Adhesion.objects.get(utilisateur=referent).institution
    institution.collectivite = Collectivite.objects.get(slug="cd-47")
    institution.save()
    assert client.get(contrat13.get_absolute_url()).status_code == 403
