"""Binary labels (seed 002): MSE on class numbers, a one-unit sparse softmax that breaks, and the fixes.

data    → a sine wave cut into windows, each step labelled with the sign of the next sample (data.py)
model   → one recurrent body, four heads: each variant's output layer, loss and targets in encodings.HEADS
loss    → trained together in one custom step (joint.py) through seqcore.training.train (model.py)
metric  → accuracy, Brier, log loss, calibration bins on held-out windows (evaluation.py)
records → the shown windows step by step, the window the page opens on, the broken run (records.py)
chart   → labels against predictions step by step, live and replayed, and the other figures (plots.py)
"""

from __future__ import annotations

from typing import Any

from seqcore.result import Result
from seqcore.scenario import FIX_BLUE, FIX_GREEN, PITFALL_RED, REFERENCE_GREY, Scenario, Variant
from seqcore.scenarios.binary_labels.artifacts import Artifacts
from seqcore.scenarios.binary_labels.config import Config, seed_preset
from seqcore.scenarios.binary_labels.encodings import HEADS
from seqcore.training import CancelToken

VARIANTS = (  # the seed's first model, the seed's failed attempt, then the two fixes (the seed's answer last)
    Variant("mse_raw", "MSE on labels 1/2", PITFALL_RED, "dash", "x"),
    Variant("sparse_softmax_1unit", "Sparse softmax on 1 unit", REFERENCE_GREY, "dot", "triangle-up"),
    Variant("sigmoid_bce", "Sigmoid unit + cross-entropy", FIX_BLUE, "solid", "circle"),
    Variant("softmax_2class", "2 softmax units + one-hot", FIX_GREEN, "dashdot", "diamond"),
)


def encoding_table() -> dict[str, dict[str, Any]]:
    """The label encoding each variant trains with, by human name: the page's "label encoding" table."""
    return {variant.name: HEADS[variant.key].table_row() for variant in VARIANTS}


def run(cfg: Config, progress=None, cancel: CancelToken | None = None) -> Result:
    """Train and score every variant (imports TensorFlow)."""
    from seqcore.scenarios.binary_labels import model

    return model.run(cfg, progress=progress, cancel=cancel)


def live_chart(snapshots: dict[str, dict], *, sample: int, title: str) -> Any:
    """The page's main chart from the trainer's snapshots (imports plotly when drawn)."""
    from seqcore.scenarios.binary_labels import plots

    return plots.live_chart(snapshots, sample=sample, title=title)


def predictions_table(result: Result) -> tuple[list[str], list[list[Any]]]:
    """The shown held-out windows step by step, for the predictions CSV."""
    keys = [variant.key for variant in VARIANTS]
    header = (
        ["shown_window", "held_out_window", "step", "time_ms", "input", "label_positive"]
        + [f"{key}_class" for key in keys]
        + [f"{key}_p_positive" for key in keys]
    )
    rows = []
    for number, sample in enumerate(result.artifacts.samples, start=1):
        for step in range(len(sample.input)):
            rows.append(
                [number, sample.window, step + 1, sample.time_ms[step], sample.input[step], sample.label[step]]
                + [sample.predicted[key][step] for key in keys]
                + [sample.probability[key][step] for key in keys]
            )
    return header, rows


SCENARIO = Scenario(
    name="binary_labels",
    title="Binary labels",
    summary="Labels 1/2 on one output unit: MSE limps along, sparse softmax cross-entropy cannot work at all.",
    Config=Config,
    Artifacts=Artifacts,
    variants=VARIANTS,
    runner=run,
    version="2",
    seed_preset=seed_preset,
    predictions_table=predictions_table,
    live_chart=live_chart,
    headline=(
        "mse_raw/accuracy",
        "mse_raw/brier",
        "sigmoid_bce/accuracy",
        "softmax_2class/accuracy",
        "softmax_2class/brier",
    ),
)
