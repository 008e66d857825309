"""The live chart's first frame on every page: the untrained models' predictions (epoch 0), streamed before the
first training step, must draw every variant with finite values — the visitor sees this frame first."""

from __future__ import annotations

import math

import pytest

import seqcore
from tests.conftest import TINY_BY_SCENARIO

PAPER_NETWORK = {"dataset": "dilate_synthetic", "network": "seq2seq_gru", "epochs": "1", "units": "4"}


def first_frame(name: str, params: dict) -> tuple[dict, object]:
    scenario = seqcore.get_scenario(name)
    config, _ = scenario.Config.from_params({**params, "seed": "4242"})
    events = []
    scenario.run(config, progress=events.append)
    untrained = {e["variant"]: e["snapshot"] for e in events if e["epoch"] == 0 and e["snapshot"] is not None}
    return untrained, scenario


@pytest.mark.parametrize(
    "name,params",
    [*TINY_BY_SCENARIO.items(), ("event_timing", PAPER_NETWORK)],
    ids=[*TINY_BY_SCENARIO, "event_timing-paper-network"],
)
def test_the_untrained_frame_draws_every_variant_with_finite_values(name, params):
    untrained, scenario = first_frame(name, params)
    streamed = {v.key for v in scenario.variants if v.key in untrained}
    assert streamed, f"{name}: no untrained snapshot was streamed"
    figure = scenario.live_chart(untrained, sample=0, title="Live: before training").to_plotly_json()
    for variant in scenario.variants:
        if variant.key not in streamed:
            continue
        traces = [trace for trace in figure["data"] if trace.get("name", "").startswith(variant.name)]
        assert traces, f"{name}: {variant.name} is not drawn"
        for trace in traces:
            values = [value for value in trace["y"] if value is not None]
            assert values and all(math.isfinite(float(value)) for value in values), trace["name"]
