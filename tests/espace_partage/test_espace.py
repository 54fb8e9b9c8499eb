from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from contractualisation.models import Objectif
from core import tasks as taches_core
from core.enums import Analyse
from core.perimetre import Perimetre
from espace_partage import services, tasks
from espace_partage.enums import Section
from espace_partage.models import Actualite, PreferenceResume, Ressource, VersionFichier

from .conftest import PDF, espace_departement, espace_national, fichiers_stockes, pdf, ressource

pytestmark = pytest.mark.django_db


def test_depot_d_un_fichier_puis_telechargement(client, acteurs, media):
    client.force_login(acteurs["contributeur_cd13"])
    espace = espace_departement("13")
    objectif = Objectif.objects.filter(cycle__ouvert=True).first()
    reponse = client.post(
        reverse("espace_partage:ajouter", args=[espace.pk]),
        {
            "titre": "Trame de projet pour enfant",
            "resume": "La trame utilisée par nos équipes ASE.",
            "section": "modeles",
            "objectifs": [objectif.pk],
            "themes": "PPE, ASE , ppe",
            "fichier": pdf("Trame PPE.pdf"),
        },
    )
    r = Ressource.objects.get()
    assert reponse.status_code == 302 and reponse["Location"] == r.get_absolute_url()
    assert r.auteur == acteurs["contributeur_cd13"] and r.institution.nom == "CD 13"
    assert sorted(t.libelle for t in r.themes.all()) == ["ASE", "PPE"]
    assert list(r.objectifs.all()) == [objectif]
    version = r.versions.get()
    assert version.analyse == Analyse.NON_ANALYSE  # pas d'antivirus configuré dans les tests
    stocke = fichiers_stockes(media)
    assert len(stocke) == 1 and "Trame" not in stocke[0].name and stocke[0].name == version.fichier.name.split("/")[-1]

    page = client.get(r.get_absolute_url()).content.decode()
    assert "Télécharger Trame PPE.pdf" in page and "Non analysé" in page and "Objectif n° " in page

    client.force_login(acteurs["lecteur_ars_paca"])
    reponse = client.get(version.get_absolute_url())
    assert reponse.status_code == 200
    assert b"".join(reponse.streaming_content) == PDF
    assert reponse["Content-Disposition"] == 'attachment; filename="Trame PPE.pdf"'
    assert reponse["X-Content-Type-Options"] == "nosniff"
    assert reponse["Content-Type"] == "application/pdf"


def test_derriere_nginx_le_fichier_est_servi_par_x_accel_redirect(client, acteurs, settings):
    settings.FICHIERS_X_ACCEL_PREFIXE = "/fichiers-proteges/"
    version = ressource(espace_departement("13"), acteurs["contributeur_cd13"]).versions.get()
    client.force_login(acteurs["lecteur_cd13"])
    reponse = client.get(version.get_absolute_url())
    assert reponse["X-Accel-Redirect"] == f"/fichiers-proteges/{version.fichier.name}"
    assert reponse["Content-Disposition"] == 'attachment; filename="guide.pdf"'
    assert reponse.content == b""


def test_le_resume_est_limite_cote_serveur(client, acteurs):
    client.force_login(acteurs["contributeur_cd13"])
    reponse = client.post(
        reverse("espace_partage:ajouter", args=[espace_departement("13").pk]),
        {"titre": "Long", "resume": "x" * 401, "section": "modeles", "lien": "https://exemple.fr"},
    )
    assert reponse.context["form"].errors["resume"] == ["Le résumé tient en 400 caractères au plus (il en fait 401)."]
    assert not Ressource.objects.exists()


def test_un_fichier_ou_un_lien(client, acteurs):
    client.force_login(acteurs["contributeur_cd13"])
    url = reverse("espace_partage:ajouter", args=[espace_departement("13").pk])
    reponse = client.post(url, {"titre": "Rien", "resume": "Vide", "section": "outils"})
    assert reponse.context["form"].errors["fichier"] == ["Joignez un fichier ou indiquez un lien."]
    reponse = client.post(url, {"titre": "Lien", "resume": "Un site", "section": "outils", "lien": "https://onpe.fr"})
    assert reponse.status_code == 302
    assert Ressource.objects.get().lien == "https://onpe.fr"


