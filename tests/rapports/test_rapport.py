"""Le rapport annuel d'exécution : période, chemin dans l'ordre, parties écrites historisées, crédits exécutés."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from rapports import donnees, services
from rapports.enums import EtapeRapport
from rapports.models import RapportExecution, periode

pytestmark = pytest.mark.django_db


def test_la_periode_court_un_an_a_partir_de_la_signature(contrat):
    assert periode(contrat, 2025) == (date(2025, 9, 22), date(2026, 9, 21))
    assert periode(contrat, 2026) == (date(2026, 9, 22), date(2027, 9, 21))
    assert services.annees_possibles(contrat) == [2025, 2026, 2027]


def test_signature_un_29_fevrier(contrat):
    contrat.date_signature = date(2024, 2, 29)
    assert periode(contrat, 2025) == (date(2025, 2, 28), date(2026, 2, 27))


def test_le_chemin_se_suit_dans_l_ordre_et_garde_qui_et_quand(contrat, acteurs):
    referent = acteurs["referent_cd13"]
    rapport = services.ouvrir_rapport(contrat, 2025, referent)
    assert rapport.etape == EtapeRapport.PROJET
    with pytest.raises(ValidationError, match="Proposé au préfet"):
        services.franchir_etape(rapport, EtapeRapport.ARRETE, referent, date(2026, 6, 1))
    services.franchir_etape(rapport, EtapeRapport.PROPOSE, referent, date(2026, 5, 1))
    with pytest.raises(ValidationError, match="avis rendu par l'ODPE"):
        services.franchir_etape(rapport, EtapeRapport.AVIS_ODPE, referent, date(2026, 6, 1))
    with pytest.raises(ValidationError, match="précède"):
        services.franchir_etape(rapport, EtapeRapport.AVIS_ODPE, referent, date(2026, 4, 1), avis_odpe="favorable")
    services.franchir_etape(rapport, EtapeRapport.AVIS_ODPE, referent, date(2026, 6, 12), avis_odpe="reserves")
    for etape in (EtapeRapport.ARRETE, EtapeRapport.DELIBERE, EtapeRapport.TRANSMIS):
        services.franchir_etape(rapport, etape, acteurs["referent_ars_paca"], date(2026, 7, 1))
    rapport.refresh_from_db()
    assert rapport.etape == EtapeRapport.TRANSMIS
    assert (rapport.avis_odpe, rapport.date_avis_odpe) == ("reserves", date(2026, 6, 12))
    assert [(e.etape, e.auteur) for e in rapport.etapes.all()][:2] == [
        (EtapeRapport.PROJET, referent),
        (EtapeRapport.PROPOSE, referent),
    ]
    assert rapport.etapes.last().auteur == acteurs["referent_ars_paca"]
    with pytest.raises(ValidationError, match="déjà transmis"):
        services.franchir_etape(rapport, EtapeRapport.TRANSMIS, referent, date(2026, 7, 2))


def test_redaction_historisee_et_conflit_detecte(client, contrat, acteurs):
    rapport = services.ouvrir_rapport(contrat, 2025, acteurs["referent_cd13"])
    url = reverse("rapports:rediger", args=[contrat.slug, 2025])
    client.force_login(acteurs["contributeur_cd13"])
    version = client.get(url).context["form"]["version"].value()
    reponse = client.post(url, {"synthese_globale": "Première version", "perspectives": "", "version": version})
    assert reponse.status_code == 302
    # Un second rédacteur avait ouvert la page avant : son enregistrement est refusé, sa saisie conservée.
    reponse = client.post(url, {"synthese_globale": "Texte concurrent", "perspectives": "P", "version": version})
    assert reponse.status_code == 409  # refus pour modification concurrente (issue 12 : 409, plus 200)
    page = reponse.content.decode()
    assert "modifié par quelqu&#x27;un d&#x27;autre" in page and "Texte concurrent" in page
    rapport.refresh_from_db()
    assert rapport.synthese_globale == "Première version"
    assert rapport.history.first().history_user == acteurs["contributeur_cd13"]
    assert rapport.history.count() == 2
    page = client.get(url).content.decode()  # l'historique est visible : qui, quand, quel texte
    assert "Première version" in page and escape(str(acteurs["contributeur_cd13"])) in page


def test_saisie_des_credits_executes(client, contrat, objectifs, sources, acteurs):
    rapport = services.ouvrir_rapport(contrat, 2025, acteurs["referent_cd13"])
    url = reverse("rapports:montants", args=[contrat.slug, 2025])
    client.force_login(acteurs["referent_cd13"])
    form = client.get(url).context["form"]
    donnees_post = {"version": form["version"].value()}
    o1, dep = objectifs[1].pk, sources["departement"].pk
    donnees_post[f"e_{o1}_{dep}"] = "12 345,50"
    donnees_post[f"d_{o1}_{dep}"] = "abc"
    reponse = client.post(url, donnees_post)
    assert reponse.status_code == 200
    assert "Saisissez un montant en euros" in reponse.content.decode()
    assert 'value="12 345,50"' in reponse.content.decode()  # rien de ce qui est tapé n'est perdu
    donnees_post[f"d_{o1}_{dep}"] = "10 000"
    assert client.post(url, donnees_post).status_code == 302
    ligne = rapport.montants.get()
    assert (ligne.engage, ligne.depense) == (Decimal("12345.50"), Decimal("10000"))
    d = donnees.rassembler(contrat, 2025)
    assert d.bilan.engage == Decimal("12345.50")
    assert d.bilan.programme == Decimal("735000")  # 100 000 + 120 000 + 50 000 + 55 000 + 200 000 + 210 000


def test_la_page_du_rapport_reprend_ce_qui_est_saisi(client, contrat, fiche, acteurs, django_assert_max_num_queries):
    services.ouvrir_rapport(contrat, 2025, acteurs["referent_cd13"])
    client.force_login(acteurs["lecteur_ars_paca"])
    with django_assert_max_num_queries(25):
        page = client.get(reverse("rapports:rapport", args=[contrat.slug, 2025])).content.decode()
    assert "Entretiens prénataux précoces réalisés" in page
    assert "1\u202f200" in page and "850" in page  # milliers séparés, comme les montants (issue 12)
    assert "Projet préparé par le Département" in page
    assert "Rédiger la synthèse" not in page  # un lecteur ne rédige pas


def test_requetes_constantes_avec_le_nombre_de_fiches(client, contrat, objectifs, acteurs, django_assert_num_queries):
    from fiches.models import Fiche, IndicateurQuantitatif

    services.ouvrir_rapport(contrat, 2025, acteurs["referent_cd13"])
    client.force_login(acteurs["referent_cd13"])
    url = reverse("rapports:rapport", args=[contrat.slug, 2025])

    def ajouter(n):
        for numero, objectif in list(objectifs.items())[:3]:
            oc = contrat.objectifs_contrat.get(objectif=objectif)
            debut = Fiche.objects.filter(objectif_contrat=oc).count()
            for k in range(n):
                f = Fiche.objects.create(contrat=contrat, objectif_contrat=oc, numero=debut + k + 1, titre=f"F{numero}")
                IndicateurQuantitatif.objects.create(fiche=f, libelle="I", cibles={"2025": "3"})

    ajouter(1)
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as avant:
        client.get(url)
    ajouter(10)
    with django_assert_num_queries(len(avant.captured_queries)):
        client.get(url)


def test_un_rapport_par_contrat_et_par_annee(contrat, acteurs):
    a = services.ouvrir_rapport(contrat, 2025, acteurs["referent_cd13"])
    b = services.ouvrir_rapport(contrat, 2025, acteurs["referent_cd13"])
    assert a.pk == b.pk and RapportExecution.objects.count() == 1
    with pytest.raises(ValidationError):
        services.ouvrir_rapport(contrat, 2031, acteurs["referent_cd13"])
