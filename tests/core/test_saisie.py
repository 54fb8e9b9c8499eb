"""Rien de ce qui est tapé n'est perdu : chaque texte libre a une limite (core/limites.py), vérifiée par le serveur ;
un texte trop long (limite + 1 caractère) ou qui contient un caractère NUL est refusé avec un message en français
sous le champ, et le formulaire revient avec le texte. La limite est annoncée dans l'aide et rendue en `maxlength`
(compteur en direct : static/js/compteur.js, vérifié dans tests/navigateur/test_parcours_saisie.py)."""

import re
from datetime import date, timedelta

import pytest
from django import forms
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from contractualisation.enums import StatutContrat
from core.limites import COMMENTAIRE, COURT, LONG, MOYEN, LimitesMixin, aide, longueur, nombre, verifier
from core.referentiels import GROUPE_COMITE_SELECTION
from espace_partage.services import creer_espaces, deposer_ressource
from fiches import services as fiches
from fiches.models import Commentaire, Fiche
from pratiques.enums import StatutPratique
from rapports import services as rapports
from suivi import services as suivi
from suivi.models import Decision, Releve
from tests.pratiques.conftest import pratique as une_pratique
from tests.suivi import fabriques

pytestmark = pytest.mark.django_db


# --- Le mécanisme ----------------------------------------------------------------------------------------


class Exemple(LimitesMixin, forms.Form):
    limites = {"rubrique": LONG}
    sujets = {"avis": "Votre avis"}
    rubrique = forms.CharField(widget=forms.Textarea, required=False)
    avis = forms.CharField(widget=forms.Textarea, required=False, help_text="Soyez bref.")
    decision = forms.CharField(widget=forms.Textarea, required=False, max_length=2000)
    titre = forms.CharField(required=False, max_length=150)


def test_limites_par_sorte_de_texte():
    assert (LONG, MOYEN, COMMENTAIRE, COURT) == (20_000, 10_000, 5_000, 1_000)
    form = Exemple()
    assert form.fields["rubrique"].max_length == LONG
    assert form.fields["avis"].max_length == COMMENTAIRE  # une zone de texte non classée
    assert form.fields["decision"].max_length == 2000  # une limite plus serrée reste la sienne
    assert form.fields["titre"].max_length == 150  # une ligne garde la limite de son modèle, sans compteur
    assert form.fields["avis"].help_text == "Soyez bref. 5\u202f000 caractères au plus."
    html = str(form["rubrique"])
    assert 'maxlength="20000"' in html and 'data-compteur="20000"' in html
    assert "data-compteur" not in str(form["titre"])


def test_message_en_clair_et_retours_a_la_ligne_comptes_pour_un():
    form = Exemple({"avis": "x" * 5214})
    assert form.errors["avis"] == ["Votre avis compte 5\u202f214 caractères ; la limite est de 5\u202f000."]
    # Le navigateur envoie « \r\n » : un texte de 5 000 caractères au compteur n'est pas refusé par le serveur.
    texte = ("y" * 99 + "\r\n") * 50
    assert longueur(texte) == 5000 and len(texte) == 5050
    assert Exemple({"avis": texte}).is_valid()
    assert Exemple({"avis": texte + "z"}).errors["avis"] == [
        "Votre avis compte 5\u202f001 caractères ; la limite est de 5\u202f000."
    ]


def test_caractere_nul_refuse_en_francais():
    form = Exemple({"avis": "Bonjour\x00", "titre": "Titre\x00"})
    for champ in ("avis", "titre"):
        assert form.errors[champ] == [
            "Le texte contient un caractère invalide (NUL), invisible, venu en général d'un copier-coller depuis un "
            "autre logiciel ; il apparaît ci-dessous sous la forme « \ufffd » : supprimez-le, puis enregistrez à "
            "nouveau."
        ]


def test_verification_d_un_service():
    verifier("x" * 5000, COMMENTAIRE)
    with pytest.raises(ValidationError) as erreur:
        verifier("x" * 5001, COMMENTAIRE, "texte")
    assert erreur.value.message_dict == {
        "texte": ["Le texte compte 5\u202f001 caractères ; la limite est de 5\u202f000."]
    }
    with pytest.raises(ValidationError) as erreur:
        verifier("a\x00", COMMENTAIRE)
    assert "(NUL)" in erreur.value.messages[0]
    assert nombre(1234567) == "1\u202f234\u202f567"


