"""The Event timing page as a visitor uses it: a link with a tiny config, Train, charts; the paper table; the seed
set's notes; bad input."""

import time

import pytest

from tests.conftest import TINY_EVENT_TIMING, open_page, plotly_figures, press


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
    return train_and_wait("event_timing", TINY_EVENT_TIMING)


def test_train_then_every_chart_is_drawn(trained_page):
    app = trained_page
    assert not app.exception and not app.error
    shown = titles(app)
    assert shown[0].startswith("Window 1 of 6 — After training (2 epochs)")
    assert any(t.startswith("Window 1: the DILATE forecast aligned") for t in shown)
    assert {
        "Peaks: true against forecast",
        "DILATE's two parts during training",
        "Training loss: each network its own loss",
    } <= set(shown)
    main = plotly_figures(app)[0]
    assert [trace["name"] for trace in main["data"]] == [
        "history (what the network reads)",
        "true future",
        "MSE forecast",
        "soft-DTW forecast",
        "DILATE forecast",
    ]
    losses = [f for f in plotly_figures(app) if f["layout"]["title"]["text"].startswith("Training loss")][0]
    assert {trace["yaxis"] for trace in losses["data"]} == {"y", "y2", "y3"}  # one panel per loss
    frames = [frame.value for frame in app.dataframe]
    assert list(frames[0].index) == ["trained with MSE", "trained with soft-DTW", "trained with DILATE"]
    assert list(frames[0].columns) == ["MSE", "DTW", "TDI"] and list(frames[1].columns) == [
        "month off",
        "height off",
        "hits",
    ]
    assert {b.proto.label for b in app.get("download_button")} >= {"Predictions (CSV)", "Configuration (JSON)"}


def test_the_headline_peak_errors_come_first(trained_page):
    labels = [metric.label for metric in trained_page.metric]
    assert labels[:2] == ["Trained with MSE: peak height off by", "Trained with DILATE: peak height off by"]


def test_the_picker_titles_and_the_alignment_agree(trained_page):
    app = open_page("event_timing", TINY_EVENT_TIMING)
    assert not app.exception and len(plotly_figures(app)) >= 5
    app.select_slider(key="event_timing-sample").set_value(4).run()
    app.radio(key="event-timing-alignment-variant").set_value("mse").run()
    assert not app.exception
    shown = titles(app)
    assert shown[0].startswith("Window 5 of 6")  # the picker's 5 is the chart's 5
    assert any(t.startswith("Window 5: the MSE forecast aligned") for t in shown)


def test_the_synthetic_set_shows_the_papers_numbers_beside_ours():
    app = train_and_wait(
        "event_timing", {"dataset": "dilate_synthetic", "epochs": "1", "units": "4", "batch_size": "100"}
    )
    assert not app.exception and not app.error
    assert any("Beside the paper" in m.value for m in app.markdown)
    frames = [frame.value for frame in app.dataframe]
    assert len(frames) == 2 and list(frames[1].columns) == ["MSE ×100", "DTW ×100", "TDI ×10", "seconds"]
    assert list(frames[1].index)[:3] == ["MSE: ours", "MSE: paper", "MSE: official code"]
    assert list(frames[1].loc["DILATE: paper"])[:3] == ["1.21", "23.1", "14.8"]  # the paper's Table 1
    assert any("page's small BiLSTM, not the paper's" in c.value for c in app.caption)
    assert any("step series, not the earthquake windows" in c.value for c in app.caption)  # what this run is
    assert [metric.label for metric in app.metric][0].startswith("TDI (timing error), trained with DILATE")


def test_the_paper_set_up_opens_the_shipped_paper_run_at_once():
    """The sidebar's Paper set-up puts the paper's protocol in the link; its run ships in the bundle, so the page
    draws its table without training."""
    from seqcore.scenarios.event_timing.config import paper_preset

    app = open_page("event_timing", {"seed": "0"})
    [button for button in app.button if button.label == "Paper set-up"][0].click()
    app.run()
    assert not app.exception and not app.error
    assert app.query_params["network"] in ("seq2seq_gru", ["seq2seq_gru"])  # the link holds the paper's set-up
    assert app.query_params["epochs"] in (str(paper_preset().epochs), [str(paper_preset().epochs)])
    assert "not trained yet" not in " ".join(i.value for i in app.info)
    frames = [frame.value for frame in app.dataframe]
    ours = frames[1].loc["DILATE: ours"]
    assert list(frames[1].columns)[:3] == ["MSE ×100", "DTW ×100", "TDI ×10"] and ours.iloc[0] != "—"
    assert any("follows the paper's protocol" in c.value for c in app.caption)
    # Beside our run: the shipped spread over seeds 0–4 of the same set-up, and a sentence computed from it.
    assert list(frames[1].index)[:4] == ["MSE: ours", "MSE: ours, 5 seeds", "MSE: paper", "MSE: official code"]
    assert all(" ± " in cell for cell in frames[1].loc["DILATE: ours, 5 seeds"].iloc[:3])
    [note] = [c.value for c in app.caption if "seeds 0–4" in c.value]
    assert "within two of our standard deviations" in note


def test_a_changed_paper_run_does_not_borrow_the_paper_set_ups_spread():
    app = train_and_wait(
        "event_timing",
        {"dataset": "dilate_synthetic", "network": "seq2seq_gru", "epochs": "1", "units": "4", "batch_size": "100"},
    )
    assert not app.exception and not app.error
    frames = [frame.value for frame in app.dataframe]
    assert not [row for row in frames[1].index if "seeds" in row]
    assert any("Ours is one seed" in c.value for c in app.caption)


def test_the_seed_sets_notes_are_on_the_page_after_training_and_from_the_cache():
    params = {"dataset": "seed", "epochs": "2", "units": "4"}
    app = train_and_wait("event_timing", params)
    assert not app.exception and any("six windows" in c.value for c in app.caption)
    again = open_page("event_timing", params)  # the stored run: its notes came through the store
    assert not again.exception and any("six windows" in c.value for c in again.caption)
    assert titles(again)[0].startswith("Window 2 of 6")  # the seed's window 1 is quiet: it opens on an event


@pytest.mark.parametrize(
    "params",
    [
        {"gamma": "0", "alpha": "7", "horizon": "1e9"},
        {"gamma": "-1", "dataset": "<img src=x onerror=alert(1)>", "epochs": "nan"},
        {f"junk{i}": "x" * 50 for i in range(200)},
    ],
)
def test_hostile_links_are_clamped_with_warnings_and_no_traceback(params):
    app = open_page("event_timing", params)
    assert not app.exception
    assert app.warning
    assert "<img" not in " ".join(w.value for w in app.warning).replace("\\<img", "")
