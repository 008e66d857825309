"""The Sine frequency page as a visitor uses it: a link with a tiny config, Train, charts; bad input."""

import pytest

from tests.conftest import open_page, open_untrained_then_train, plotly_figures
from tests.test_sine_frequency import TINY_SINE


@pytest.fixture(scope="module")
def trained_page():
    return open_untrained_then_train("sine_frequency", TINY_SINE)


def test_train_then_every_chart_and_table_is_drawn(trained_page):
    app = trained_page
    assert not app.exception and not app.error
    titles = [figure["layout"]["title"]["text"] for figure in plotly_figures(app)]
    assert titles[0] == "Held-out series: estimated vs true frequency"
    assert {"Held-out RMSE against noise, and the floor no unbiased estimator beats", "Training curves"} \
        <= set(titles)
    assert any(t.startswith("Error against true frequency") for t in titles)
    assert any(t.startswith("A held-out series") for t in titles)
    assert any(t.startswith("The seed's sweep") for t in titles)  # sweep off: the seed's numbers alone
    scatter = plotly_figures(app)[0]
    assert len([trace for trace in scatter["data"] if trace["mode"] == "markers"]) == 4  # one panel each
    assert app.get("dataframe")
    assert {b.proto.label for b in app.get("download_button")} >= {"Predictions (CSV)", "Configuration (JSON)"}


def test_the_example_picker_changes_the_example(trained_page):
    app = open_page("sine_frequency", TINY_SINE)
    first = [f for f in plotly_figures(app) if f["layout"]["title"]["text"].startswith("A held-out series")][0]
    app.slider(key="sine-frequency-example").set_value(3).run()
    third = [f for f in plotly_figures(app) if f["layout"]["title"]["text"].startswith("A held-out series")][0]
    assert not app.exception and first["data"][0]["y"] != third["data"][0]["y"]


@pytest.mark.parametrize("params,expected", [
    ({"max_frequency": "90", "series_length": "100"}, "alias"),
    ({"series_per_frequency": "0"}, "minimum"),
    ({"noise": "true", "snr_db": "inf"}, "no noise"),
    ({"snr_db": "nan", "frequency_grid": "<script>"}, "finite"),
])
def test_bad_links_are_clamped_with_warnings_and_no_traceback(params, expected):
    app = open_page("sine_frequency", params)
    assert not app.exception
    assert any(expected in w.value for w in app.warning)
