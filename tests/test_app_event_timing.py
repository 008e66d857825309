"""The Event timing page as a visitor uses it: a link with a tiny config, Train, charts; the paper table; bad input."""

import pytest

from tests.conftest import open_page, open_untrained_then_train, plotly_figures, press

TINY_EVENT_TIMING = {"windows": "40", "epochs": "2", "units": "4", "batch_size": "20"}


@pytest.fixture(scope="module")
def trained_page():
    return open_untrained_then_train("event_timing", TINY_EVENT_TIMING)


def test_train_then_every_chart_is_drawn(trained_page):
    app = trained_page
    assert not app.exception and not app.error
    titles = [figure["layout"]["title"]["text"] for figure in plotly_figures(app)]
    assert titles[0].startswith("Held-out window")
    assert any(t.startswith("Soft alignment") for t in titles)
    assert {"Peaks of the held-out event windows: true against predicted", "DILATE's two parts during training",
            "Training loss (each variant its own loss)"} <= set(titles)
    window = plotly_figures(app)[0]
    assert len(window["data"]) == 5  # history, truth, three predictions
    assert app.get("dataframe")
    assert {b.proto.label for b in app.get("download_button")} >= {"Predictions (CSV)", "Configuration (JSON)"}


def test_the_same_link_later_loads_from_the_cache_and_the_pickers_redraw(trained_page):
    app = open_page("event_timing", TINY_EVENT_TIMING)
    assert not app.exception and len(plotly_figures(app)) >= 5
    app.slider(key="event-timing-window").set_value(2)
    app.radio(key="event-timing-alignment-variant").set_value("mse")
    app.run()
    assert not app.exception
    titles = [figure["layout"]["title"]["text"] for figure in plotly_figures(app)]
    assert "Held-out window" in titles[0] and any(t.endswith("MSE prediction") for t in titles)


def test_the_synthetic_set_shows_the_papers_numbers_beside_ours():
    app = open_page("event_timing", {"dataset": "dilate_synthetic", "epochs": "1", "units": "4", "batch_size": "100"})
    press(app, "Train")
    assert not app.exception and not app.error
    assert any("Beside the paper" in m.value for m in app.markdown)
    assert len(app.get("dataframe")) >= 2


@pytest.mark.parametrize("params", [
    {"gamma": "0", "alpha": "7", "horizon": "1e9"},
    {"gamma": "-1", "dataset": "<img src=x onerror=alert(1)>", "epochs": "nan"},
    {f"junk{i}": "x" * 50 for i in range(200)},
])
def test_hostile_links_are_clamped_with_warnings_and_no_traceback(params):
    app = open_page("event_timing", params)
    assert not app.exception
    assert app.warning
    assert "<img" not in " ".join(w.value for w in app.warning).replace("\\<img", "")
