"""Concurrence optimiste (core/concurrence.py) : pour chaque formulaire qui modifie une donnée existante, dix
personnes ouvrent la même page, puis enregistrent au même instant à travers HTTP (serveur de test, dix fils) :
exactement un enregistrement accepté, neuf refus 409, et la valeur enregistrée est celle de l'accepté.

Chaque fil ouvre la page comme un navigateur (session à lui, jeton CSRF, formulaire lu dans le HTML avec sa
version), change un champ, attend les neuf autres (barrière), puis envoie.
"""

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from html.parser import HTMLParser
from itertools import combinations

import pytest
import requests
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contractualisation.enums import StatutContrat
from contractualisation.models import Contrat, Financement, IndicateurHarmonise, SourceFinancement
from contractualisation.services import enregistrer_financements
from core.enums import Role
from espace_partage import services as espace_partage
from espace_partage.enums import Section
from espace_partage.models import Espace, Ressource
from fiches import services as fiches
from pratiques.enums import Liste, Nature, StatutPratique
from pratiques.models import Modalite, Pratique, Transition
from rapports import services as rapports
from rapports.enums import EtapeRapport
from rapports.models import EtapeFranchie, MontantExecute
from suivi import services as suivi
from suivi.models import CollecteIndicateur, Decision, PointFiche, Releve, Reunion, ValeurIndicateur
from tests import factories
from tests.pratiques.conftest import pratique as nouvelle_pratique
from tests.suivi import fabriques

PARALLELES = 10


# --- Un navigateur minimal : lire un formulaire dans le HTML et l'envoyer ----------------------------