# --- Chaque formulaire à texte libre : limite + 1 refusée, message sous le champ, texte gardé ------------------


def texte_de(n):
    """Un texte reconnaissable de `n` caractères."""
    debut = "Texte tapé à garder. "
    return debut + "x" * (n - len(debut))


def message_sous_le_champ(html, nom, message):
    """Le champ `nom` est marqué en erreur et le message suit le champ, avant le champ suivant."""
    position = html.index(f'name="{nom}"')
    balise = html[html.rfind("<", 0, position) : html.index(">", position)]
    assert 'aria-invalid="true"' in balise, nom
    fin = html.find("<label", position)
    return message in html[position : fin if fin > 0 else len(html)]


def connecte(client, user):
    client.force_login(user)
    return client


def version_de(client, url, nom="version", cle="form"):
    return client.get(url).context[cle][nom].value()


def cas_rubrique(champ):
    def preparer(client, acteurs, contrat13):
        fiche = fiche_de(contrat13, acteurs)
        connecte(client, acteurs["contributeur_cd13"])
        url = reverse("fiches:section_modifier", args=[fiche.pk, champ])
        version = version_de(client, url, cle="version")
        return url, {"rubrique-version": version}, f"{champ}-{champ}", LONG, "Le texte"

    return preparer


def fiche_de(contrat13, acteurs):
    oc = contrat13.objectifs_contrat.get(objectif__numero=7)
    return fiches.creer_fiche(contrat13, oc, titre="Accueil familial", referent=acteurs["contributeur_cd13"])


def cas_commentaire(client, acteurs, contrat13):
    fiche = fiche_de(contrat13, acteurs)
    connecte(client, acteurs["contributeur_cd13"])
    return reverse("fiches:commenter", args=[fiche.pk]), {}, "texte", COMMENTAIRE, "Votre commentaire"


def cas_reponse(client, acteurs, contrat13):
    fiche = fiche_de(contrat13, acteurs)
    avis = Commentaire.objects.create(fiche=fiche, auteur=acteurs["referent_cd13"], texte="Premier avis")
    connecte(client, acteurs["contributeur_cd13"])
    url = reverse("fiches:commenter", args=[fiche.pk])
    return url, {"reponse_a": avis.pk}, "texte", COMMENTAIRE, "Votre réponse"


def cas_questions_cles(client, acteurs, contrat13):
    fiche = fiche_de(contrat13, acteurs)
    connecte(client, acteurs["contributeur_cd13"])
    url = reverse("fiches:section_modifier", args=[fiche.pk, "indicateurs_qualitatifs"])
    p = "indicateurs_qualitatifs"
    donnees = {
        "rubrique-version": version_de(client, url, cle="version"),
        f"{p}-TOTAL_FORMS": "1",
        f"{p}-INITIAL_FORMS": "0",
        f"{p}-MIN_NUM_FORMS": "0",
        f"{p}-MAX_NUM_FORMS": "50",
        f"{p}-0-libelle": "Continuité du parcours",
    }
    return url, donnees, f"{p}-0-questions_cles", COURT, "Le texte"


def cas_avenant(client, acteurs, contrat13):
    connecte(client, acteurs["referent_cd13"])
    url = reverse("contractualisation:avenant_ajouter", args=[contrat13.slug])
    return url, {"numero": "1", "date": "2026-03-02"}, "objet", COMMENTAIRE, "Le texte"


def cas_participants_externes(client, acteurs, contrat13):
    fiche = fabriques.fiche(contrat13)
    connecte(client, acteurs["referent_cd13"])
    donnees = {
        "type": "bilan_qualitatif",
        "jour": (timezone.localdate() + timedelta(days=10)).isoformat(),
        "heure": "14:00",
        "duree_minutes": "120",
        "lieu": "Salle 3",
        "fiches": [fiche.pk],
    }
    return reverse("suivi:reunion_creer", args=[contrat13.slug]), donnees, "externes", COMMENTAIRE, "Le texte"


