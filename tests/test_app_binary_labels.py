"""The Binary labels page as a visitor uses it: a link with a tiny config, Train, charts; bad input."""

import pytest

import seqcore
from tests.conftest import TINY_BINARY_LABELS, open_page, plotly_figures, train_and_wait

NAMES = {variant.key: variant.name for variant in seqcore.get_scenario("binary_labels").variants}


@pytest.fixture(scope="module")
def trained_page():
    return train_and_wait("binary_labels", TINY_BINARY_LABELS)


def test_train_then_every_chart_and_table_is_drawn(trained_page):
    app = trained_page
    assert not app.exception and not app.error
    titles = [figure["layout"]["title"]["text"] for figure in plotly_figures(app)]
    main = [title for title in titles if title.startswith("Window ")]
    assert len(main) == 1 and "after training (3 epochs)" in main[0].lower()
    assert {
        "Accuracy at each step of the window",
        "Reliability: predicted probability against observed frequency",
        "Raw outputs of the MSE model",
    } <= set(titles)
    assert any(t.startswith("Training and held-out loss") for t in titles)
    assert app.get("dataframe") and app.table  # the metrics table and the label-encoding table
    assert {b.proto.label for b in app.get("download_button")} >= {"Predictions (CSV)", "Configuration (JSON)"}


def test_the_headline_numbers_come_first(trained_page):
    metrics = trained_page.metric
    assert len(metrics) == 3 and metrics[0].label == f"Brier score, {NAMES['mse_raw']}"
    assert metrics[2].label == NAMES["sparse_softmax_1unit"]


def test_no_identifier_reaches_the_visitor(trained_page):
    app = trained_page
    for figure in plotly_figures(app):
        for trace in figure["data"]:
            assert "_" not in trace.get("name", ""), trace.get("name")
    shown = app.get("dataframe")[0].value
    assert list(shown.index) == list(NAMES.values())  # rows: what was trained, by its human name
    assert all("_" not in column for column in shown.columns)
    assert not any(key in " ".join(c.value for c in app.caption) for key in NAMES)


def test_the_broken_variant_is_shown_as_text_not_a_traceback(trained_page):
    app = trained_page
    shown = " ".join(block.value for block in app.code)
    assert "sparse_softmax_cross_entropy_with_logits" in shown
    assert "outside the valid range of [0, 1)" in shown  # what TensorFlow says on a CPU
    assert any("index" in m.value and "softmax" in m.value for m in app.markdown)


def test_the_window_picker_is_numbered_as_seen_and_redraws_another_window(trained_page):
    app = trained_page
    picker = app.select_slider(key="binary_labels-sample")
    first_index = picker.value
    main = [f for f in plotly_figures(app) if f["layout"]["title"]["text"].startswith("Window ")][0]
    assert main["layout"]["title"]["text"].startswith(f"Window {first_index + 1} of ")
    assert any(c.value.startswith(f"Window {first_index + 1} of the ") for c in app.caption)
    other = 1 if first_index == 0 else 0
    picker.set_value(other).run()
    assert not app.exception
    main = [f for f in plotly_figures(app) if f["layout"]["title"]["text"].startswith("Window ")][0]
    assert main["layout"]["title"]["text"].startswith(f"Window {other + 1} of ")


def test_the_same_link_later_loads_from_the_cache_without_training(trained_page):
    app = open_page("binary_labels", TINY_BINARY_LABELS)
    assert not app.exception and len(plotly_figures(app)) >= 5
    assert not [i for i in app.info if "not trained yet" in i.value]


@pytest.mark.parametrize(
    "params,field",
    [
        ({"frequency": "700"}, "frequency"),
        ({"label_shift": "0"}, "label_shift"),
        ({"window_length": "200", "series_length": "100", "frequency": "20"}, "window_length"),
        ({"cell": "<img src=x onerror=alert(1)>", "epochs": "nan"}, "cell"),
    ],
)
def test_bad_links_are_clamped_with_warnings_and_no_traceback(params, field):
    app = open_page("binary_labels", params)
    assert not app.exception
    assert any(f"({field})" in w.value.replace("\\", "") for w in app.warning)  # shown markdown-escaped
    assert "<img" not in " ".join(w.value for w in app.warning).replace("\\<img", "")