class Formulaires(HTMLParser):
    """Les formulaires d'une page : pour chacun, son action et ce qu'un navigateur enverrait sans rien toucher."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.formulaires, self.courant, self.zone, self.liste = [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.courant = {"action": a.get("action") or "", "champs": []}
            self.formulaires.append(self.courant)
        if self.courant is None or "disabled" in a:
            return
        if tag == "input" and a.get("name"):
            genre = a.get("type", "text")
            if genre in ("submit", "button", "file", "reset"):
                return
            if genre in ("checkbox", "radio") and "checked" not in a:
                return
            self.courant["champs"].append((a["name"], a.get("value", "on" if genre == "checkbox" else "")))
        elif tag == "textarea" and a.get("name"):
            self.zone = [a["name"], ""]
        elif tag == "select" and a.get("name"):
            self.liste = {"nom": a["name"], "multiple": "multiple" in a, "options": [], "choisies": []}
        elif tag == "option" and self.liste is not None:
            self.liste["options"].append(a.get("value", ""))
            if "selected" in a:
                self.liste["choisies"].append(a.get("value", ""))

    def handle_data(self, data):
        if self.zone is not None:
            self.zone[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self.zone is not None:
            self.courant["champs"].append((self.zone[0], self.zone[1].removeprefix("\n")))
            self.zone = None
        elif tag == "select" and self.liste is not None:
            choisies = self.liste["choisies"] or ([] if self.liste["multiple"] else self.liste["options"][:1])
            self.courant["champs"] += [(self.liste["nom"], v) for v in choisies]
            self.liste = None
        elif tag == "form":
            self.courant = None


def formulaire(html, action):
    lecteur = Formulaires()
    lecteur.feed(html)
    trouves = [
        f
        for f in lecteur.formulaires
        if action in f["action"] and any(re.fullmatch(r"(.+-)?version", n) for n, _ in f["champs"])
    ]
    assert trouves, f"aucun formulaire « {action} » avec sa version dans la page"
    return list(trouves[0]["champs"])


def remplacer(champs, nom, *valeurs):
    return [(n, v) for n, v in champs if n != nom] + [(nom, v) for v in valeurs]


def valeur(champs, nom):
    return next(v for n, v in champs if n == nom)


def session_de(live_server, utilisateur):
    """Une session à elle, comme une personne connectée dans son propre navigateur."""
    client = Client()
    client.force_login(utilisateur)
    session = requests.Session()
    session.cookies.set(settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value)
    return session


# --- Les formulaires essayés -------------------------------------------------------------------------


@dataclass
class Cas:
    utilisateur: object
    page: str  # la page où le formulaire s'ouvre
    action: str  # l'adresse du formulaire (son attribut action ; "" : la page elle-même)
    remplir: object  # (champs lus, i) -> champs envoyés par la personne i
    lire: object  # () -> la valeur enregistrée
    attendu: object  # i -> la valeur enregistrée si la personne i a été acceptée
    htmx: bool = False
    statut_accepte: int = 302
    extra: dict = field(default_factory=dict)


def _champ(nom, texte):
    return lambda champs, i: remplacer(champs, nom, texte(i))


def contrat_signe(acteurs):
    contrat = factories.contrat("cd-13")
    contrat.statut, contrat.date_signature = StatutContrat.SIGNE, date(2025, 9, 22)
    contrat.save()
    return contrat


def cas_contrat(acteurs):
    contrat = factories.contrat("cd-13")
    url = reverse("contractualisation:contrat_modifier", args=[contrat.slug])
    return Cas(
        acteurs["referent_cd13"],
        url,
        "",
        _champ("reference_deliberation", lambda i: f"Délibération n° {i}"),
        lambda: Contrat.objects.get(pk=contrat.pk).reference_deliberation,
        lambda i: f"Délibération n° {i}",
    )


def cas_objectifs(acteurs):
    contrat = factories.contrat("cd-13")
    obligatoires = sorted(contrat.cycle.objectifs.filter(obligatoire=True).values_list("pk", flat=True))
    facultatifs = list(contrat.cycle.objectifs.filter(obligatoire=False).values_list("pk", flat=True)[:3])
    choix = [c for n in (1, 2, 3) for c in combinations(facultatifs, n)][:PARALLELES]
    assert len(choix) >= 7  # assez de choix différents pour reconnaître l'accepté
    choix = (choix * 2)[:PARALLELES]

    def attendu(i):
        return sorted(obligatoires + list(choix[i]))

    return Cas(
        acteurs["referent_cd13"],
        reverse("contractualisation:objectifs_modifier", args=[contrat.slug]),
        "",
        lambda champs, i: remplacer(champs, "objectifs", *map(str, attendu(i))),
        lambda: sorted(contrat.objectifs_contrat.values_list("objectif_id", flat=True)),
        attendu,
    )


def cas_signataires(acteurs):
    contrat = factories.contrat("cd-13")

    def remplir(champs, i):
        champs = remplacer(champs, "signataires-0-qualite", "prefet")
        return remplacer(champs, "signataires-0-nom", f"Signataire {i}")

    return Cas(
        acteurs["referent_prefecture13"],
        reverse("contractualisation:signataires_modifier", args=[contrat.slug]),
        "",
        remplir,
        lambda: list(contrat.signataires.values_list("nom", flat=True)),
        lambda i: [f"Signataire {i}"],
    )


def cas_financements(acteurs):
    contrat = factories.contrat("cd-13")
    objectif = contrat.objectifs_contrat.select_related("objectif").first().objectif
    source = SourceFinancement.objects.get(code="departement")
    nom = f"m_{objectif.pk}_2025_{source.pk}"
    return Cas(
        acteurs["referent_cd13"],
        reverse("contractualisation:financements_modifier", args=[contrat.slug]),
        "",
        _champ(nom, lambda i: f"{1000 + i} 000"),
        lambda: list(
            Financement.objects.filter(contrat=contrat, objectif=objectif, annee=2025, source=source).values_list(
                "montant", flat=True
            )
        ),
        lambda i: [Decimal((1000 + i) * 1000)],
    )


def cas_referentiel(acteurs):
    source = SourceFinancement.objects.get(code="departement")
    return Cas(
        acteurs["admin_dgcs"],
        reverse("contractualisation:referentiel_modifier", args=["sources", source.pk]),
        "",
        _champ("libelle", lambda i: f"Département (libellé {i})"),
        lambda: SourceFinancement.objects.get(pk=source.pk).libelle,
        lambda i: f"Département (libellé {i})",
    )


def fiche_du_contrat(acteurs):
    contrat = factories.contrat("cd-13")
    oc = contrat.objectifs_contrat.get(objectif__numero=7)
    return fiches.creer_fiche(contrat, oc, titre="Accueil familial", referent=acteurs["contributeur_cd13"])


def cas_rubrique_texte(acteurs):
    fiche = fiche_du_contrat(acteurs)
    return Cas(
        acteurs["contributeur_cd13"],
        reverse("fiches:section_modifier", args=[fiche.pk, "description"]),
        reverse("fiches:section_modifier", args=[fiche.pk, "description"]),
        _champ("description-description", lambda i: f"Description n° {i}"),
        lambda: type(fiche).objects.get(pk=fiche.pk).description,
        lambda i: f"Description n° {i}",
        htmx=True,
        statut_accepte=200,
    )


def cas_rubrique_lignes(acteurs):
    fiche = fiche_du_contrat(acteurs)

    def remplir(champs, i):
        champs = remplacer(champs, "calendrier-0-date", "2026-01-05")
        return remplacer(champs, "calendrier-0-libelle", f"Jalon {i}")

    return Cas(
        acteurs["contributeur_cd13"],
        reverse("fiches:section_modifier", args=[fiche.pk, "calendrier"]),
        reverse("fiches:section_modifier", args=[fiche.pk, "calendrier"]),
        remplir,
        lambda: list(fiche.jalons.values_list("libelle", flat=True)),
        lambda i: [f"Jalon {i}"],
    )


def rapport_ouvert(acteurs):
    contrat = contrat_signe(acteurs)
    return rapports.ouvrir_rapport(contrat, 2025, acteurs["referent_cd13"])


def cas_synthese(acteurs):
    rapport = rapport_ouvert(acteurs)
    return Cas(
        acteurs["contributeur_cd13"],
        reverse("rapports:rediger", args=[rapport.contrat.slug, 2025]),
        "",
        _champ("synthese_globale", lambda i: f"Synthèse n° {i}"),
        lambda: type(rapport).objects.get(pk=rapport.pk).synthese_globale,
        lambda i: f"Synthèse n° {i}",
    )


def cas_montants(acteurs):
    rapport = rapport_ouvert(acteurs)
    contrat = rapport.contrat
    objectif = contrat.objectifs_contrat.select_related("objectif").first().objectif
    source = SourceFinancement.objects.get(code="departement")
    enregistrer_financements(contrat, {(objectif.pk, 2025, source.pk): Decimal("50000")})
    return Cas(
        acteurs["referent_cd13"],
        reverse("rapports:montants", args=[contrat.slug, 2025]),
        "",
        _champ(f"e_{objectif.pk}_{source.pk}", lambda i: f"{100 + i} 000"),
        lambda: list(MontantExecute.objects.filter(rapport=rapport).values_list("engage", flat=True)),
        lambda i: [Decimal((100 + i) * 1000)],
    )


def cas_etape(acteurs):
    rapport = rapport_ouvert(acteurs)
    return Cas(
        acteurs["referent_cd13"],
        reverse("rapports:etape", args=[rapport.contrat.slug, 2025]),
        "",
        _champ("commentaire", lambda i: f"Transmis par le service n° {i}"),
        lambda: list(
            EtapeFranchie.objects.filter(rapport=rapport)
            .exclude(etape=EtapeRapport.PROJET)
            .values_list("commentaire", flat=True)
        ),
        lambda i: [f"Transmis par le service n° {i}"],
    )


def cas_point(acteurs):
    contrat = factories.contrat("cd-13")
    reunion = fabriques.reunion(contrat, acteurs["referent_cd13"], [fabriques.fiche(contrat)], jours=0)
    point = reunion.points.get()
    return Cas(
        acteurs["referent_cd13"],
        reverse("suivi:ordre_du_jour", args=[reunion.pk]),
        reverse("suivi:point_enregistrer", args=[reunion.pk, point.pk]),
        _champ(f"p{point.pk}-elements_positifs", lambda i: f"Les familles sont mieux informées ({i})"),
        lambda: PointFiche.objects.get(pk=point.pk).elements_positifs,
        lambda i: f"Les familles sont mieux informées ({i})",
        htmx=True,
        statut_accepte=200,
    )


def cas_reunion(acteurs):
    contrat = factories.contrat("cd-13")
    reunion = fabriques.reunion(contrat, acteurs["referent_cd13"], [fabriques.fiche(contrat)], jours=10)
    return Cas(
        acteurs["referent_cd13"],
        reverse("suivi:reunion_modifier", args=[reunion.pk]),
        "",
        _champ("lieu", lambda i: f"Salle {i}"),
        lambda: Reunion.objects.get(pk=reunion.pk).lieu,
        lambda i: f"Salle {i}",
    )


def cas_statut_decision(acteurs):
    contrat = factories.contrat("cd-13")
    fiche = fabriques.fiche(contrat)
    premiere = fabriques.reunion(contrat, acteurs["referent_cd13"], [fiche], jours=-30)
    decision = suivi.ajouter_decision(premiere.points.get(), acteurs["referent_cd13"], libelle="Associer la CAF")
    seconde = fabriques.reunion(contrat, acteurs["referent_cd13"], [fiche], jours=-1)
    statuts = ["fait", "abandonnee"]
    return Cas(
        acteurs["referent_cd13"],
        reverse("suivi:ordre_du_jour", args=[seconde.pk]),
        reverse("suivi:decision_statut", args=[decision.pk]),
        _champ("statut", lambda i: statuts[i % 2]),
        lambda: Decision.objects.get(pk=decision.pk).statut,
        lambda i: statuts[i % 2],
    )


def cas_releve(acteurs):
    contrat = factories.contrat("cd-13")
    fiche = fabriques.fiche(contrat, referent=acteurs["referent_cd13"])
    releve = suivi.creer_releve(
        fabriques.indicateur_qualitatif(fiche),
        acteurs["contributeur_cd13"],
        date_observation=timezone.localdate(),
        situation="École maternelle Saint-Just",
        faits="Premiers retours.",
    )
    return Cas(
        acteurs["contributeur_cd13"],
        reverse("suivi:releve_modifier", args=[releve.pk]),
        "",
        _champ("faits", lambda i: f"85 % de retours positifs ({i})"),
        lambda: Releve.objects.get(pk=releve.pk).faits,
        lambda i: f"85 % de retours positifs ({i})",
    )


def cas_valeurs_pmi(acteurs):
    contrat = factories.contrat("cd-13")
    indicateur = IndicateurHarmonise.objects.get(code="pmi-01")
    annee = contrat.cycle.annees[0]
    return Cas(
        acteurs["contributeur_cd13"],
        reverse("suivi:valeurs_pmi", args=[contrat.slug]),
        "",
        _champ(f"v-{indicateur.pk}-{annee}-0", lambda i: f"{20000 + i}"),
        lambda: list(
            ValeurIndicateur.objects.filter(contrat=contrat, indicateur_harmonise=indicateur, annee=annee).values_list(
                "valeur", flat=True
            )
        ),
        lambda i: [Decimal(20000 + i)],
    )


def cas_valeurs_fiche(acteurs):
    contrat = factories.contrat("cd-13")
    fiche = fabriques.fiche(contrat, referent=acteurs["contributeur_cd13"])
    indicateur = fabriques.indicateur_quantitatif(fiche)
    annee = contrat.cycle.annees[0]
    return Cas(
        acteurs["contributeur_cd13"],
        reverse("suivi:valeurs_fiche", args=[fiche.pk]),
        "",
        _champ(f"v-{indicateur.pk}-{annee}", lambda i: f"{90 + i}"),
        lambda: list(ValeurIndicateur.objects.filter(indicateur=indicateur).values_list("valeur", flat=True)),
        lambda i: [Decimal(90 + i)],
    )


def cas_collecte(acteurs):
    contrat = factories.contrat("cd-13")
    indicateur = fabriques.indicateur_qualitatif(fabriques.fiche(contrat))

    def jour(i):
        return (date(2026, 3, 1) + timedelta(days=i)).isoformat()

    return Cas(
        acteurs["referent_cd13"],
        reverse("suivi:collecte", args=[indicateur.pk]),
        "",
        _champ("prochaine_echeance", jour),
        lambda: [c.prochaine_echeance.isoformat() for c in CollecteIndicateur.objects.filter(indicateur=indicateur)],
        lambda i: [jour(i)],
    )


def ressource_du_13(acteurs):
    espace = Espace.objects.get(departement__code="13")
    return espace_partage.deposer_ressource(
        espace,
        acteurs["contributeur_cd13"],
        titre="Guide de la visite à domicile",
        fichier=None,
        lien="https://exemple.fr/guide",
        section=Section.METHODES,
        resume="Une méthode éprouvée pour préparer une visite à domicile.",
    )


def cas_ressource(acteurs):
    ressource = ressource_du_13(acteurs)
    return Cas(
        acteurs["contributeur_cd13"],
        reverse("espace_partage:modifier", args=[ressource.pk]),
        "",
        _champ("titre", lambda i: f"Guide révisé n° {i}"),
        lambda: Ressource.objects.get(pk=ressource.pk).titre,
        lambda i: f"Guide révisé n° {i}",
    )


def cas_deplacer(acteurs):
    ressource = ressource_du_13(acteurs)
    autres = [s for s in Section.values if s != Section.METHODES]
    return Cas(
        acteurs["referent_cd13"],
        reverse("espace_partage:deplacer", args=[ressource.pk]),
        "",
        _champ("section", lambda i: autres[i % len(autres)]),
        lambda: Ressource.objects.get(pk=ressource.pk).section,
        lambda i: autres[i % len(autres)],
    )


def cas_dispositif(acteurs):
    redacteur = factories.membre(factories.institution("fep"), Role.CONTRIBUTEUR)
    fiche = nouvelle_pratique(
        statut=StatutPratique.BROUILLON,
        nature=Nature.DISPOSITIF,
        objectifs="Prévenir les ruptures.",
        cles_reussite="Un binôme stable.",
        resultats_attendus="Moins de placements en urgence.",
    )
    return Cas(
        redacteur,
        reverse("pratiques:dispositif_modifier", args=[fiche.pk]),
        "",
        _champ("moyens", lambda i: f"{i} ETP"),
        lambda: Pratique.objects.get(pk=fiche.pk).moyens,
        lambda i: f"{i} ETP",
    )


def cas_transition(acteurs):
    from django.contrib.auth.models import Group

    from core.referentiels import GROUPE_COMITE_SELECTION

    membre = factories.membre(factories.institution("fep"), Role.CONTRIBUTEUR)
    Group.objects.get(name=GROUPE_COMITE_SELECTION).user_set.add(membre)
    p = nouvelle_pratique(statut=StatutPratique.DEPOSEE)

    def remplir(champs, i):
        return remplacer(remplacer(champs, "vers", StatutPratique.RECEVABLE), "motif", f"Recevable ({i})")

    return Cas(
        membre,
        reverse("pratiques:instruction", args=[p.pk]),
        reverse("pratiques:transition", args=[p.pk]),
        remplir,
        lambda: list(
            Transition.objects.filter(pratique=p, vers=StatutPratique.RECEVABLE).values_list("motif", flat=True)
        ),
        lambda i: [f"Recevable ({i})"],
    )


def cas_accord(acteurs):
    p = nouvelle_pratique(departement="13")

    def remplir(champs, i):
        return remplacer(remplacer(champs, "reponse", "accorde"), "commentaire", f"Accord n° {i}")

    return Cas(
        acteurs["referent_cd13"],
        reverse("pratiques:accord", args=[p.pk]),
        "",
        remplir,
        lambda: Pratique.objects.get(pk=p.pk).accord_commentaire,
        lambda i: f"Accord n° {i}",
    )


def cas_liste(acteurs):
    valeur_ = Modalite.objects.filter(liste=Liste.THEMATIQUE).first()
    return Cas(
        acteurs["admin_dgcs"],
        reverse("pratiques:liste_modifier", args=[valeur_.pk]),
        "",
        _champ("libelle", lambda i: f"Thématique n° {i}"),
        lambda: Modalite.objects.get(pk=valeur_.pk).libelle,
        lambda i: f"Thématique n° {i}",
    )


CAS = {
    "contrat": cas_contrat,
    "objectifs du contrat": cas_objectifs,
    "signataires": cas_signataires,
    "tableau de financement": cas_financements,
    "référentiel (source de financement)": cas_referentiel,
    "rubrique de fiche (texte, htmx)": cas_rubrique_texte,
    "rubrique de fiche (lignes)": cas_rubrique_lignes,
    "synthèse du rapport": cas_synthese,
    "crédits exécutés du rapport": cas_montants,
    "étape du rapport": cas_etape,
    "compte rendu d'un point (htmx)": cas_point,
    "réunion": cas_reunion,
    "statut d'une décision": cas_statut_decision,
    "relevé qualitatif": cas_releve,
    "valeurs PMI": cas_valeurs_pmi,
    "valeurs d'une fiche": cas_valeurs_fiche,
    "programmation d'un recueil": cas_collecte,
    "ressource de l'espace partagé": cas_ressource,
    "déplacer une ressource": cas_deplacer,
    "fiche dispositif": cas_dispositif,
    "statut au comité": cas_transition,
    "accord du Département": cas_accord,
    "liste du formulaire des pratiques": cas_liste,
}


def base_en_memoire():
    return connection.vendor == "sqlite" and connection.is_in_memory_db()


@pytest.mark.skipif(
    "base_en_memoire()",
    reason="SQLite en mémoire : le serveur de test partage une seule connexion entre ses fils (lancer avec "
    "SQLITE_TEST_NAME=/tmp/… pour SQLite, ou DATABASE_URL=postgres://…)",
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("nom", CAS)
def test_dix_enregistrements_simultanes_un_accepte_neuf_refuses(nom, acteurs, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cas = CAS[nom](acteurs)
    sessions, envois = [], []
    for i in range(PARALLELES):
        session = session_de(live_server, cas.utilisateur)
        page = session.get(live_server.url + cas.page)
        assert page.status_code == 200, (nom, page.status_code)
        champs = formulaire(page.text, cas.action)
        sessions.append(session)
        envois.append(cas.remplir(champs, i))
    depart = threading.Barrier(PARALLELES)
    url = live_server.url + (cas.action or cas.page)

    def enregistrer(i):
        entetes = {"X-CSRFToken": sessions[i].cookies["csrftoken"], "Referer": live_server.url + cas.page}
        if cas.htmx:
            entetes["HX-Request"] = "true"
        depart.wait(timeout=30)
        return sessions[i].post(url, data=envois[i], headers=entetes, allow_redirects=False, timeout=60)

    with ThreadPoolExecutor(PARALLELES) as fils:
        reponses = list(fils.map(enregistrer, range(PARALLELES)))
    statuts = [r.status_code for r in reponses]
    acceptes = [i for i, s in enumerate(statuts) if s == cas.statut_accepte]
    assert len(acceptes) == 1 and statuts.count(409) == PARALLELES - 1, (nom, statuts)
    assert cas.lire() == cas.attendu(acceptes[0]), nom
    refus = next(r for r in reponses if r.status_code == 409)
    assert "Modification concurrente" in refus.text and "Remplacer la version actuelle par la mienne" in refus.text


# --- L'écran de conflit : ce que la personne refusée voit et peut faire --------------------------------


class Navigateur(Client):
    """Un client de test qui envoie les champs d'un formulaire lus dans la page (liste de paires)."""

    def envoyer(self, url, champs, **entetes):
        donnees = {}
        for nom, v in champs:
            donnees.setdefault(nom, []).append(v)
        return self.post(url, donnees, **entetes)


