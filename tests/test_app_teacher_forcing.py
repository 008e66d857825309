"""The Teacher forcing page as a visitor uses it: a link with a tiny config, Train, charts; bad input."""

import time

import pytest

from tests.conftest import TINY_TEACHER_FORCING, open_page, plotly_figures, press

MAIN_CHART = "Validation window"


def titles(app) -> list[str]:
    return [figure["layout"]["title"]["text"] for figure in plotly_figures(app)]


def train_and_wait(page: str, params: dict, timeout: float = 240):
    """Open a link nobody has trained (it must not train by itself), press Train, rerun until the run is done."""
    app = open_page(page, params)
    assert "not trained yet" in " ".join(i.value for i in app.info)
    press(app, "Train")
    deadline = time.monotonic() + timeout
    while [b for b in app.button if b.label == "Cancel training"] and time.monotonic() < deadline:
        time.sleep(1)
        app.run()
    return app


@pytest.fixture(scope="module")
def trained_page():
    return train_and_wait("teacher_forcing", TINY_TEACHER_FORCING)


def test_train_then_every_chart_is_drawn(trained_page):
    app = trained_page
    assert not app.exception and not app.error
    shown = titles(app)
    assert shown[0].startswith(MAIN_CHART) and "After training (2 epochs)" in shown[0]
    assert {
        "Free-running error along the horizon",
        "Probability of feeding the true previous value",
        "Validation error during training",
    } <= set(shown)
    main = plotly_figures(app)[0]
    names = [trace["name"] for trace in main["data"]]
    assert names == [
        "history (what the encoder reads)",
        "true future (gaps: missing)",
        "Teacher forcing: fed the truth",
        "Teacher forcing: fed its own predictions",
        "Scheduled sampling: fed its own predictions",
        "Free running: fed its own predictions",
        "Direct multi-step: fed its own predictions",
    ]
    dashes = {
        trace["name"]: trace["line"]["dash"]
        for trace in main["data"]
        if "line" in trace and trace["name"].endswith("predictions")
    }
    assert len(set(dashes.values())) == 4  # not told apart by colour alone
    horizon = [f for f in plotly_figures(app) if f["layout"]["title"]["text"].startswith("Free-running")][0]
    assert len(horizon["data"]) == 4 and list(horizon["data"][0]["x"]) == [1, 2, 3, 4, 5]
    assert app.get("dataframe")
    assert any("built right" in s.value for s in app.success)
    assert {b.proto.label for b in app.get("download_button")} >= {"Predictions (CSV)", "Configuration (JSON)"}


def test_the_headline_gap_comes_first(trained_page):
    metrics = trained_page.metric
    assert [m.label for m in metrics][:2] == [
        "Teacher forcing: validation MSE fed the truth",
        "The same model fed its own predictions",
    ]
    assert metrics[1].proto.delta.endswith("× worse")
    said = " ".join(m.value for m in trained_page.markdown)
    for name in ("Scheduled sampling", "Free running", "Direct multi-step"):  # a verdict per remedy, from numbers
        assert f"**{name}**" in said


def test_the_table_compares_each_free_running_error_with_teacher_forcings(trained_page):
    table = trained_page.dataframe[0].value
    assert list(table.index) == ["Teacher forcing", "Scheduled sampling", "Free running", "Direct multi-step"]
    assert list(table.columns) == ["fed truth", "free run", "free run ÷ TF's"]
    assert table.loc["Teacher forcing", "free run ÷ TF's"] == "1"


def test_the_page_opens_on_the_default_window_and_the_picker_and_replay_redraw_it(trained_page):
    import seqcore
    from seqcore.store import Store, entry_key

    scenario = seqcore.get_scenario("teacher_forcing")
    config, _ = scenario.Config.from_params(TINY_TEACHER_FORCING)
    result, _ = Store().load(entry_key(scenario.name, config, scenario.version))
    default = result.artifacts.default_sample
    app = open_page("teacher_forcing", TINY_TEACHER_FORCING)
    assert titles(app)[0].startswith(f"Validation window {default + 1} ")
    other = 2 if default != 2 else 3
    app.select_slider(key="teacher_forcing-sample").set_value(other).run()
    assert titles(app)[0].startswith(f"Validation window {other + 1} ") and not app.exception
    app.select_slider(key="teacher_forcing-replay-epoch").set_value(1).run()
    assert "After epoch 1 of 2" in titles(app)[0] and not app.exception


@pytest.mark.parametrize(
    "params,warned",
    [
        ({"input_length": "1000", "horizon": "-2"}, "History length"),
        ({"schedule": "cosine"}, "Sampling schedule"),
        ({"mask_rate": "1"}, "Missing targets"),
        ({"epochs": "nan", "units": "1e400", "seed": "<img src=x onerror=alert(1)>"}, "Epochs"),
    ],
)
def test_bad_links_are_clamped_with_warnings_and_no_traceback(params, warned):
    app = open_page("teacher_forcing", params)
    assert not app.exception
    assert any(warned in w.value for w in app.warning)
    assert "<img" not in " ".join(w.value for w in app.warning).replace("\\<img", "")


def test_the_shipped_default_opens_with_its_charts_and_no_training():
    app = open_page("teacher_forcing")
    assert not app.exception and not app.error
    assert titles(app)[0].startswith(MAIN_CHART) and len(plotly_figures(app)) >= 4
    noise = [m.value for m in app.markdown if m.value.startswith("Against noise")]  # read off the shipped sweep
    assert len(noise) == 1 and "at noise 0 the best remedy" in noise[0] and "at noise 0.3" in noise[0]
