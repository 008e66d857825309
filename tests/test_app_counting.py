"""The Counting page as a visitor uses it: a link with a tiny config, Train, charts; bad input; streaming."""

import pytest

from tests.conftest import TINY_COUNTING, open_page, open_untrained_then_train, plotly_figures, press


@pytest.fixture(scope="module")
def trained_page():
    return open_untrained_then_train("counting", TINY_COUNTING)


def test_train_then_every_chart_is_drawn(trained_page):
    app = trained_page
    assert not app.exception and not app.error
    titles = [figure["layout"]["title"]["text"] for figure in plotly_figures(app)]
    assert titles[0] == "Error against sequence length"
    assert {"Labels against predictions, step by step", "Streaming: the count after each chunk",
            "Training loss (MSE of the count)"} <= set(titles)
    assert any(t.startswith("Hidden state") for t in titles)
    sweep = plotly_figures(app)[0]
    assert len(sweep["data"]) == 2 and len(sweep["data"][0]["x"]) >= 40
    assert app.get("dataframe")
    assert {b.proto.label for b in app.get("download_button")} >= {"Predictions (CSV)", "Configuration (JSON)"}


def test_the_same_link_later_loads_from_the_cache_without_training(trained_page):
    app = open_page("counting", TINY_COUNTING)
    assert not app.exception and len(plotly_figures(app)) >= 5
    assert not [i for i in app.info if "not been trained" in i.value]


def test_streaming_panel_carries_state_for_typed_chunks(trained_page):
    app = open_page("counting", TINY_COUNTING)
    app.text_input[0].set_value("11 0 1")
    press(app, "Feed the chunks")
    stream = [f for f in plotly_figures(app) if f["layout"]["title"]["text"].startswith("Streaming")][0]
    assert stream["data"][0]["x"] == ["chunk 1: 11", "chunk 2: 0", "chunk 3: 1"]
    assert list(stream["data"][0]["y"]) == [2, 2, 3]
    app.text_input[0].set_value("12 x")
    press(app, "Feed the chunks")
    assert any("only the digits 0 and 1" in w.value for w in app.warning) and not app.exception


@pytest.mark.parametrize("params", [
    {"epochs": "nan", "units": "1e400", "seed": "-5"},
    {"train_length": "<img src=x onerror=alert(1)>", "scale_targets": "maybe"},
    {f"junk{i}": "x" * 50 for i in range(200)},
])
def test_hostile_links_are_clamped_with_warnings_and_no_traceback(params):
    app = open_page("counting", params)
    assert not app.exception
    assert app.warning
    assert "<img" not in " ".join(w.value for w in app.warning).replace("\\<img", "")
