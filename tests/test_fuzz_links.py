"""Random and hostile query strings on every page: never an exception, always a usable page."""

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import seqcore
from tests.conftest import open_page

PAGES = list(seqcore.SCENARIOS)
KNOWN_NAMES = sorted({spec.name for s in seqcore.SCENARIOS.values() for spec in s.Config.specs()})
HOSTILE = [
    "nan",
    "-inf",
    "1e999",
    "-1",
    "0",
    "999999999999999999999",
    "true",
    "",
    " ",
    "%00",
    "../../etc",
    "<script>alert(1)</script>",
    "[x](javascript:alert(1))",
    "'; DROP TABLE x; --",
    "\u202e\u0000",
    "é" * 70,
]

names = st.one_of(st.sampled_from(KNOWN_NAMES), st.text(string.printable, min_size=1, max_size=20))
values = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40), st.floats().map(str), st.integers().map(str))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(page=st.sampled_from(PAGES), params=st.dictionaries(names, values, max_size=6))
def test_any_link_opens_without_an_exception(page, params):
    app = open_page(page, params, timeout=60)
    assert not app.exception, app.exception
    assert app.title and [b for b in app.button if b.label == "Train"]  # the page and its Train button are there


def test_a_ten_thousand_digit_value_is_refused_without_being_echoed():
    """The probe's finding: a 10,000-digit snr_db slipped past the length limit and came back in the warning."""
    app = open_page("sine_frequency", {"snr_db": "1" * 10_000, "epochs": "9" * 10_000}, timeout=60)
    assert not app.exception, app.exception
    shown = [element.value for element in (*app.warning, *app.info, *app.error)]
    assert any("10,000 characters" in text for text in shown), shown
    assert all("1" * 30 not in text and "9" * 30 not in text and len(text) < 2000 for text in shown)