def connecte(utilisateur):
    client = Navigateur()
    client.force_login(utilisateur)
    return client


def grille_financement(client, url):
    """Le formulaire du tableau de financement tel que la page le donne (version comprise)."""
    return formulaire(client.get(url).content.decode(), "")


@pytest.fixture
def tableau(acteurs):
    contrat = factories.contrat("cd-13")
    objectif = contrat.objectifs_contrat.select_related("objectif").order_by("objectif__numero").first().objectif
    departement = SourceFinancement.objects.get(code="departement")
    return {
        "contrat": contrat,
        "url": reverse("contractualisation:financements_modifier", args=[contrat.slug]),
        "case": f"m_{objectif.pk}_2025_{departement.pk}",
        "autre": f"m_{objectif.pk}_2026_{departement.pk}",
        "libelle": f"Objectif n° {objectif.numero}, 2025, {departement.libelle}",
        "montant": lambda: list(
            Financement.objects.filter(contrat=contrat, objectif=objectif, annee=2025, source=departement).values_list(
                "montant", flat=True
            )
        ),
    }


def test_le_refus_dit_qui_quand_montre_les_deux_versions_et_garde_la_saisie(acteurs, tableau):
    alice, bob = connecte(acteurs["referent_cd13"]), connecte(acteurs["admin_cd13"])
    ouvert_par_alice, ouvert_par_bob = (
        grille_financement(alice, tableau["url"]),
        grille_financement(bob, tableau["url"]),
    )
    assert alice.envoyer(tableau["url"], remplacer(ouvert_par_alice, tableau["case"], "12 000")).status_code == 302
    saisie_de_bob = remplacer(remplacer(ouvert_par_bob, tableau["case"], "15 500"), tableau["autre"], "700")
    reponse = bob.envoyer(tableau["url"], saisie_de_bob)
    assert reponse.status_code == 409
    page = reponse.content.decode()
    assert "Modification concurrente : votre saisie n'a pas été enregistrée" in page
    assert "Ce tableau de financement a été modifié par quelqu&#x27;un d&#x27;autre" in page
    # Qui et quand : le dernier enregistrement d'Alice (historique des lignes de financement).
    enregistrement = Financement.history.filter(contrat_id=tableau["contrat"].pk).latest("history_date")
    quand = timezone.localtime(enregistrement.history_date)
    assert f"par <strong>{acteurs['referent_cd13']}</strong>, le {quand:%d/%m/%Y à %H:%M:%S}" in page
    # Les deux versions côte à côte, les champs qui diffèrent marqués.
    lignes = {d.libelle: d for d in reponse.context["form"].conflit.tableau()[0]}
    case = lignes[tableau["libelle"]]
    assert (case.mienne, case.actuelle, case.differe) == ("15 500,00", "12 000,00", True)
    assert lignes[tableau["libelle"].replace("2025", "2026")].differe  # 700 chez Bob, vide chez Alice
    assert page.count("Différent</span>") == 2
    # Tout ce que Bob a tapé reste dans le formulaire ; rien n'est écrit.
    assert 'value="15 500"' in page and 'value="700"' in page
    assert tableau["montant"]() == [Decimal("12000")]


