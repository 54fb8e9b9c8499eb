from urllib.parse import parse_qs, urlparse

from django.urls import reverse

from pratiques.models import Pratique


def test_fiche_propose_releves_et_pratique_inspirante_pre_remplie(client, acteurs, fiche13):
    fiche13.description = "Recruter et former des assistants familiaux."
    fiche13.save()
    client.force_login(acteurs["contributeur_cd13"])
    page = client.get(reverse("fiches:fiche", args=[fiche13.pk]))
    liens = {lien["libelle"]: lien["url"] for lien in page.context["liens_fiche"]}
    assert liens["Relevés et indicateurs"] == reverse("suivi:releves_fiche", args=[fiche13.pk])
    proposition = urlparse(liens["Proposer comme pratique inspirante"])
    assert parse_qs(proposition.query)["departement"] == ["13"]

    assert client.get(liens["Proposer comme pratique inspirante"]).status_code == 200  # aperçu, rien de créé
    assert not Pratique.objects.exists()
    parametres = {nom: valeurs[0] for nom, valeurs in parse_qs(proposition.query).items()}
    reponse = client.post(proposition.path, parametres)
    assert reponse.status_code == 302
    brouillon = Pratique.objects.get(declarant=acteurs["contributeur_cd13"])
    assert brouillon.intitule == "Développer l'accueil familial"
    assert brouillon.description == "Recruter et former des assistants familiaux."
    assert brouillon.departement.code == "13"


def test_joindre_une_ressource_de_l_espace_partage_sans_nouveau_depot(client, acteurs, fiche13):
    from espace_partage.models import Espace, Ressource

    espace = Espace.objects.get(departement__code="13")
    ressource = Ressource.objects.create(
        espace=espace,
        section="methodes",
        titre="Guide de l'entretien prénatal",
        resume="Un guide.",
        lien="https://exemple.fr/guide",
        auteur=acteurs["contributeur_cd13"],
    )
    url = reverse("fiches:joindre", args=[fiche13.pk])
    # Un lecteur du territoire ne joint rien ; un contributeur d'un autre département non plus.
    for nom in ("lecteur_cd13", "referent_cd47"):
        client.force_login(acteurs[nom])
        assert client.post(url, {"ressource": ressource.pk}).status_code in (403, 404)
    client.force_login(acteurs["contributeur_cd13"])
    reponse = client.post(url, {"ressource": ressource.pk}, follow=True)
    assert "Guide de l&#x27;entretien prénatal" in reponse.content.decode()
    assert ressource.pieces_jointes.count() == 1
    # La ressource d'un autre département ne se joint pas (elle n'est pas visible).
    autre = Ressource.objects.create(
        espace=Espace.objects.get(departement__code="47"),
        section="methodes",
        titre="Autre",
        resume="x",
        lien="https://exemple.fr/x",
        auteur=acteurs["referent_cd47"],
    )
    client.post(url, {"ressource": autre.pk})
    assert autre.pieces_jointes.count() == 0
