"""The sweep panel as a visitor uses it: a shipped sweep draws at once with no training, a link's sweep is shown
but never trains by itself, hostile links are refused with a warning naming the parameter, and Run sweep trains
the points as ordinary runs (and can be cancelled as a whole)."""

import time

import pytest

from seqcore.jobs import JobManager
from seqcore.scenarios import get_scenario
from seqcore.sweep import format_values
from seqcore.sweep_stories import STORY_SWEEPS
from tests.conftest import TINY_COUNTING, plotly_figures

# A page that shows only the sweep panel, on the configuration its link carries. Guarded: a spawned training
# worker imports the running script as __mp_main__ and must not draw the page.
SWEEP_PAGE = """
if __name__ == "__main__":
    from seqcore.scenarios import get_scenario
    from seqcore.ui.form import current_config
    from seqcore.ui.sweep import sweep_panel

    scenario = get_scenario("{name}")
    sweep_panel(scenario, current_config(scenario))
"""


def open_sweep(params=None, timeout=120, name="counting"):
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_string(SWEEP_PAGE.replace("{name}", name), default_timeout=timeout)
    app.query_params.update(params or {})
    app.run()
    return app


@pytest.fixture
def no_training(monkeypatch):
    """Any submit to the job manager fails the test: the panel must draw without training."""

    def refuse(*args, **kwargs):
        raise AssertionError("the sweep panel submitted a run without a press of Run sweep")

    monkeypatch.setattr(JobManager, "submit", refuse)


def sweep_charts(app):
    return [figure for figure in plotly_figures(app) if figure["layout"]["title"]["text"].startswith("Against")]


def test_the_shipped_story_sweep_draws_at_once_with_no_training(no_training):
    started = time.perf_counter()
    app = open_sweep()
    seconds = time.perf_counter() - started
    assert not app.exception and not app.warning
    [figure] = sweep_charts(app)
    names = [trace["name"] for trace in figure["data"]]
    assert names == [
        "many-to-one · MSE at length 5",
        "many-to-many · MSE at length 5",
        "many-to-one · MSE at length 40",
        "many-to-many · MSE at length 40",
    ]
    assert list(figure["data"][0]["x"]) == [5, 10, 20, 40] and None not in figure["data"][0]["y"]
    assert any("Shipped with the app" in caption.value for caption in app.caption)
    assert app.selectbox(key="counting.sweep-param").value == "train_length"
    assert "Training length" in app.selectbox(key="counting.sweep-param").options  # labels, not identifiers
    assert not [o for o in app.selectbox(key="counting.sweep-param").options if "_" in o]
    assert app.text_input(key="counting.sweep-values").value == "5,10,20,40"
    assert "sweep" not in app.query_params  # an untouched panel leaves the address bar alone
    assert seconds < 5, seconds  # the whole page with AppTest's overhead; the draw itself is well under 1 s


def test_run_sweep_on_a_shipped_sweep_trains_nothing(no_training):
    app = open_sweep()
    [b for b in app.button if b.label == "Run sweep"][0].click().run()
    assert not app.exception and sweep_charts(app)
    assert any("Every point of this sweep is trained already" in info.value for info in app.info)
    assert app.query_params["sweep"] in ("train_length", ["train_length"])  # pressed: the link carries it now


@pytest.mark.parametrize(
    "name,story",
    [(name, story) for name, stories in STORY_SWEEPS.items() for story in stories if story.preset == "default"],
)
def test_every_shipped_story_sweep_draws_from_its_link_with_no_training(no_training, name, story):
    app = open_sweep({"sweep": story.param, "values": format_values(story.values)}, name=name)
    assert not app.exception and not app.warning
    [figure] = sweep_charts(app)
    scenario = get_scenario(name)
    names = [trace["name"] for trace in figure["data"]]
    assert all(" · " in n or n.startswith("the seed") for n in names) and not [n for n in names if "_" in n]
    reporting = {n.split(" · ")[0] for n in names}
    assert {v.name for v in scenario.variants} <= reporting  # every variant is drawn
    assert any("Shipped with the app" in caption.value for caption in app.caption)


def test_a_link_with_a_sweep_is_drawn_from_what_is_there_and_never_trains(no_training):
    # A seed no other test trains: the app process keeps finished runs in memory across these tests.
    app = open_sweep({**TINY_COUNTING, "seed": "9191", "sweep": "train_length", "values": "20,5,10"})
    assert not app.exception and not app.warning
    assert app.text_input(key="counting.sweep-values").value == "20,5,10"
    assert app.query_params["values"] in ("5,10,20", ["5,10,20"])  # the address bar holds the cleaned sweep
    assert any("0 of 3 points are trained" in caption.value for caption in app.caption)
    assert not sweep_charts(app)  # nothing trained: nothing drawn, and nothing submitted


@pytest.mark.parametrize(
    "params,named",
    [
        ({"sweep": "train_length", "values": ",".join(str(i) for i in range(1000))}, "Training length (train_length)"),
        ({"sweep": "train_length", "values": "nan,inf,-inf"}, "Training length (train_length)"),
        ({"sweep": "train_length", "values": "40,1e999,abc"}, "Training length (train_length)"),
        ({"sweep": "scale_targets", "values": "0,1"}, "Scale targets (scale_targets)"),
        ({"sweep": "<img src=x onerror=alert(1)>", "values": "1,2,3"}, "Sweep (<img src=x onerror=al..."),
        ({"sweep": "epochs", "values": "100,150,200,199"}, "Epochs (epochs)"),
        ({"sweep": "x" * 5000}, "Sweep (" + "x" * 21 + "..."),
    ],
)
def test_hostile_sweep_links_warn_naming_the_parameter_and_never_train(no_training, params, named):
    app = open_sweep(params)
    assert not app.exception
    assert any(warning.value.replace("\\", "").startswith(named) for warning in app.warning), [
        w.value for w in app.warning
    ]
    assert all(len(warning.value) < 1000 for warning in app.warning)


def wait_until(app, done, timeout=240):
    deadline = time.monotonic() + timeout
    while not done(app) and time.monotonic() < deadline:
        time.sleep(1)
        app.run()
    return app


def test_run_sweep_trains_each_point_as_an_ordinary_run_then_draws_them_all():
    app = open_sweep({**TINY_COUNTING, "seed": "7", "sweep": "train_length", "values": "4,8,12"})
    [button] = [b for b in app.button if b.label == "Run sweep"]
    button.click().run()
    assert not app.exception
    assert [b for b in app.button if b.label == "Cancel sweep"]
    app = wait_until(app, lambda a: not [b for b in a.button if b.label == "Cancel sweep"])
    assert not app.exception
    assert any("Sweep finished: 3 of 3 points" in info.value for info in app.info)
    [figure] = sweep_charts(app)
    assert list(figure["data"][0]["x"]) == [4, 8, 12] and None not in figure["data"][0]["y"]
    again = open_sweep({**TINY_COUNTING, "seed": "7", "sweep": "train_length", "values": "4,8,12"})
    assert any("Every point is trained" in caption.value for caption in again.caption)  # cached: ordinary runs


def test_a_running_sweep_is_cancelled_as_a_whole():
    app = open_sweep({**TINY_COUNTING, "seed": "8", "sweep": "train_length", "values": "4,8,12"})
    [b for b in app.button if b.label == "Run sweep"][0].click().run()
    [b for b in app.button if b.label == "Cancel sweep"][0].click().run()
    assert not app.exception
    assert any("Sweep cancelled" in info.value for info in app.info)
    assert [b for b in app.button if b.label == "Run sweep"]