def reunion_de(contrat13, acteurs, jours=0):
    reunion = fabriques.reunion(contrat13, acteurs["referent_cd13"], [fabriques.fiche(contrat13)], jours=jours)
    return reunion, reunion.points.get()


def cas_point(champ):
    def preparer(client, acteurs, contrat13):
        reunion, point = reunion_de(contrat13, acteurs)
        connecte(client, acteurs["referent_cd13"])
        url = reverse("suivi:point_enregistrer", args=[reunion.pk, point.pk])
        autre = "axes_amelioration" if champ == "elements_positifs" else "elements_positifs"
        donnees = {f"p{point.pk}-version": point.modifie_le.isoformat(), f"p{point.pk}-{autre}": ""}
        return url, donnees, f"p{point.pk}-{champ}", MOYEN, "Le texte"

    return preparer


def cas_decision(client, acteurs, contrat13):
    reunion, point = reunion_de(contrat13, acteurs)
    connecte(client, acteurs["referent_cd13"])
    url = reverse("suivi:decision_ajouter", args=[reunion.pk, point.pk])
    return url, {}, f"d{point.pk}-libelle", 2000, "Le texte"


def cas_rectificatif(client, acteurs, contrat13):
    reunion, _ = reunion_de(contrat13, acteurs, jours=-1)
    suivi.valider_compte_rendu(reunion, acteurs["referent_cd13"])
    connecte(client, acteurs["referent_cd13"])
    return reverse("suivi:rectificatif_ajouter", args=[reunion.pk]), {}, "texte", COMMENTAIRE, "Le texte"


def cas_releve(champ):
    def preparer(client, acteurs, contrat13):
        fiche = fabriques.fiche(contrat13)
        indicateur = fabriques.indicateur_qualitatif(fiche)
        connecte(client, acteurs["referent_cd13"])
        donnees = {
            "indicateur": indicateur.pk,
            "date_observation": "2026-02-10",
            "situation": "Visite à domicile",
            "faits": "Des faits.",
        }
        return reverse("suivi:releve_creer", args=[fiche.pk]), donnees, champ, MOYEN, "Le texte"

    return preparer


def rapport_de(contrat13, acteurs):
    contrat13.statut = StatutContrat.SIGNE
    contrat13.date_signature = date(2025, 9, 22)
    contrat13.save()
    return rapports.ouvrir_rapport(contrat13, 2025, acteurs["referent_cd13"])


def cas_redaction(champ):
    def preparer(client, acteurs, contrat13):
        rapport_de(contrat13, acteurs)
        connecte(client, acteurs["referent_cd13"])
        url = reverse("rapports:rediger", args=[contrat13.slug, 2025])
        autre = "perspectives" if champ == "synthese_globale" else "synthese_globale"
        return url, {"version": version_de(client, url), autre: ""}, champ, LONG, "Le texte"

    return preparer


def cas_etape_du_rapport(client, acteurs, contrat13):
    rapport_de(contrat13, acteurs)
    connecte(client, acteurs["referent_cd13"])
    url = reverse("rapports:etape", args=[contrat13.slug, 2025])
    version = client.get(url).context["form"]["version"].value()  # concurrence optimiste : l'étape lue
    return url, {"date": "2026-05-01", "version": version}, "commentaire", COMMENTAIRE, "Le texte"


def espace13():
    from espace_partage.models import Espace

    creer_espaces()
    return Espace.objects.get(niveau="departemental", departement__code="13")


def cas_retour_d_experience(client, acteurs, contrat13):
    ressource = deposer_ressource(
        espace13(),
        acteurs["contributeur_cd13"],
        titre="Guide",
        resume="Un guide.",
        section="methodes",
        lien="https://exemple.fr",
        fichier=None,
    )
    connecte(client, acteurs["contributeur_ddets13"])
    return ressource.get_absolute_url(), {}, "texte", 2000, "Votre retour d&#x27;expérience"


def cas_actualite(client, acteurs, contrat13):
    espace = espace13()
    connecte(client, acteurs["referent_cd13"])
    return reverse("espace_partage:actualite", args=[espace.pk]), {"titre": "Comité"}, "texte", 600, "Le texte"