def test_un_second_clic_sur_enregistrer_n_ecrase_pas_remplacer_est_un_choix_explicite(acteurs, tableau):
    alice, bob = connecte(acteurs["referent_cd13"]), connecte(acteurs["admin_cd13"])
    ouvert_par_alice, ouvert_par_bob = (
        grille_financement(alice, tableau["url"]),
        grille_financement(bob, tableau["url"]),
    )
    alice.envoyer(tableau["url"], remplacer(ouvert_par_alice, tableau["case"], "12 000"))
    refus = bob.envoyer(tableau["url"], remplacer(ouvert_par_bob, tableau["case"], "15 500"))
    # Bob clique encore sur « Enregistrer » : le formulaire réaffiché porte toujours la version qu'il avait ouverte.
    reaffiche = formulaire(refus.content.decode(), "")
    assert valeur(reaffiche, "version") == valeur(ouvert_par_bob, "version")
    assert bob.envoyer(tableau["url"], reaffiche).status_code == 409
    assert tableau["montant"]() == [Decimal("12000")]
    # « Remplacer la version actuelle par la mienne » est un bouton à part, après « Enregistrer » : la touche
    # Entrée (premier bouton du formulaire) ne remplace jamais.
    page = refus.content.decode()
    assert page.index(">Enregistrer</button>") < page.index('name="remplacer" value="1"')
    assert "Abandonner mes modifications" in page
    # Quelqu'un enregistre encore pendant que Bob compare : son remplacement est refusé à son tour.
    alice.envoyer(tableau["url"], remplacer(grille_financement(alice, tableau["url"]), tableau["case"], "13 000"))
    remplacement = bob.envoyer(tableau["url"], [*reaffiche, ("remplacer", "1")])
    assert remplacement.status_code == 409
    assert tableau["montant"]() == [Decimal("13000")]
    # Bob a vu la version d'à présent : il choisit de la remplacer par la sienne.
    assert (
        bob.envoyer(tableau["url"], [*formulaire(remplacement.content.decode(), ""), ("remplacer", "1")]).status_code
        == 302
    )
    assert tableau["montant"]() == [Decimal("15500")]


