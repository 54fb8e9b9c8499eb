from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory


def test_pagination_commune_garde_les_filtres_et_ne_plante_pas_en_page_2():
    requete = RequestFactory().get("/", {"region": "93", "page": "2"})
    page = Paginator(list(range(250)), 100).get_page(2)
    html = render_to_string("includes/pagination.html", {"page": page}, request=requete)
    assert "2 / 3" in html
    assert "?region=93&amp;page=1" in html and "?region=93&amp;page=3" in html