def cas_resume_de_ressource(client, acteurs, contrat13):
    espace = espace13()
    connecte(client, acteurs["contributeur_cd13"])
    donnees = {"titre": "Guide", "section": "methodes", "lien": "https://exemple.fr"}
    return reverse("espace_partage:ajouter", args=[espace.pk]), donnees, "resume", 400, None


def membre_du_comite(acteurs):
    membre = acteurs["association"]
    Group.objects.get(name=GROUPE_COMITE_SELECTION).user_set.add(membre)
    return membre


def cas_avis_du_comite(client, acteurs, contrat13):
    p = une_pratique(statut=StatutPratique.EN_EXAMEN)
    connecte(client, membre_du_comite(acteurs))
    return reverse("pratiques:avis", args=[p.pk]), {"avis": "favorable"}, "commentaire", 2000, "Le texte"


def cas_motif_du_comite(client, acteurs, contrat13):
    p = une_pratique(statut=StatutPratique.EN_EXAMEN)
    connecte(client, membre_du_comite(acteurs))
    donnees = {"vers": "complements", "version": p.statut}
    return reverse("pratiques:transition", args=[p.pk]), donnees, "motif", 2000, "Le texte"


def cas_accord_du_departement(client, acteurs, contrat13):
    p = une_pratique(statut=StatutPratique.DEPOSEE)
    connecte(client, acteurs["referent_cd13"])
    return reverse("pratiques:accord", args=[p.pk]), {"reponse": "accorde"}, "commentaire", 2000, "Le texte"


def cas_fiche_dispositif(client, acteurs, contrat13):
    connecte(client, membre_du_comite(acteurs))
    from tests.pratiques.conftest import modalite

    donnees = {
        "intitule": "Dispositif",
        "entite": "ONPE",
        "description": "Résumé",
        "thematique": modalite("thematique").pk,
        "public": modalite("public").pk,
        "echelle": modalite("echelle").pk,
        "type_intervention": modalite("type_intervention").pk,
        "objectifs": "O",
        "moyens": "M",
        "cles_reussite": "C",
        "resultats_attendus": "R",
    }
    return reverse("pratiques:dispositif_creer"), donnees, "contexte", MOYEN, "Le texte"


CAS = {
    "rubrique constat": cas_rubrique("constat"),
    "rubrique objectif opérationnel": cas_rubrique("objectif_operationnel"),
    "rubrique description": cas_rubrique("description"),
    "rubrique points de vigilance": cas_rubrique("points_vigilance"),
    "commentaire d'une fiche": cas_commentaire,
    "réponse à un commentaire": cas_reponse,
    "questions clés d'un indicateur qualitatif": cas_questions_cles,
    "objet d'un avenant": cas_avenant,
    "participants extérieurs d'une réunion": cas_participants_externes,
    "point : éléments positifs": cas_point("elements_positifs"),
    "point : axes d'amélioration": cas_point("axes_amelioration"),
    "décision en séance": cas_decision,
    "rectificatif": cas_rectificatif,
    "relevé : questions clés": cas_releve("questions_cles"),
    "relevé : faits": cas_releve("faits"),
    "relevé : améliorations": cas_releve("ameliorations"),
    "rapport : synthèse globale": cas_redaction("synthese_globale"),
    "rapport : perspectives": cas_redaction("perspectives"),
    "rapport : commentaire d'étape": cas_etape_du_rapport,
    "espace partagé : retour d'expérience": cas_retour_d_experience,
    "espace partagé : actualité": cas_actualite,
    "espace partagé : résumé": cas_resume_de_ressource,
    "pratiques : avis d'un membre": cas_avis_du_comite,
    "pratiques : motif du comité": cas_motif_du_comite,
    "pratiques : accord du Département": cas_accord_du_departement,
    "pratiques : fiche dispositif": cas_fiche_dispositif,
}


