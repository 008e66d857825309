"""Runs side by side: a baseline pinned by a link's `vs.` parameters, compared in the table and the main chart."""

import pytest

from seqcore import get_scenario
from seqcore.store import Store, entry_key
from tests.conftest import TINY_COUNTING, open_page, plotly_figures

COUNTING = get_scenario("counting")


@pytest.fixture(scope="module")
def tiny_trained():
    """A tiny counting run in the test cache, to serve as the baseline of the (shipped) default."""
    config, _ = COUNTING.Config.from_params({**TINY_COUNTING, "seed": "77"})  # a seed no other test trains
    Store().save(entry_key(COUNTING.name, config, COUNTING.version), COUNTING.run(config))
    return config


def vs_params(config) -> dict[str, str]:
    default = COUNTING.Config().to_params()
    return {f"vs.{name}": value for name, value in config.to_params().items() if default[name] != value}


def test_a_vs_link_shows_baseline_current_and_the_change(tiny_trained):
    app = open_page("counting", {**COUNTING.Config().to_params(), **vs_params(tiny_trained)})
    assert not app.exception
    assert "Compared with your baseline" in [header.value for header in app.subheader]
    table = app.dataframe[0].value
    assert list(table.columns) == ["Baseline", "Current", "Change"]
    assert table["Change"].str.contains("better|worse").any()  # said in words, not by colour alone
    names = [trace.get("name", "") for figure in plotly_figures(app) for trace in figure["data"]]
    assert any(name.startswith("Baseline · ") for name in names)  # the main chart overlays the baseline


def test_hostile_vs_values_are_clamped_with_a_warning_naming_the_parameter():
    params = {**TINY_COUNTING, "vs.epochs": "99999", "vs.units": "<script>", "vs.nonsense": "1"}
    app = open_page("counting", params)
    assert not app.exception
    warnings = " ".join(warning.value for warning in app.warning)
    assert "Baseline" in warnings and "Epochs" in warnings and "LSTM units" in warnings
    url = {name: (value[-1] if isinstance(value, list) else value) for name, value in app.query_params.items()}
    assert url["vs.epochs"] == "200"  # clamped in the link too