def test_htmx_un_point_refuse_repond_409_avec_le_fragment_de_conflit(acteurs):
    contrat = factories.contrat("cd-13")
    reunion = fabriques.reunion(contrat, acteurs["referent_cd13"], [fabriques.fiche(contrat)], jours=0)
    point = reunion.points.get()
    ordre_du_jour = reverse("suivi:ordre_du_jour", args=[reunion.pk])
    url = reverse("suivi:point_enregistrer", args=[reunion.pk, point.pk])
    alice, bob = connecte(acteurs["referent_cd13"]), connecte(acteurs["admin_cd13"])
    ouvert_par_alice = formulaire(alice.get(ordre_du_jour).content.decode(), url)
    ouvert_par_bob = formulaire(bob.get(ordre_du_jour).content.decode(), url)
    cases = f"p{point.pk}-elements_positifs"
    assert (
        alice.envoyer(url, remplacer(ouvert_par_alice, cases, "Texte d'Alice"), HTTP_HX_REQUEST="true").status_code
        == 200
    )
    reponse = bob.envoyer(url, remplacer(ouvert_par_bob, cases, "Texte de Bob"), HTTP_HX_REQUEST="true")
    assert reponse.status_code == 409
    fragment = reponse.content.decode()
    assert "<html" not in fragment and f'id="etat-point-{point.pk}"' in fragment
    assert "Modification concurrente" in fragment and "Remplacer la version actuelle par la mienne" in fragment
    assert "Texte d&#x27;Alice" in fragment and "Texte de Bob" in fragment and str(acteurs["referent_cd13"]) in fragment
    assert "hx-swap-oob" not in fragment  # la version du formulaire n'est pas remplacée : rien ne s'écrase ensuite
    assert PointFiche.objects.get(pk=point.pk).elements_positifs == "Texte d'Alice"
    # htmx insère la réponse 409 (static/js/conflit.js, chargé par toutes les pages).
    assert "js/conflit.js" in alice.get(ordre_du_jour).content.decode()
    assert 'code: "409", swap: true' in (settings.BASE_DIR / "static/js/conflit.js").read_text()


