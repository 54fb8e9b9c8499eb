from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils.html import escape

from contractualisation.forms import FinancementsForm
from contractualisation.models import Financement, SourceFinancement
from contractualisation.services import tableau_financement
from fiches import services
from fiches.enums import TypeExemple
from fiches.models import ExempleIndicateur, Fiche, IndicateurQuantitatif, MontantFiche
from fiches.sections import SECTIONS

from .conftest import connecte

pytestmark = pytest.mark.django_db


def url_section(fiche, nom):
    return reverse("fiches:section_modifier", args=[fiche.pk, nom])


def version(client, fiche, nom):
    reponse = client.get(url_section(fiche, nom))
    assert reponse.status_code == 200
    return reponse.context["version"]["version"].value()


def test_creation_numerote_dans_l_objectif(client, acteurs, contrat13):
    client.force_login(acteurs["contributeur_cd13"])
    oc = contrat13.objectifs_contrat.get(objectif__numero=7)
    for titre in ("Première", "Seconde"):
        reponse = client.post(
            reverse("fiches:nouvelle", args=[contrat13.slug]), {"objectif_contrat": oc.pk, "titre": titre}
        )
        assert reponse.status_code == 302
    fiche = Fiche.objects.get(titre="Seconde")
    assert fiche.numero_complet == "7.2"
    page = client.get(reverse("fiches:liste", args=[contrat13.slug])).content.decode()
    assert "Objectif n° 7 — Fiche action n° 7.2 — Seconde" in page


def test_creation_sans_titre_message_francais(client, acteurs, contrat13):
    client.force_login(acteurs["contributeur_cd13"])
    oc = contrat13.objectifs_contrat.get(objectif__numero=7)
    reponse = client.post(reverse("fiches:nouvelle", args=[contrat13.slug]), {"objectif_contrat": oc.pk})
    assert reponse.status_code == 200
    assert "Ce champ est obligatoire" in reponse.content.decode()


def test_rubrique_texte_enregistree_en_htmx(client, acteurs, fiche13):
    client.force_login(acteurs["contributeur_cd13"])
    v = version(client, fiche13, "constat")
    reponse = client.post(
        url_section(fiche13, "constat"),
        {"rubrique-version": v, "constat-constat": "Peu d'assistants familiaux."},
        HTTP_HX_REQUEST="true",
    )
    assert reponse.status_code == 200
    assert "Rubrique enregistrée" in reponse.content.decode()
    fiche13.refresh_from_db()
    assert fiche13.constat == "Peu d'assistants familiaux."


def test_deux_sessions_la_seconde_est_refusee_et_voit_les_deux_versions(acteurs, fiche13):
    alice, bob = connecte(acteurs["contributeur_cd13"]), connecte(acteurs["referent_cd13"])
    v_alice, v_bob = version(alice, fiche13, "description"), version(bob, fiche13, "description")
    alice.post(
        url_section(fiche13, "description"), {"rubrique-version": v_alice, "description-description": "Texte Alice"}
    )
    reponse = bob.post(
        url_section(fiche13, "description"),
        {"rubrique-version": v_bob, "description-description": "Texte de Bob"},
        HTTP_HX_REQUEST="true",
    )
    page = reponse.content.decode()
    assert "Modification concurrente" in page
    assert "Texte Alice" in page and "Texte de Bob" in page  # la leur et la sienne
    fiche13.refresh_from_db()
    assert fiche13.description == "Texte Alice"
    # Le formulaire réaffiché garde la version ouverte par Bob : un second clic sur « Enregistrer » n'écrase pas.
    assert reponse.context["version"]["version"].value() == v_bob
    bob.post(
        url_section(fiche13, "description"),
        {"rubrique-version": v_bob, "description-description": "Texte Alice\nTexte de Bob"},
    )
    fiche13.refresh_from_db()
    assert fiche13.description == "Texte Alice"
    # Bob fusionne puis choisit de remplacer la version qui vient de lui être montrée : accepté.
    montree = reponse.context["version"].instance_version
    bob.post(
        url_section(fiche13, "description"),
        {
            "rubrique-version": v_bob,
            "rubrique-version_vue": montree,
            "rubrique-remplacer": "1",
            "description-description": "Texte Alice\nTexte de Bob",
        },
    )
    fiche13.refresh_from_db()
    assert fiche13.description == "Texte Alice\nTexte de Bob"


def test_deux_rubriques_differentes_ne_sont_pas_en_conflit(acteurs, fiche13):
    alice, bob = connecte(acteurs["contributeur_cd13"]), connecte(acteurs["referent_cd13"])
    v_alice, v_bob = version(alice, fiche13, "constat"), version(bob, fiche13, "points_vigilance")
    alice.post(url_section(fiche13, "constat"), {"rubrique-version": v_alice, "constat-constat": "A"})
    bob.post(
        url_section(fiche13, "points_vigilance"), {"rubrique-version": v_bob, "points_vigilance-points_vigilance": "B"}
    )
    fiche13.refresh_from_db()
    assert (fiche13.constat, fiche13.points_vigilance) == ("A", "B")


