"""The Binary labels page as a visitor uses it: a link with a tiny config, Train, charts; bad input."""

import pytest

from tests.conftest import open_page, open_untrained_then_train, plotly_figures
from tests.test_binary_labels import TINY_BINARY_LABELS


@pytest.fixture(scope="module")
def trained_page():
    return open_untrained_then_train("binary_labels", TINY_BINARY_LABELS)


def test_train_then_every_chart_and_table_is_drawn(trained_page):
    app = trained_page
    assert not app.exception and not app.error
    titles = [figure["layout"]["title"]["text"] for figure in plotly_figures(app)]
    assert titles[0] == "Labels against predictions, step by step"
    assert {"Accuracy at each step of the window", "Reliability: predicted probability against observed frequency",
            "Raw outputs of the MSE model"} <= set(titles)
    assert any(t.startswith("Training and held-out loss") for t in titles)
    assert app.get("dataframe") and app.table  # the metrics table and the label-encoding table
    assert {b.proto.label for b in app.get("download_button")} >= {"Predictions (CSV)", "Configuration (JSON)"}


def test_the_broken_variant_is_shown_as_text_not_a_traceback(trained_page):
    app = trained_page
    shown = " ".join(block.value for block in app.code)
    assert "sparse_softmax_cross_entropy_with_logits" in shown
    assert "outside the valid range of [0, 1)" in shown  # what TensorFlow says on a CPU
    assert any("index" in m.value and "softmax" in m.value for m in app.markdown)


def test_the_window_picker_redraws_another_window(trained_page):
    app = trained_page
    first = plotly_figures(app)[0]["data"][0]["y"]
    app.slider(key="binary-labels-window").set_value(2).run()
    assert not app.exception
    assert plotly_figures(app)[0]["data"][0]["y"] != first


def test_the_same_link_later_loads_from_the_cache_without_training(trained_page):
    app = open_page("binary_labels", TINY_BINARY_LABELS)
    assert not app.exception and len(plotly_figures(app)) >= 5
    assert not [i for i in app.info if "not been trained" in i.value]


@pytest.mark.parametrize("params,field", [
    ({"frequency": "700"}, "frequency"),
    ({"label_shift": "0"}, "label_shift"),
    ({"window_length": "200", "series_length": "100", "frequency": "20"}, "window_length"),
    ({"cell": "<img src=x onerror=alert(1)>", "epochs": "nan"}, "cell"),
])
def test_bad_links_are_clamped_with_warnings_and_no_traceback(params, field):
    app = open_page("binary_labels", params)
    assert not app.exception
    assert any(f"({field})" in w.value.replace("\\", "") for w in app.warning)  # shown markdown-escaped
    assert "<img" not in " ".join(w.value for w in app.warning).replace("\\<img", "")
