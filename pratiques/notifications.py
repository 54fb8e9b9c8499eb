"""Les e-mails du circuit des pratiques inspirantes (texte brut, en français)."""

from django.conf import settings
from django.core.mail import send_mail

from core.enums import ROLES_PILOTAGE, Portee


def envoyer(destinataires, sujet, corps):
    destinataires = sorted({d for d in destinataires if d})
    if destinataires:
        send_mail(f"[Pratiques inspirantes] {sujet}", corps, None, destinataires)


def validite():
    jours = settings.PRATIQUES_DUREE_LIEN_REPRISE_JOURS
    return (
        f"Ce lien est valable {jours} jours. Passé ce délai, ouvrez-le quand même : la page vous proposera "
        "d'en recevoir un nouveau à cette adresse, et votre saisie sera toujours là."
    )


def lien_de_reprise(pratique, lien):
    envoyer(
        [pratique.courriel_declarant],
        "Votre déclaration en cours",
        "Bonjour,\n\nVous avez commencé la déclaration d'une pratique inspirante. Votre saisie est enregistrée "
        "à chaque étape : ce lien personnel vous permet de la reprendre, même après avoir fermé "
        f"la page.\n\n{lien}\n\n{validite()}\n\nNe le transmettez pas : il donne accès à votre déclaration.\n",
    )


def accuse_de_depot(pratique):
    envoyer(
        [pratique.courriel_declarant, pratique.contact_courriel],
        f"Déclaration reçue : {pratique.intitule}",
        "Bonjour,\n\nVotre pratique a bien été déposée. Le Département d'implantation va être sollicité pour "
        "donner son accord, puis le comité de sélection l'examinera. Vous serez informé de sa décision.\n",
    )


def representants_du_departement(pratique):
    from core.models import Utilisateur

    return Utilisateur.objects.filter(
        is_active=True,
        adhesions__role__in=ROLES_PILOTAGE,
        adhesions__institution__type__portee=Portee.COLLECTIVITE,
        adhesions__institution__collectivite__departements=pratique.departement_id,
    ).values_list("email", flat=True)


def demande_d_accord(pratique):
    envoyer(
        representants_du_departement(pratique),
        f"Accord demandé : {pratique.intitule}",
        f"Bonjour,\n\n« {pratique.entite} » a déclaré une pratique inspirante mise en œuvre dans votre "
        f"département ({pratique.departement}) : « {pratique.intitule} ».\n\nSa publication dans la bibliothèque "
        "nationale demande l'accord du Département. Connectez-vous à Contrat Enfance, rubrique Pratiques "
        "inspirantes, « Demandes d'accord du Département », pour donner ou refuser votre accord.\n",
    )


def demande_de_complements(pratique, message, lien):
    envoyer(
        [pratique.courriel_declarant],
        f"Compléments demandés : {pratique.intitule}",
        f"Bonjour,\n\nLe comité de sélection a examiné votre pratique « {pratique.intitule} » et vous demande "
        f"des compléments :\n\n{message}\n\nComplétez votre déclaration avec ce lien personnel, puis "
        f"renvoyez-la au comité :\n\n{lien}\n\n{validite()}\n",
    )


def decision(pratique, motif):
    if pratique.statut == "publiee":
        sujet, texte = "Pratique publiée", "a été retenue par le comité de sélection et publiée dans la bibliothèque."
    else:
        sujet, texte = "Pratique non retenue", f"n'a pas été retenue par le comité de sélection. Motif :\n\n{motif}"
    envoyer(
        [pratique.courriel_declarant, pratique.contact_courriel],
        f"{sujet} : {pratique.intitule}",
        f"Bonjour,\n\nVotre pratique « {pratique.intitule} » {texte}\n",
    )
