"""The Teacher forcing page as a visitor uses it: a link with a tiny config, Train, charts; bad input."""

import pytest

from tests.conftest import open_page, open_untrained_then_train, plotly_figures

TINY_TEACHER_FORCING = {"train_windows": "200", "epochs": "2", "batch_size": "100", "units": "8",
                        "input_length": "10", "horizon": "5"}


@pytest.fixture(scope="module")
def trained_page():
    return open_untrained_then_train("teacher_forcing", TINY_TEACHER_FORCING)


def test_train_then_every_chart_is_drawn(trained_page):
    app = trained_page
    assert not app.exception and not app.error
    titles = [figure["layout"]["title"]["text"] for figure in plotly_figures(app)]
    assert titles[0].startswith("Validation window 1")
    assert {"Free-running error along the horizon", "Probability of feeding the true previous value",
            "Validation error during training"} <= set(titles)
    horizon = [f for f in plotly_figures(app) if f["layout"]["title"]["text"].startswith("Free-running")][0]
    assert len(horizon["data"]) == 3 and list(horizon["data"][0]["x"]) == [1, 2, 3, 4, 5]
    assert app.get("dataframe")
    assert any("built right" in s.value for s in app.success)
    assert {b.proto.label for b in app.get("download_button")} >= {"Predictions (CSV)", "Configuration (JSON)"}


def test_the_window_picker_and_variant_switch_redraw_the_window(trained_page):
    app = open_page("teacher_forcing", TINY_TEACHER_FORCING)
    app.radio(key="teacher-forcing-variant").set_value("free_running")
    app.slider(key="teacher-forcing-window").set_value(3)
    app.run()
    assert not app.exception
    assert plotly_figures(app)[0]["layout"]["title"]["text"] == "Validation window 3: Free running"


@pytest.mark.parametrize("params,warned", [
    ({"input_length": "1000", "horizon": "-2"}, "History length"),
    ({"schedule": "cosine"}, "Sampling schedule"),
    ({"mask_rate": "1"}, "Missing targets"),
    ({"epochs": "nan", "units": "1e400", "seed": "<img src=x onerror=alert(1)>"}, "Epochs"),
])
def test_bad_links_are_clamped_with_warnings_and_no_traceback(params, warned):
    app = open_page("teacher_forcing", params)
    assert not app.exception
    assert any(warned in w.value for w in app.warning)
    assert "<img" not in " ".join(w.value for w in app.warning).replace("\\<img", "")