@pytest.mark.parametrize("cas", CAS)
def test_texte_trop_long_refuse_et_garde(client, acteurs, contrat13, cas):
    url, donnees, champ, limite, sujet = CAS[cas](client, acteurs, contrat13)
    texte = texte_de(limite + 1)
    reponse = client.post(url, {**donnees, champ: texte})
    assert reponse.status_code in (200, 400), reponse.status_code  # réaffiché, pas redirigé
    html = reponse.content.decode()
    if sujet is None:  # message propre au champ (résumé d'une ressource)
        message = f"Le résumé tient en {limite} caractères au plus (il en fait {limite + 1})."
    else:
        message = f"{sujet} compte {nombre(limite + 1)} caractères ; la limite est de {nombre(limite)}."
    assert message_sous_le_champ(html, champ, message), (cas, message)
    assert texte in html  # rien n'est perdu
    assert aide(limite) in html  # la limite est annoncée
    assert f'data-compteur="{limite}"' in html and f'maxlength="{limite}"' in html


@pytest.mark.parametrize("cas", ["commentaire d'une fiche", "rubrique constat", "relevé : faits"])
def test_caractere_nul_refuse_et_texte_garde(client, acteurs, contrat13, cas):
    url, donnees, champ, _limite, _sujet = CAS[cas](client, acteurs, contrat13)
    reponse = client.post(url, {**donnees, champ: "Avant\x00après le caractère invalide"})
    html = reponse.content.decode()
    assert message_sous_le_champ(html, champ, "Le texte contient un caractère invalide (NUL)")
    assert "après le caractère invalide" in html


def test_limite_exacte_acceptee(client, acteurs, contrat13):
    url, donnees, champ, limite, _ = cas_rubrique("constat")(client, acteurs, contrat13)
    reponse = client.post(url, {**donnees, champ: texte_de(limite)})
    assert reponse.status_code == 302
    assert len(Fiche.objects.get().constat) == limite


# --- Le commentaire d'une fiche (htmx et sans JavaScript) ------------------------------------------------


def test_commentaire_trop_long_sans_javascript(client, acteurs, contrat13):
    url, _, _, _, _ = cas_commentaire(client, acteurs, contrat13)
    texte = texte_de(5214)
    reponse = client.post(url, {"texte": texte})
    assert reponse.status_code == 200
    html = reponse.content.decode()
    assert "Votre commentaire compte 5\u202f214 caractères ; la limite est de 5\u202f000." in html
    assert f">\n{texte}</textarea>" in html  # dans la zone de texte du commentaire
    assert "Écrivez votre commentaire avant de le publier." not in html
    assert not Commentaire.objects.exists()
    # Le bloc refusé n'est pas gardé en cache : la page suivante est vierge.
    page = client.get(reverse("fiches:fiche", args=[Fiche.objects.get().pk])).content.decode()
    assert texte not in page and "Votre commentaire compte" not in page


def test_commentaire_trop_long_en_htmx_puis_publie(client, acteurs, contrat13):
    url, _, _, _, _ = cas_commentaire(client, acteurs, contrat13)
    texte = texte_de(5001)
    reponse = client.post(url, {"texte": texte}, HTTP_HX_REQUEST="true")
    html = reponse.content.decode()
    assert reponse.status_code == 200 and html.lstrip().startswith('<section id="commentaires"')
    assert "Votre commentaire compte 5\u202f001 caractères" in html and texte in html
    reponse = client.post(url, {"texte": texte[:5000]}, HTTP_HX_REQUEST="true")
    html = reponse.content.decode()
    assert "Votre commentaire a été publié." in html and Commentaire.objects.get().texte == texte[:5000]
    assert 'name="csrfmiddlewaretoken" value="repere' not in html  # le vrai jeton, pas le repère du cache


def test_reponse_refusee_revient_ouverte_sous_son_commentaire(client, acteurs, contrat13):
    url, donnees, _, _, _ = cas_reponse(client, acteurs, contrat13)
    avis = Commentaire.objects.get()
    html = client.post(url, {**donnees, "texte": ""}).content.decode()
    assert "Écrivez votre réponse avant de la publier." in html
    bloc = html[html.index(f'id="reponse-{avis.pk}-texte"') - 2000 :]
    assert re.search(r"<details[^>]*open", html)
    assert "Écrivez votre réponse" in bloc


# --- « Insérer » un exemple d'indicateur ------------------------------------------------------------------