def jeu(prefixe, lignes, existantes=0):
    donnees = {
        f"{prefixe}-TOTAL_FORMS": str(len(lignes)),
        f"{prefixe}-INITIAL_FORMS": str(existantes),
        f"{prefixe}-MIN_NUM_FORMS": "0",
        f"{prefixe}-MAX_NUM_FORMS": "50",
    }
    for i, ligne in enumerate(lignes):
        donnees.update({f"{prefixe}-{i}-{k}": v for k, v in ligne.items()})
    return donnees


def test_montant_invalide_message_a_cote_du_champ_et_saisie_conservee(client, acteurs, fiche13, sources):
    client.force_login(acteurs["contributeur_cd13"])
    v = version(client, fiche13, "moyens")
    reponse = client.post(
        url_section(fiche13, "moyens"),
        {
            "rubrique-version": v,
            **jeu("moyens", [{"annee": "2026", "source": sources["bop304"].pk, "montant": "douze"}]),
        },
        HTTP_HX_REQUEST="true",
    )
    page = reponse.content.decode()
    assert "Saisissez un montant en euros" in page
    assert 'value="douze"' in page
    assert not MontantFiche.objects.exists()


def test_montants_des_fiches_font_le_tableau_du_contrat(client, acteurs, fiche13, sources, contrat13):
    objectif7 = fiche13.objectif_contrat.objectif
    Financement.objects.create(contrat=contrat13, objectif=objectif7, annee=2026, source=sources["bop304"], montant=999)
    client.force_login(acteurs["referent_cd13"])
    cache.clear()
    avant = client.get(contrat13.get_absolute_url()).content.decode()
    assert "999,00" in avant

    client.force_login(acteurs["contributeur_cd13"])
    v = version(client, fiche13, "moyens")
    client.post(
        url_section(fiche13, "moyens"),
        {
            "rubrique-version": v,
            **jeu(
                "moyens",
                [
                    {"annee": "2026", "source": sources["bop304"].pk, "montant": "120 000"},
                    {"annee": "2026", "source": sources["departement"].pk, "montant": "130 000,50"},
                ],
            ),
        },
    )
    autre = services.creer_fiche(contrat13, fiche13.objectif_contrat, titre="Autre")
    MontantFiche.objects.create(fiche=autre, annee=2026, source=sources["bop304"], montant=5000)
    tableau = tableau_financement(contrat13)
    bloc = next(b for b in tableau.blocs if b.objectif == objectif7)
    assert bloc.depuis_fiches
    assert bloc.total == Decimal("255000.50")  # 120 000 + 5 000 + 130 000,50 ; la ligne du contrat ne compte plus

    # La page du contrat (tableau en cache) se met à jour : la version du contrat a changé.
    client.force_login(acteurs["referent_cd13"])
    apres = client.get(contrat13.get_absolute_url()).content.decode()
    assert "999,00" not in apres and "125\u202f000,00" in apres

    # Le formulaire de financement du contrat verrouille l'objectif 7.
    form = FinancementsForm(
        contrat=contrat13,
        objectifs=[objectif7],
        sources=list(sources.values()),
        financements=[],
        externes=services.montants_par_objectif(contrat13),
    )
    assert all(champ.disabled for nom, champ in form.fields.items() if nom.startswith("m_"))
    page = client.get(reverse("contractualisation:financements_modifier", args=[contrat13.slug])).content.decode()
    assert "montants calculés à partir de ses fiches actions" in page


def test_marquer_modifie_appele_quand_les_montants_changent(client, acteurs, fiche13, sources, contrat13):
    contrat13.refresh_from_db()
    avant = contrat13.modifie_le
    client.force_login(acteurs["contributeur_cd13"])
    v = version(client, fiche13, "moyens")
    client.post(
        url_section(fiche13, "moyens"),
        {"rubrique-version": v, **jeu("moyens", [{"annee": "2025", "source": sources["fir"].pk, "montant": "10"}])},
    )
    contrat13.refresh_from_db()
    assert contrat13.modifie_le > avant


