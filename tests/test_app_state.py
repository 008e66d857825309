"""The page's one source of truth (its configuration) against the URL and the widgets, through AppTest.

The real-browser tests (test_browser_loop.py) drive the same loop in Chromium; these check the rules quickly.
"""

from seqcore import get_scenario
from tests.conftest import TINY_COUNTING, open_page

COUNTING = get_scenario("counting")


def widget(app, name: str):
    """The sidebar widget of a counting parameter, found by its stable key."""
    candidates = (
        list(app.sidebar.get("slider")) + list(app.sidebar.get("number_input")) + list(app.sidebar.get("checkbox"))
    )
    return next(w for w in candidates if w.key == f"counting.{name}")


def url(app) -> dict[str, str]:
    return {name: (value[-1] if isinstance(value, list) else value) for name, value in app.query_params.items()}


def test_the_address_bar_holds_the_whole_configuration_from_the_first_load():
    app = open_page("counting")
    assert url(app) == COUNTING.Config().to_params()


def test_an_edit_says_settings_changed_until_train_and_a_work_cap_shows_in_its_widget():
    app = open_page("counting", TINY_COUNTING)
    assert not any("Settings changed" in caption.value for caption in app.sidebar.caption)
    widget(app, "epochs").set_value(200)
    widget(app, "train_sequences").set_value(5000)
    app.run()
    assert any("Settings changed" in caption.value for caption in app.sidebar.caption)
    app.sidebar.button(key="counting.train").click()
    app.run(timeout=120)
    capped = widget(app, "epochs").value
    assert capped < 200  # 5000 sequences of length 20: the work cap allows fewer epochs
    assert any("Epochs" in warning.value for warning in app.warning)
    assert url(app)["epochs"] == str(capped)  # widget, URL and configuration agree
    assert not any("Settings changed" in caption.value for caption in app.sidebar.caption)
    app.button(key="counting.cancel").click()  # leave no run behind
    app.run(timeout=120)


def test_a_bad_link_value_is_clamped_in_the_widget_the_url_and_a_warning():
    app = open_page("counting", {**TINY_COUNTING, "units": "100000"})
    assert widget(app, "units").value == 128
    assert url(app)["units"] == "128"
    assert any("LSTM units" in warning.value for warning in app.warning)
    assert not app.exception


def test_a_link_nobody_trained_shows_the_default_results_under_a_banner_with_an_estimate():
    app = open_page("counting", {**TINY_COUNTING, "seed": "424242"})
    banner = " ".join(info.value for info in app.info)
    assert "not trained yet" in banner and "about" in banner
    assert app.get("plotly_chart")  # the default's results, never a blank page
