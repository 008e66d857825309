"""The Counting page as a visitor uses it: a link with a tiny config, Train, charts; bad input; streaming."""

import pytest

from tests.conftest import TINY_COUNTING, open_page, plotly_figures, press, train_and_wait

MAIN_CHART = "Sequence 1, step by step"


def titles(app) -> list[str]:
    return [figure["layout"]["title"]["text"] for figure in plotly_figures(app)]


@pytest.fixture(scope="module")
def trained_page():
    return train_and_wait("counting", TINY_COUNTING)


def test_train_then_every_chart_is_drawn(trained_page):
    app = trained_page
    assert not app.exception and not app.error
    shown = titles(app)
    assert shown[0].startswith(MAIN_CHART)  # the main chart: labels against predictions, replayable
    assert {
        "Error against sequence length",
        "Streaming: the count after each chunk",
        "Training loss (MSE of the count)",
    } <= set(shown)
    assert any(t.startswith("Hidden state of many-to-many, sequence 1") for t in shown)
    main = plotly_figures(app)[0]
    assert [trace["name"] for trace in main["data"]] == ["input bit", "true count", "many-to-one", "many-to-many"]
    sweep = [f for f in plotly_figures(app) if f["layout"]["title"]["text"] == "Error against sequence length"][0]
    assert len(sweep["data"]) == 2 and len(sweep["data"][0]["x"]) >= 40
    assert app.get("dataframe")
    assert {b.proto.label for b in app.get("download_button")} >= {"Predictions (CSV)", "Configuration (JSON)"}


def test_the_headline_error_at_length_5_comes_first(trained_page):
    labels = [metric.label for metric in trained_page.metric]
    assert labels[:2] == ["Error at length 5: many-to-one", "Error at length 5: many-to-many"]


def test_the_same_link_later_loads_from_the_cache_without_training(trained_page):
    app = open_page("counting", TINY_COUNTING)
    assert not app.exception and len(plotly_figures(app)) >= 5
    assert not [i for i in app.info if "not trained yet" in i.value]


def test_the_sample_picker_and_the_replay_slider_change_the_main_chart(trained_page):
    app = open_page("counting", TINY_COUNTING)
    first = plotly_figures(app)[0]
    app.select_slider(key="counting-sample").set_value(3).run()
    fourth = plotly_figures(app)[0]
    assert fourth["layout"]["title"]["text"].startswith("Sequence 4,")
    assert first["data"][0]["y"] != fourth["data"][0]["y"]
    app.select_slider(key="counting-replay-epoch").set_value(1).run()
    assert "After epoch 1 of 2" in plotly_figures(app)[0]["layout"]["title"]["text"] and not app.exception


def test_streaming_panel_carries_state_for_typed_chunks(trained_page):
    app = open_page("counting", TINY_COUNTING)
    app.text_input[0].set_value("11 0 1")
    press(app, "Feed the chunks")
    stream = [f for f in plotly_figures(app) if f["layout"]["title"]["text"].startswith("Streaming")][0]
    assert stream["data"][0]["x"] == ["chunk 1: 11", "chunk 2: 0", "chunk 3: 1"]
    assert list(stream["data"][0]["y"]) == [2, 2, 3]


@pytest.mark.parametrize("typed,reason", [("12 x", "only the digits 0 and 1"), ("10 " * 45, "Too long")])
def test_bad_chunks_say_why_and_no_old_chart_stays_under_the_warning(trained_page, typed, reason):
    app = open_page("counting", TINY_COUNTING)
    app.text_input[0].set_value(typed)
    press(app, "Feed the chunks")
    assert any(reason in w.value for w in app.warning) and not app.exception
    assert "Streaming: the count after each chunk" not in titles(app)


@pytest.mark.parametrize(
    "params",
    [
        {"epochs": "nan", "units": "1e400", "seed": "-5"},
        {"train_length": "<img src=x onerror=alert(1)>", "scale_targets": "maybe"},
        {f"junk{i}": "x" * 50 for i in range(200)},
    ],
)
def test_hostile_links_are_clamped_with_warnings_and_no_traceback(params):
    app = open_page("counting", params)
    assert not app.exception
    assert app.warning
    assert "<img" not in " ".join(w.value for w in app.warning).replace("\\<img", "")