def test_indicateur_harmonise_choisi_au_lieu_d_un_intitule(client, acteurs, fiche13):
    from contractualisation.models import IndicateurHarmonise

    harmonise = IndicateurHarmonise.objects.filter(famille__icontains="PMI").first()
    client.force_login(acteurs["contributeur_cd13"])
    v = version(client, fiche13, "indicateurs_quantitatifs")
    client.post(
        url_section(fiche13, "indicateurs_quantitatifs"),
        {
            "rubrique-version": v,
            **jeu(
                "indicateurs_quantitatifs",
                [
                    {
                        "indicateur_harmonise": harmonise.pk,
                        "valeur_reference": "1200",
                        "annee_reference": "2024",
                        "cible_2026": "1500",
                    }
                ],
            ),
        },
    )
    indicateur = IndicateurQuantitatif.objects.get(fiche=fiche13)
    assert indicateur.libelle == harmonise.libelle
    assert indicateur.cibles == {"2026": "1500"}


def test_exemple_insere_en_un_clic(client, acteurs, fiche13):
    exemple = ExempleIndicateur.objects.get(objectif=fiche13.objectif_contrat.objectif, type=TypeExemple.QUALITATIF)
    client.force_login(acteurs["contributeur_cd13"])
    page = client.get(reverse("fiches:fiche", args=[fiche13.pk])).content.decode()
    assert escape(exemple.libelle) in page
    client.post(reverse("fiches:inserer_exemple", args=[fiche13.pk, exemple.pk]), {"confirme": "1"})
    assert fiche13.indicateurs_qualitatifs.get().questions_cles == exemple.questions_cles


def test_exemples_charges_pour_chaque_objectif_du_cycle_et_idempotents():
    from contractualisation.models import Objectif
    from fiches.referentiels import charger_exemples_indicateurs

    nombre = ExempleIndicateur.objects.count()
    charger_exemples_indicateurs()
    assert ExempleIndicateur.objects.count() == nombre
    for objectif in Objectif.objects.filter(cycle__libelle="2025-2027"):
        types = set(objectif.exemples_indicateurs.values_list("type", flat=True))
        assert types == {TypeExemple.QUANTITATIF, TypeExemple.QUALITATIF}, objectif.numero
    assert ExempleIndicateur.objects.filter(libelle="Nombre d'ETP recruté pour l'ADSEAAV").exists()


def test_historique_et_restauration(client, acteurs, fiche13):
    client.force_login(acteurs["contributeur_cd13"])
    for texte in ("Première version", "Seconde version"):
        v = version(client, fiche13, "objectif_operationnel")
        client.post(
            url_section(fiche13, "objectif_operationnel"),
            {"rubrique-version": v, "objectif_operationnel-objectif_operationnel": texte},
        )
    page = client.get(reverse("fiches:historique", args=[fiche13.pk]))
    contenu = page.content.decode()
    assert "Première version → Seconde version" in contenu
    assert acteurs["contributeur_cd13"].get_full_name() in contenu
    evenement = next(
        e for e in page.context["evenements"] if e.changements and e.changements[0].avant == "Première version"
    )
    champ, history_id = evenement.changements[0].restaurer
    client.post(reverse("fiches:restaurer", args=[fiche13.pk]), {"champ": champ, "version": history_id})
    fiche13.refresh_from_db()
    assert fiche13.objectif_operationnel == "Première version"


def test_commentaire_et_reponse(client, acteurs, fiche13):
    client.force_login(acteurs["referent_ars_paca"])
    client.post(reverse("fiches:commenter", args=[fiche13.pk]), {"texte": "Et le lien avec la PMI ?"})
    commentaire = fiche13.commentaires.get()
    client.force_login(acteurs["contributeur_cd13"])
    client.post(
        reverse("fiches:commenter", args=[fiche13.pk]), {"texte": "Prévu en 2026.", "reponse_a": commentaire.pk}
    )
    assert commentaire.reponses.get().auteur == acteurs["contributeur_cd13"]
    page = client.get(reverse("fiches:fiche", args=[fiche13.pk])).content.decode()
    assert "Et le lien avec la PMI ?" in page and "Prévu en 2026." in page


def test_vues_annexes_et_calendrier_sans_reunion(client, acteurs, fiche13):
    client.force_login(acteurs["lecteur_cd13"])
    annexes = client.get(reverse("fiches:annexes", args=[fiche13.pk])).content.decode()
    assert "Aucune réunion d'état d'avancement" in annexes
    calendrier = client.get(reverse("fiches:calendrier", args=[fiche13.pk])).content.decode()
    for titre in ("2025", "2026", "2027", "Acteurs", "Points de vigilance"):
        assert titre in calendrier


def test_calendrier_avec_reunions_fournies(fiche13):
    from datetime import date

    from fiches.exports import colonnes_calendaires
    from fiches.extensions import ReunionFiche

    reunions = [ReunionFiche(1, date(2026, 3, 2), "", ""), ReunionFiche(2, date(2026, 10, 5), "", "")]
    titres = [c.titre for c in colonnes_calendaires([2025, 2026, 2027], reunions)]
    assert titres == ["2025", "2026-R1", "2026-R2", "2027"]