def test_htmx_une_rubrique_refusee_garde_la_saisie_dans_le_formulaire(acteurs):
    fiche = fiche_du_contrat(acteurs)
    url = reverse("fiches:section_modifier", args=[fiche.pk, "constat"])
    alice, bob = connecte(acteurs["contributeur_cd13"]), connecte(acteurs["referent_cd13"])
    ouvert_par_alice, ouvert_par_bob = (
        formulaire(alice.get(url).content.decode(), url),
        formulaire(bob.get(url).content.decode(), url),
    )
    alice.envoyer(url, remplacer(ouvert_par_alice, "constat-constat", "Constat d'Alice"), HTTP_HX_REQUEST="true")
    reponse = bob.envoyer(url, remplacer(ouvert_par_bob, "constat-constat", "Constat de Bob"), HTTP_HX_REQUEST="true")
    assert reponse.status_code == 409
    fragment = reponse.content.decode()
    assert fragment.lstrip().startswith("<section") and "Cette rubrique a été modifiée" in fragment
    assert "Constat de Bob</textarea>" in fragment  # la saisie reste dans le champ
    assert f'hx-get="{url}"' in fragment  # « Abandonner » recharge la rubrique actuelle sur place
    assert type(fiche).objects.get(pk=fiche.pk).constat == "Constat d'Alice"


