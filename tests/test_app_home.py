"""The home page introduces the app, points to where to start, and links every page with a glimpse of it."""

import seqcore
from tests.conftest import open_page, plotly_figures


def test_home_links_every_scenario_page_and_points_to_the_headline_page():
    app = open_page("home")
    assert not app.exception
    assert app.title[0].value == "Sequence Lab"
    links = [link.proto.page for link in app.get("page_link")]
    assert links[0] == "teacher_forcing"  # "Start here": the headline page
    assert sorted(set(links)) == sorted(seqcore.SCENARIOS)  # the url path of each page


def test_home_shows_a_thumbnail_of_every_pages_main_chart():
    app = open_page("home")
    assert len(plotly_figures(app)) == len(seqcore.SCENARIOS)
