"""Random and hostile query strings on every page: never an exception, always a usable page."""

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import seqcore
from tests.conftest import open_page

PAGES = list(seqcore.SCENARIOS)
KNOWN_NAMES = sorted({spec.name for s in seqcore.SCENARIOS.values() for spec in s.Config.specs()})
HOSTILE = ["nan", "-inf", "1e999", "-1", "0", "999999999999999999999", "true", "", " ", "%00", "../../etc",
           "<script>alert(1)</script>", "[x](javascript:alert(1))", "'; DROP TABLE x; --", "\u202e\u0000", "é" * 70]

names = st.one_of(st.sampled_from(KNOWN_NAMES), st.text(string.printable, min_size=1, max_size=20))
values = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40), st.floats().map(str), st.integers().map(str))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(page=st.sampled_from(PAGES), params=st.dictionaries(names, values, max_size=6))
def test_any_link_opens_without_an_exception(page, params):
    app = open_page(page, params, timeout=60)
    assert not app.exception, app.exception
    assert app.title and app.get("form")  # the page and its sidebar form are there