def test_deux_ajouts_simultanes_du_meme_avenant(acteurs):
    """Un ajout n'a pas de version : le contrat est verrouillé, le second reçoit « existe déjà » (pas d'erreur 500)."""
    contrat = factories.contrat("cd-13")
    url = reverse("contractualisation:avenant_ajouter", args=[contrat.slug])
    alice, bob = connecte(acteurs["referent_cd13"]), connecte(acteurs["admin_cd13"])
    donnees = {"numero": 1, "date": "2026-03-10", "objet": "Hausse des crédits"}
    assert alice.post(url, donnees).status_code == 302
    reponse = bob.post(url, {**donnees, "objet": "Autre objet"})
    assert reponse.status_code == 200 and "Un avenant n° 1 existe déjà" in reponse.content.decode()
    assert list(contrat.avenants.values_list("objet", flat=True)) == ["Hausse des crédits"]


def test_sans_historique_le_refus_donne_la_date_de_la_version_actuelle(acteurs):
    """Une ressource de l'espace partagé n'a pas d'historique : « quand » est sa date de modification."""
    ressource = ressource_du_13(acteurs)
    url = reverse("espace_partage:modifier", args=[ressource.pk])
    alice, bob = connecte(acteurs["contributeur_cd13"]), connecte(acteurs["referent_cd13"])
    ouvert_par_alice, ouvert_par_bob = (
        formulaire(alice.get(url).content.decode(), ""),
        formulaire(bob.get(url).content.decode(), ""),
    )
    assert alice.envoyer(url, remplacer(ouvert_par_alice, "titre", "Titre d'Alice")).status_code == 302
    reponse = bob.envoyer(url, remplacer(ouvert_par_bob, "titre", "Titre de Bob"))
    assert reponse.status_code == 409
    modifiee = timezone.localtime(Ressource.objects.get(pk=ressource.pk).modifie_le)
    assert f"Dernier enregistrement, le {modifiee:%d/%m/%Y à %H:%M:%S}." in reponse.content.decode()