def test_une_nouvelle_version_garde_les_anciennes(client, acteurs):
    r = ressource(espace_departement("13"), acteurs["contributeur_cd13"])
    client.force_login(acteurs["contributeur_cd13"])
    v2 = PDF.replace(b"Catalog", b"Catalog /V 2")
    reponse = client.post(reverse("espace_partage:nouvelle_version", args=[r.pk]), {"fichier": pdf("guide-v2.pdf", v2)})
    assert reponse.status_code == 302
    v1, deux = r.versions.order_by("numero")
    assert (v1.numero, deux.numero) == (1, 2)
    assert b"".join(client.get(v1.get_absolute_url()).streaming_content) == PDF
    assert b"".join(client.get(deux.get_absolute_url()).streaming_content) == v2
    page = client.get(r.get_absolute_url()).content.decode()
    assert "guide-v2.pdf (version 2)" in page and "Télécharger guide.pdf" in page


def test_la_ressource_mise_en_avant_passe_en_tete_puis_les_plus_recentes(client, acteurs):
    espace = espace_departement("13")
    ancienne = ressource(espace, acteurs["contributeur_cd13"], titre="Ancienne méthode")
    Ressource.objects.filter(pk=ancienne.pk).update(cree_le=timezone.now() - timedelta(days=30))
    ressource(espace, acteurs["contributeur_cd13"], titre="Méthode récente")
    client.force_login(acteurs["referent_cd13"])
    titres = lambda: [r.titre for r in client.get(espace.get_absolute_url()).context["page"].object_list]  # noqa: E731
    assert titres() == ["Méthode récente", "Ancienne méthode"]
    client.post(reverse("espace_partage:mettre_en_avant", args=[ancienne.pk]))
    assert titres() == ["Ancienne méthode", "Méthode récente"]
    assert "Mise en avant du trimestre" in client.get(espace.get_absolute_url()).content.decode()
    # Une seule mise en avant par espace et par trimestre.
    recente = Ressource.objects.get(titre="Méthode récente")
    client.post(reverse("espace_partage:mettre_en_avant", args=[recente.pk]))
    assert Ressource.objects.filter(mise_en_avant_le__isnull=False).get() == recente


def test_archiver_deplacer_et_publier_une_actualite(client, acteurs):
    espace = espace_departement("13")
    r = ressource(espace, acteurs["contributeur_cd13"])
    client.force_login(acteurs["referent_cd13"])
    client.post(reverse("espace_partage:archiver", args=[r.pk]))
    assert list(client.get(espace.get_absolute_url()).context["page"].object_list) == []
    assert r.titre in client.get(reverse("espace_partage:archives", args=[espace.pk])).content.decode()
    client.post(reverse("espace_partage:archiver", args=[r.pk]), {"restaurer": "1"})

    url = reverse("espace_partage:deplacer", args=[r.pk])
    version = client.get(url).context["form"]["version"].value()
    reponse = client.post(url, {"espace": espace.pk, "section": Section.OUTILS, "version": version})
    assert reponse.status_code == 302
    assert Ressource.objects.get().section == Section.OUTILS
    # Deuxième envoi avec la version lue avant le premier déplacement : refusé, pas écrasé.
    reponse = client.post(url, {"espace": espace.pk, "section": Section.RETOURS, "version": version})
    assert "modifiée par quelqu&#x27;un d&#x27;autre" in reponse.content.decode()
    assert Ressource.objects.get().section == Section.OUTILS

    client.post(
        reverse("espace_partage:actualite", args=[espace.pk]), {"titre": "Comité le 12 mars", "texte": "Ordre du jour…"}
    )
    assert "Comité le 12 mars" in client.get(espace.get_absolute_url()).content.decode()


def test_un_animateur_ne_deplace_pas_vers_un_espace_qu_il_n_anime_pas(client, acteurs):
    r = ressource(espace_departement("13"), acteurs["contributeur_cd13"])
    client.force_login(acteurs["referent_cd13"])
    url = reverse("espace_partage:deplacer", args=[r.pk])
    version = client.get(url).context["form"]["version"].value()
    reponse = client.post(url, {"espace": espace_national().pk, "section": Section.OUTILS, "version": version})
    assert "espace" in reponse.context["form"].errors
    assert Ressource.objects.get().espace == espace_departement("13")


def test_commenter(client, acteurs):
    r = ressource(espace_departement("13"), acteurs["contributeur_cd13"])
    client.force_login(acteurs["contributeur_ddets13"])
    client.post(r.get_absolute_url(), {"texte": "Nous l'avons adaptée aux visites en binôme."})
    assert "adaptée aux visites en binôme" in client.get(r.get_absolute_url()).content.decode()
    client.force_login(acteurs["lecteur_cd13"])
    assert client.post(r.get_absolute_url(), {"texte": "Lecteur"}).status_code == 403