def test_toutes_les_rubriques_ont_un_formulaire(client, acteurs, fiche13):
    client.force_login(acteurs["contributeur_cd13"])
    for nom in SECTIONS:
        assert client.get(url_section(fiche13, nom)).status_code == 200, nom


def test_fiche_abandonnee_ne_finance_plus_son_objectif(client, acteurs, fiche13, sources, contrat13):
    MontantFiche.objects.create(fiche=fiche13, annee=2026, source=sources["bop304"], montant=1000)
    assert fiche13.objectif_contrat.objectif_id in services.montants_par_objectif(contrat13)
    contrat13.refresh_from_db()
    avant = contrat13.modifie_le
    client.force_login(acteurs["contributeur_cd13"])
    v = version(client, fiche13, "identite")
    client.post(
        url_section(fiche13, "identite"),
        {"rubrique-version": v, "identite-titre": fiche13.titre, "identite-statut": "abandonnee"},
    )
    fiche13.refresh_from_db()
    assert fiche13.statut == "abandonnee"
    assert services.montants_par_objectif(contrat13) == {}
    contrat13.refresh_from_db()
    assert contrat13.modifie_le > avant


def test_annuler_rend_la_rubrique_en_lecture(client, acteurs, fiche13):
    client.force_login(acteurs["lecteur_cd13"])
    url = reverse("fiches:section", args=[fiche13.pk, "constat"])
    reponse = client.get(url, HTTP_HX_REQUEST="true")
    assert 'id="rubrique-constat"' in reponse.content.decode()
    assert "Modifier : Constat" not in reponse.content.decode()  # un lecteur ne voit pas le bouton
    assert client.get(url).status_code == 302  # sans JavaScript : retour à la fiche
    assert (
        client.get(reverse("fiches:section", args=[fiche13.pk, "inconnue"]), HTTP_HX_REQUEST="true").status_code == 404
    )


def test_filtres_de_la_liste(client, acteurs, contrat13):
    oc7 = contrat13.objectifs_contrat.get(objectif__numero=7)
    oc1 = contrat13.objectifs_contrat.get(objectif__numero=1)
    services.creer_fiche(contrat13, oc7, titre="Accueil familial", referent=acteurs["referent_cd13"], statut="en_cours")
    services.creer_fiche(contrat13, oc7, titre="Tiers dignes de confiance", action_a_impact=True)
    services.creer_fiche(contrat13, oc1, titre="TISF en périnatalité", description="Accueil des familles")
    client.force_login(acteurs["lecteur_ars_paca"])
    url = reverse("fiches:liste", args=[contrat13.slug])

    def titres(**filtres):
        reponse = client.get(url, filtres)
        return sorted(f.titre for _, fiches in reponse.context["liste"]["groupes"] for f in fiches)

    assert titres(objectif="7") == ["Accueil familial", "Tiers dignes de confiance"]
    assert titres(referent=acteurs["referent_cd13"].pk) == ["Accueil familial"]
    assert titres(statut="en_cours") == ["Accueil familial"]
    assert titres(impact="on") == ["Tiers dignes de confiance"]
    assert titres(q="accueil") == ["Accueil familial", "TISF en périnatalité"]
    MontantFiche.objects.create(
        fiche=Fiche.objects.get(titre="Accueil familial"),
        annee=2026,
        source=SourceFinancement.objects.first(),
        montant=Decimal("1500"),
    )
    assert "moyens prévus : 1\u202f500,00" in client.get(url).content.decode()
    assert "Aucune fiche action ne correspond" in client.get(url, {"q": "introuvable"}).content.decode()
    assert "Nouvelle fiche action" not in client.get(url).content.decode()  # lecteur : pas de création


def test_conflit_sur_une_rubrique_structuree(acteurs, fiche13):
    alice, bob = connecte(acteurs["contributeur_cd13"]), connecte(acteurs["referent_cd13"])
    v_alice, v_bob = version(alice, fiche13, "calendrier"), version(bob, fiche13, "calendrier")
    alice.post(
        url_section(fiche13, "calendrier"),
        {"rubrique-version": v_alice, **jeu("calendrier", [{"date": "2026-01-05", "libelle": "Jalon Alice"}])},
    )
    reponse = bob.post(
        url_section(fiche13, "calendrier"),
        {"rubrique-version": v_bob, **jeu("calendrier", [{"date": "2026-02-01", "libelle": "Jalon Bob"}])},
        HTTP_HX_REQUEST="true",
    )
    page = reponse.content.decode()
    assert "Modification concurrente" in page and "Jalon Alice" in page and 'value="Jalon Bob"' in page
    assert list(fiche13.jalons.values_list("libelle", flat=True)) == ["Jalon Alice"]