def exemple_qualitatif(fiche):
    return fiche.objectif_contrat.objectif.exemples_indicateurs.filter(type="qualitatif").first()


def test_inserer_pendant_la_modification_garde_la_saisie(client, acteurs, contrat13):
    fiche = fiche_de(contrat13, acteurs)
    connecte(client, acteurs["contributeur_cd13"])
    fabriques.indicateur_qualitatif(fiche, libelle="Indicateur déjà enregistré")
    url = reverse("fiches:section_modifier", args=[fiche.pk, "indicateurs_qualitatifs"])
    ouverture = client.get(url, HTTP_HX_REQUEST="true")
    version = ouverture.context["version"]["version"].value()
    ligne = fiche.indicateurs_qualitatifs.get()
    exemple = exemple_qualitatif(fiche)
    p = "indicateurs_qualitatifs"
    tape = {
        "rubrique-version": version,
        f"{p}-TOTAL_FORMS": "2",
        f"{p}-INITIAL_FORMS": "1",
        f"{p}-MIN_NUM_FORMS": "0",
        f"{p}-MAX_NUM_FORMS": "50",
        f"{p}-0-id": ligne.pk,
        f"{p}-0-fiche": fiche.pk,
        f"{p}-0-libelle": "Intitulé corrigé, pas encore enregistré",
        f"{p}-0-questions_cles": "Mes questions en cours de frappe",
        f"{p}-1-fiche": fiche.pk,
        f"{p}-1-libelle": "",
        f"{p}-1-questions_cles": "",
    }
    reponse = client.post(url, {**tape, "inserer": exemple.pk}, HTTP_HX_REQUEST="true")
    html = reponse.content.decode()
    assert reponse.status_code == 200
    assert "ce-rubrique--edition" in html  # la rubrique reste ouverte
    assert "Intitulé corrigé, pas encore enregistré" in html and "Mes questions en cours de frappe" in html
    assert f'value="{exemple.libelle}"' in html.replace("&#x27;", "'")  # la ligne vide reçoit l'exemple
    assert "Rien n&#x27;est encore enregistré" in html
    assert "erreurs" not in html  # rien n'a été validé : aucune erreur montrée
    assert f'name="{p}-rubrique-version"' not in html and f'value="{version}"' in html  # la version lue à l'ouverture
    # Rien n'est enregistré tant que la personne n'enregistre pas.
    assert list(fiche.indicateurs_qualitatifs.values_list("libelle", flat=True)) == ["Indicateur déjà enregistré"]
    # L'exemple inséré n'est plus proposé dans l'éditeur.
    assert f'name="inserer" value="{exemple.pk}"' not in html and "Déjà dans la rubrique" in html

    # Puis elle enregistre : ses deux lignes, telles que tapées.
    donnees = {k: v for k, v in reponse.context["form"].data.items() if k != "inserer"}
    assert client.post(url, donnees).status_code == 302
    assert set(fiche.indicateurs_qualitatifs.values_list("libelle", flat=True)) == {
        "Intitulé corrigé, pas encore enregistré",
        exemple.libelle,
    }


def test_inserer_pendant_la_modification_sans_javascript(client, acteurs, contrat13):
    fiche = fiche_de(contrat13, acteurs)
    connecte(client, acteurs["contributeur_cd13"])
    url = reverse("fiches:section_modifier", args=[fiche.pk, "indicateurs_qualitatifs"])
    version = version_de(client, url, cle="version")
    p = "indicateurs_qualitatifs"
    exemple = exemple_qualitatif(fiche)
    donnees = {
        "rubrique-version": version,
        f"{p}-TOTAL_FORMS": "1",
        f"{p}-INITIAL_FORMS": "0",
        f"{p}-MIN_NUM_FORMS": "0",
        f"{p}-MAX_NUM_FORMS": "50",
        f"{p}-0-libelle": "Mon indicateur tapé",
        f"{p}-0-questions_cles": "",
        "inserer": exemple.pk,
    }
    reponse = client.post(url, donnees)
    html = reponse.content.decode()
    assert reponse.status_code == 200 and "<html" in html  # la page de modification de la rubrique
    assert "Mon indicateur tapé" in html
    assert reponse.context["form"].total_form_count() == 2  # une ligne ajoutée, la saisie gardée
    assert not fiche.indicateurs_qualitatifs.exists()


