"""The Sine frequency page as a visitor uses it: a link with a tiny config, Train, charts; bad input."""

import pytest

from tests.conftest import TINY_SINE_FREQUENCY, open_page, plotly_figures, train_and_wait

MAIN_CHART = "Held-out series: estimated vs true frequency"


def titles(app) -> list[str]:
    return [figure["layout"]["title"]["text"] for figure in plotly_figures(app)]


def figure_titled(app, start: str) -> dict:
    return next(f for f in plotly_figures(app) if f["layout"]["title"]["text"].startswith(start))


@pytest.fixture(scope="module")
def trained_page():
    return train_and_wait("sine_frequency", TINY_SINE_FREQUENCY)


def test_train_then_every_chart_and_table_is_drawn(trained_page):
    app = trained_page
    assert not app.exception and not app.error
    shown = titles(app)
    assert shown[0].startswith(MAIN_CHART)  # the main chart, replayable by epoch
    assert {"Held-out RMSE against noise, and the floor no unbiased estimator beats", "Training curves"} <= set(shown)
    assert any(t.startswith("Error against true frequency") for t in shown)
    assert any(t.startswith("Held-out example 6: true") for t in shown)  # the highest frequency by default
    assert app.selectbox(key="sine_frequency.sweep-param").value == "max_frequency"  # the seed's sweep, in the panel
    scatter = plotly_figures(app)[0]
    assert len([trace for trace in scatter["data"] if trace["mode"] == "markers"]) == 4  # one panel each
    assert app.get("dataframe")
    assert {b.proto.label for b in app.get("download_button")} >= {"Predictions (CSV)", "Configuration (JSON)"}


def test_the_noise_chart_reaches_40_db_and_the_text_names_its_threshold(trained_page):
    app = trained_page
    figure = figure_titled(app, "Held-out RMSE against noise")
    assert all(max(trace["x"]) == 40 for trace in figure["data"])  # every estimator, the bound and the plain peak
    captions = " ".join(caption.value for caption in app.caption)
    shapes = figure["layout"].get("shapes", [])
    if shapes:  # a threshold above the lowest level: shaded up to it, and said in words
        threshold = shapes[0]["x1"]
        assert shapes[0]["x0"] == -10 and f"From {threshold:g} dB up to 40 dB" in captions
        assert "no estimator follows the bound" in captions
    else:
        assert "does not come within" in captions or "From -10 dB up to 40 dB" in captions


def test_the_headline_comes_first(trained_page):
    labels = [metric.label for metric in trained_page.metric]
    assert labels[:2] == ["Held-out error: naive LSTM", "Held-out error: fixed LSTM"]


def test_the_example_picker_and_the_replay_slider_change_their_charts(trained_page):
    app = open_page("sine_frequency", TINY_SINE_FREQUENCY)
    last = figure_titled(app, "Held-out example")
    app.select_slider(key="sine_frequency-sample").set_value(2).run()
    third = figure_titled(app, "Held-out example")
    assert not app.exception and third["layout"]["title"]["text"].startswith("Held-out example 3:")
    assert last["data"][0]["y"] != third["data"][0]["y"]
    app.select_slider(key="sine_frequency-replay-epoch").set_value(1).run()
    assert "After epoch 1 of 2" in plotly_figures(app)[0]["layout"]["title"]["text"] and not app.exception


@pytest.mark.parametrize(
    "params,expected",
    [
        ({"max_frequency": "90", "series_length": "100"}, "alias"),
        ({"series_per_frequency": "0"}, "minimum"),
        ({"noise": "true", "snr_db": "inf"}, "no noise"),
        ({"snr_db": "nan", "frequency_grid": "<script>"}, "finite"),
    ],
)
def test_bad_links_are_clamped_with_warnings_and_no_traceback(params, expected):
    app = open_page("sine_frequency", params)
    assert not app.exception
    assert any(expected in w.value for w in app.warning)