def test_inviter_une_personne_d_une_autre_institution(client, acteurs):
    espace = espace_departement("13")
    client.force_login(acteurs["referent_cd13"])
    url = reverse("espace_partage:inviter", args=[espace.pk])
    reponse = client.post(url, {"email": "inconnu@exemple.fr"})
    assert "Aucun compte actif" in reponse.content.decode()
    client.post(url, {"email": acteurs["association"].email})
    client.force_login(acteurs["association"])
    assert client.get(espace.get_absolute_url()).status_code == 200
    client.force_login(acteurs["referent_cd13"])
    client.post(url, {"retirer": acteurs["association"].pk})
    client.force_login(acteurs["association"])
    assert client.get(espace.get_absolute_url()).status_code == 403


def test_deplacer_vers_un_autre_espace_retire_la_mise_en_avant(acteurs):
    r = ressource(espace_departement("13"), acteurs["contributeur_cd13"])
    services.mettre_en_avant(r)
    services.deplacer(r, espace=espace_national(), section=Section.OUTILS)
    r.refresh_from_db()
    assert r.espace == espace_national() and r.mise_en_avant_le is None


def test_avec_clamav_un_fichier_sain_devient_telechargeable(client, acteurs, clamd, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as analyses:
        r = ressource(espace_departement("13"), acteurs["contributeur_cd13"])
    version = r.versions.get()
    assert len(analyses) == 1 and version.analyse == Analyse.EN_ATTENTE
    taches_core.analyser_fichier("espace_partage.versionfichier", version.pk)  # ce que fait le worker Celery
    version.refresh_from_db()
    assert version.analyse == Analyse.SAIN
    client.force_login(acteurs["lecteur_cd13"])
    assert client.get(version.get_absolute_url()).status_code == 200


def test_avec_clamav_un_virus_est_supprime_et_jamais_telechargeable(
    client, acteurs, clamd, media, django_capture_on_commit_callbacks
):
    eicar = PDF + b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
    with django_capture_on_commit_callbacks():
        r = services.deposer_ressource(
            espace_departement("13"),
            acteurs["contributeur_cd13"],
            section="modeles",
            titre="Piégé",
            resume="Virus",
            fichier=pdf("piege.pdf", eicar),
        )
    version = r.versions.get()
    client.force_login(acteurs["contributeur_cd13"])
    assert version.analyse == Analyse.EN_ATTENTE
    assert client.get(version.get_absolute_url()).status_code == 404  # pas avant la fin de l'analyse
    taches_core.analyser_fichier("espace_partage.versionfichier", version.pk)
    version.refresh_from_db()
    assert version.analyse == Analyse.INFECTE and not version.fichier
    assert fichiers_stockes(media) == []
    assert client.get(version.get_absolute_url()).status_code == 404
    assert "Virus détecté" in client.get(r.get_absolute_url()).content.decode()


def test_clamav_injoignable_bloque_le_fichier(acteurs, settings):
    settings.CLAMD_HOST, settings.CLAMD_PORT, settings.CLAMD_TIMEOUT = "127.0.0.1", 9, 1
    r = ressource(espace_departement("13"), acteurs["contributeur_cd13"])
    taches_core.analyser_fichier("espace_partage.versionfichier", r.versions.get().pk)
    assert r.versions.get().analyse == Analyse.ERREUR


def test_l_admin_signale_l_antivirus_non_configure(client, acteurs):
    from core.models import Utilisateur

    admin = Utilisateur.objects.create_superuser("tech@test.gouv.fr", "Mot-de-passe-tres-long-1")
    client.force_login(admin)
    reponse = client.get("/admin-technique/espace_partage/versionfichier/")
    assert "antivirus n&#x27;est pas configuré" in reponse.content.decode()


def test_resume_par_e_mail_aux_abonnes_seulement(acteurs):
    ressource(espace_departement("13"), acteurs["contributeur_cd13"], titre="Nouveau protocole 13")
    ressource(espace_departement("47"), acteurs["referent_cd47"], titre="Nouveau protocole 47")
    Actualite.objects.create(espace=espace_national(), titre="Séminaire national", texte="Le 3 juin.")
    PreferenceResume.objects.create(utilisateur=acteurs["lecteur_cd13"], actif=True)
    PreferenceResume.objects.create(utilisateur=acteurs["lecteur_ars_paca"], actif=False)
    assert tasks.envoyer_resumes() == 1
    (message,) = mail.outbox
    assert message.to == [acteurs["lecteur_cd13"].email]
    assert "Nouveau protocole 13" in message.body and "Séminaire national" in message.body
    assert "Nouveau protocole 47" not in message.body
    assert "http://127.0.0.1:8000/espace-partage/" in message.body
    assert tasks.envoyer_resumes() == 0  # rien de neuf depuis le dernier envoi


def test_s_abonner_au_resume(client, acteurs):
    client.force_login(acteurs["lecteur_cd13"])
    client.post(reverse("espace_partage:preference_resume"), {"actif": "on"})
    assert PreferenceResume.objects.get(utilisateur=acteurs["lecteur_cd13"]).actif
    client.post(reverse("espace_partage:preference_resume"), {})
    assert not PreferenceResume.objects.get(utilisateur=acteurs["lecteur_cd13"]).actif


def test_joindre_une_ressource_a_un_objet_d_une_autre_application(acteurs, contrat13, contrat47):
    r = ressource(espace_departement("13"), acteurs["contributeur_cd13"])
    services.joindre(r, contrat13, acteurs["referent_cd13"])
    services.joindre(r, contrat13, acteurs["referent_cd13"])  # idempotent
    assert list(services.pieces_jointes(contrat13, acteurs["lecteur_cd13"])) == [r]
    assert list(services.pieces_jointes(contrat13, acteurs["referent_cd47"])) == []
    assert r.pieces_jointes.get().type_objet == ContentType.objects.get_for_model(contrat13)
    with pytest.raises(PermissionDenied):
        services.joindre(r, contrat47, acteurs["referent_cd47"])


def test_le_fragment_de_choix_liste_les_ressources_visibles(client, acteurs):
    ressource(espace_departement("13"), acteurs["contributeur_cd13"], titre="Charte des visites")
    client.force_login(acteurs["lecteur_cd13"])
    page = client.get(reverse("espace_partage:choisir"), {"q": "charte"}).content.decode()
    assert 'name="ressource"' in page and "Charte des visites" in page


@pytest.mark.parametrize("rubrique", ["", "methodes"])
def test_page_d_espace_nombre_de_requetes_constant_avec_500_ressources(
    client, acteurs, django_assert_num_queries, rubrique
):
    espace = espace_departement("13")
    auteur = acteurs["contributeur_cd13"]
    objectif = Objectif.objects.filter(cycle__ouvert=True).first()
    ressources = Ressource.objects.bulk_create(
        Ressource(
            espace=espace,
            section=Section.values[i % 4],
            titre=f"Ressource {i}",
            resume="Résumé",
            auteur=auteur,
            institution=auteur.institutions.first(),
            lien="" if i % 2 else "https://exemple.fr",
        )
        for i in range(500)
    )
    VersionFichier.objects.bulk_create(
        VersionFichier(
            ressource=r,
            numero=1,
            fichier="espace_partage/x",
            nom_original="a.pdf",
            taille=3,
            type_mime="a",
            empreinte="",
        )
        for r in ressources[1::2]
    )
    Ressource.objectifs.through.objects.bulk_create(
        Ressource.objectifs.through(ressource=r, objectif=objectif) for r in ressources
    )
    services.mettre_en_avant(ressources[42])
    client.force_login(acteurs["lecteur_cd13"])
    url = espace.get_absolute_url() + (f"?rubrique={rubrique}" if rubrique else "")
    # session (lecture, mise à jour), utilisateur, espace, adhésions, départements du territoire, droits (voit,
    # anime, invité), comptes par rubrique, pagination (compte, page), objectifs, thèmes, versions, actualités…
    with django_assert_num_queries(18):
        reponse = client.get(url)
    assert len(reponse.context["page"].object_list) == 25
    if not rubrique:
        assert reponse.context["page"].object_list[0] == ressources[42]
    with django_assert_num_queries(17):
        client.get(url + ("&" if rubrique else "?") + "page=3")


def test_volume_national_quelques_ressources_par_departement(media):
    import random

    from demo.volumetrie import creer_contrats
    from espace_partage.volumetrie import peupler_volume

    contrats = creer_contrats(6, 7)
    peupler_volume(contrats, random.Random(8))
    departements = {d.pk for c in contrats for d in c.collectivite.departements.all()}
    assert Ressource.objects.filter(espace__departement__in=departements).count() >= 2 * len(departements)
    assert Ressource.objects.exclude(auteur__email__endswith="@volume.gouv.fr").count() == 0
    avec_fichier = Ressource.objects.filter(lien="")
    assert avec_fichier.exists() and VersionFichier.objects.count() == avec_fichier.count()
    assert len(fichiers_stockes(media)) == avec_fichier.count()


def test_modifier_une_ressource_et_modification_concurrente_refusee(client, acteurs):
    r = ressource(espace_departement("13"), acteurs["contributeur_cd13"])
    url = reverse("espace_partage:modifier", args=[r.pk])
    client.force_login(acteurs["contributeur_cd13"])
    version = client.get(url).context["form"]["version"].value()
    donnees = {"titre": "Guide révisé", "resume": "Nouveau résumé.", "themes": "VAD", "version": version}
    assert client.post(url, donnees).status_code == 302
    r.refresh_from_db()
    assert r.titre == "Guide révisé" and [t.libelle for t in r.themes.all()] == ["VAD"]
    # Une deuxième personne avait ouvert la page avant : son enregistrement est refusé, sa saisie conservée.
    client.force_login(acteurs["referent_cd13"])
    reponse = client.post(url, {**donnees, "titre": "Titre de l'animatrice"})
    assert "modifiée par quelqu&#x27;un d&#x27;autre" in reponse.content.decode()
    assert "Titre de l&#x27;animatrice" in reponse.content.decode()
    r.refresh_from_db()
    assert r.titre == "Guide révisé"
    client.force_login(acteurs["contributeur_ddets13"])
    assert client.get(url).status_code == 403


def test_page_ressource_nombre_de_requetes_constant(client, acteurs, django_assert_num_queries):
    r = ressource(espace_departement("13"), acteurs["contributeur_cd13"])
    client.force_login(acteurs["referent_cd13"])
    Perimetre.de(acteurs["referent_cd13"])  # périmètre en cache, comme après la première page de la session
    with django_assert_num_queries(13) as requetes:
        client.get(r.get_absolute_url())
    for i in range(5):
        services.ajouter_version(r, acteurs["contributeur_cd13"], pdf(f"v{i}.pdf"))
        services.commenter(r, acteurs["contributeur_ddets13"], f"Retour {i}")
        r.themes.create(libelle=f"Thème {i}")
    with django_assert_num_queries(len(requetes)):
        client.get(r.get_absolute_url())


def test_accueil_nombre_de_requetes_constant(client, acteurs, django_assert_num_queries):
    client.force_login(acteurs["lecteur_dgcs"])
    Perimetre.de(acteurs["lecteur_dgcs"])  # périmètre en cache, comme après la première page de la session
    ressource(espace_departement("13"), acteurs["contributeur_cd13"])
    # Sans cache : les deux listes sont lues ; le même compte avec dix ressources de plus (nouvelle clé).
    with django_assert_num_queries(13) as requetes:
        client.get(reverse("espace_partage:accueil"))
    for i in range(10):
        ressource(espace_departement("47"), acteurs["referent_cd47"], titre=f"Ressource {i}")
    with django_assert_num_queries(len(requetes)):
        client.get(reverse("espace_partage:accueil"))


def test_filtrer_l_espace_par_objectif_ou_theme(client, acteurs):
    espace = espace_departement("13")
    objectif = Objectif.objects.filter(cycle__ouvert=True, numero=4).get()
    crip = ressource(espace, acteurs["contributeur_cd13"], titre="Circuit CRIP", objectifs=[objectif], themes=["CRIP"])
    ressource(espace, acteurs["contributeur_cd13"], titre="Autre sujet")
    client.force_login(acteurs["lecteur_cd13"])
    page = client.get(espace.get_absolute_url(), {"objectif": objectif.pk})
    assert [r.titre for r in page.context["page"].object_list] == ["Circuit CRIP"]
    assert "Ressources sur « objectif n° 4 » seulement" in page.content.decode()
    theme = crip.themes.get()
    page = client.get(espace.get_absolute_url(), {"theme": theme.pk})
    assert [r.titre for r in page.context["page"].object_list] == ["Circuit CRIP"]
    assert client.get(espace.get_absolute_url(), {"theme": 999999}).status_code == 404


def test_etiquette_pieces_jointes_pour_les_autres_applications(rf, acteurs, contrat13):
    from django.template import Context, Template

    r = ressource(espace_departement("13"), acteurs["contributeur_cd13"], titre="Charte jointe")
    services.joindre(r, contrat13, acteurs["referent_cd13"])
    gabarit = Template("{% load espace_partage %}{% pieces_jointes objet %}")
    requete = rf.get("/")
    requete.user = acteurs["lecteur_cd13"]
    assert "Charte jointe" in gabarit.render(Context({"request": requete, "objet": contrat13}))
    requete.user = acteurs["referent_cd47"]
    assert "Aucune ressource" in gabarit.render(Context({"request": requete, "objet": contrat13}))