def test_inserer_un_exemple_d_une_autre_rubrique_refuse(client, acteurs, contrat13):
    fiche = fiche_de(contrat13, acteurs)
    connecte(client, acteurs["contributeur_cd13"])
    url = reverse("fiches:section_modifier", args=[fiche.pk, "indicateurs_quantitatifs"])
    assert client.post(url, {"inserer": exemple_qualitatif(fiche).pk}).status_code == 404


def test_inserer_rubrique_fermee_demande_confirmation_et_pas_de_doublon(client, acteurs, contrat13):
    fiche = fiche_de(contrat13, acteurs)
    connecte(client, acteurs["contributeur_cd13"])
    exemple = exemple_qualitatif(fiche)
    url = reverse("fiches:inserer_exemple", args=[fiche.pk, exemple.pk])
    page = client.get(reverse("fiches:fiche", args=[fiche.pk])).content.decode()
    assert "hx-confirm=" in page and 'hx-vals=\'{"confirme": "1"}\'' in page
    assert f"Insérer l'exemple : {escape(exemple.libelle)}" in page

    # Sans confirmation (formulaire sans JavaScript) : une page de confirmation, rien d'inséré.
    reponse = client.post(url)
    assert reponse.status_code == 200 and "Ajouter l'indicateur" in reponse.content.decode()
    assert not fiche.indicateurs_qualitatifs.exists()

    reponse = client.post(url, {"confirme": "1"}, HTTP_HX_REQUEST="true")
    assert "Rubrique enregistrée." in reponse.content.decode()
    assert fiche.indicateurs_qualitatifs.count() == 1
    # Déjà présent : plus proposé, et un second envoi n'ajoute pas de doublon.
    page = client.get(reverse("fiches:fiche", args=[fiche.pk])).content.decode()
    assert f"Insérer l'exemple : {escape(exemple.libelle)}" not in page
    assert "Déjà dans la rubrique" in page
    reponse = client.post(url, {"confirme": "1"}, HTTP_HX_REQUEST="true")
    assert "est déjà dans la fiche" in reponse.content.decode()
    assert fiche.indicateurs_qualitatifs.count() == 1


# --- Les formulaires du suivi refusés sans JavaScript -----------------------------------------------------


def test_decision_refusee_sans_javascript_revient_avec_la_saisie(client, acteurs, contrat13):
    url, _, champ, _, _ = cas_decision(client, acteurs, contrat13)
    point = champ.split("-")[0]
    reponse = client.post(url, {champ: "", f"{point}-responsable_texte": "La CAF", f"{point}-echeance": "pas une date"})
    html = reponse.content.decode()
    assert reponse.status_code == 200
    assert "Saisissez une date." in html and 'value="La CAF"' in html and 'value="pas une date"' in html
    assert not Decision.objects.exists()


def test_point_trop_long_en_htmx_message_precis(client, acteurs, contrat13):
    url, donnees, champ, limite, _ = cas_point("elements_positifs")(client, acteurs, contrat13)
    reponse = client.post(url, {**donnees, champ: texte_de(limite + 1)}, HTTP_HX_REQUEST="true")
    html = reponse.content.decode()
    assert "Éléments positifs observables : Le texte compte 10\u202f001 caractères" in html
    assert "Saisie invalide" not in html


def test_commentaire_d_un_releve_limite_dans_le_service(acteurs, contrat13):
    fiche = fabriques.fiche(contrat13)
    releve = Releve.objects.create(
        fiche=fiche,
        indicateur=fabriques.indicateur_qualitatif(fiche),
        auteur=acteurs["contributeur_cd13"],
        date_observation=date(2026, 2, 1),
        situation="Visite",
        faits="Faits",
    )
    with pytest.raises(ValidationError) as erreur:
        suivi.faire_transition(releve, acteurs["contributeur_cd13"], "soumettre", "x" * 5001)
    assert erreur.value.messages == ["Le commentaire compte 5\u202f001 caractères ; la limite est de 5\u202f000."]
