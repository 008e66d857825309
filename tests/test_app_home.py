"""The home page introduces the app and links every page."""

import seqcore
from tests.conftest import open_page


def test_home_links_every_scenario_page():
    app = open_page("home")
    assert not app.exception
    assert app.title[0].value == "Sequence Lab"
    links = [link.proto.page for link in app.get("page_link")]
    assert sorted(links) == sorted(seqcore.SCENARIOS)  # the url path of each page
