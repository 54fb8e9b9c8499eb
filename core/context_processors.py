from django.urls import reverse


class ConfigurationSite:
    """Ce que django-dsfr attend dans SITE_CONFIG, sans requête en base à chaque page."""

    site_title = "Contrat Enfance"
    site_tagline = "Pilotage partagé de la contractualisation en prévention et protection de l'enfance"
    header_brand_html = "République<br>française"
    footer_brand_html = "République<br>française"
    footer_description = ""
    beta_tag = False
    mourning = False
    notice_title = ""
    notice_description = ""
    operator_logo_file = None
    operator_logo_alt = ""
    operator_logo_width = 0


def interface(request):
    user = getattr(request, "user", None)
    navigation = []
    institution = None
    if user is not None and user.is_authenticated:
        navigation = [
            {"libelle": "Contrats", "url": reverse("accueil"), "section": "contrats"},
            {"libelle": "Espace partagé", "url": reverse("espace_partage:accueil"), "section": "espace"},
            {
                "libelle": "Pratiques inspirantes",
                "url": reverse("pratiques:bibliotheque"),
                "section": "pratiques",
            },
            {"libelle": "Mes notifications", "url": reverse("suivi:notifications"), "section": "notifications"},
        ]
        if user.perimetre.national:
            navigation.append(
                {"libelle": "Rapports nationaux", "url": reverse("rapports:national"), "section": "rapports"}
            )
        if user.perimetre.administrateur_national:
            navigation.append(
                {
                    "libelle": "Référentiels",
                    "url": reverse("contractualisation:referentiels"),
                    "section": "referentiels",
                }
            )
        institution = user.perimetre.libelle_institutions
    return {"SITE_CONFIG": ConfigurationSite, "navigation": navigation, "institution_courante": institution}
