"""The sweeps each page's story needs (:data:`STORY_SWEEPS`), and how their metrics read to a visitor.

Planning a sweep is :mod:`seqcore.sweep`; running it and the shipped results are :mod:`seqcore.sweep_results`.
"""

from __future__ import annotations

import re
from typing import NamedTuple


class StorySweep(NamedTuple):
    """A sweep a page's story needs: the parameter, its values, and the metrics drawn against it. A metric
    without a slash ("gap") is drawn for every variant that reports it; "variant/metric" draws that one."""

    param: str
    values: tuple[float, ...]
    metrics: tuple[str, ...]
    preset: str = "default"  # the configuration it varies: the default, or a set-up the page offers


# The sweeps the stories ask for; each ships pretrained at its preset (the default unless named). Event
# timing's seed sweep of the paper set-up is the spread behind our row of the paper's table (the paper's numbers
# are means over runs); its page draws it in that table.
STORY_SWEEPS: dict[str, list[StorySweep]] = {
    "teacher_forcing": [
        StorySweep("horizon", (5, 10, 20, 40), ("free_running_mse", "gap")),
        StorySweep("noise", (0.0, 0.03, 0.1, 0.3), ("free_running_mse", "vs_teacher_forcing")),
    ],
    "counting": [StorySweep("train_length", (5, 10, 20, 40), ("mse_len_5", "mse_len_40"))],
    "event_timing": [
        StorySweep("alpha", (0.0, 0.5, 0.8, 1.0), ("tdi", "dtw")),
        StorySweep("seed", (0, 1, 2, 3, 4), ("mse_x100", "dtw_x100", "tdi_x10"), preset="paper"),
    ],
    "sine_frequency": [StorySweep("max_frequency", (10, 20, 30), ("mae",))],
    "binary_labels": [StorySweep("input_noise", (0.0, 0.25, 0.5, 1.0), ("brier",))],
}

# How a visitor reads a metric's name (the part after "<variant>/").
METRIC_NAMES = {
    "free_running_mse": "free-running MSE",
    "teacher_forced_mse": "teacher-forced MSE",
    "gap": "gap (free-running ÷ teacher-forced)",
    "vs_teacher_forcing": "free-running MSE ÷ teacher forcing's",
    "tdi": "TDI (timing error)",
    "dtw": "DTW (shape error)",
    "mse": "MSE",
    "mse_x100": "MSE × 100",
    "dtw_x100": "DTW × 100",
    "tdi_x10": "TDI × 10",
    "mae": "held-out MAE",
    "rmse": "held-out RMSE",
    "brier": "Brier score",
    "accuracy": "accuracy",
    "log_loss": "log loss",
    "peak_time_error": "peak time error",
    "peak_height_error": "peak height error",
    "peak_hit_rate": "peak hit rate",
    "train_loss": "final training loss",
}


class Reference(NamedTuple):
    """Numbers drawn beside a sweep that were not trained here (the seed's own answers)."""

    name: str
    metric: str
    points: dict[float, float]


def references(scenario_name: str, param: str) -> list[Reference]:
    """What is drawn beside the sweep: on Sine frequency, the seed's training MAE at max frequency 10, 20, 30."""
    if (scenario_name, param) == ("sine_frequency", "max_frequency"):
        from seqcore.scenarios.sine_frequency import SEED_SWEEP_TRAIN_MAE

        return [Reference("the seed's answer (training MAE)", "mae", dict(SEED_SWEEP_TRAIN_MAE))]
    return []


def metric_name(metric: str) -> str:
    """'mse_len_40' → 'MSE at length 40', 'brier' → 'Brier score'."""
    if metric in METRIC_NAMES:
        return METRIC_NAMES[metric]
    match = re.fullmatch(r"mse_len_(\d+)", metric)
    if match:
        return f"MSE at length {match.group(1)}"
    match = re.fullmatch(r"mse_step_(\d+)", metric)
    if match:
        return f"MSE at step {match.group(1)}"
    return metric.replace("_", " ")


def story_sweep(scenario_name: str, param: str) -> StorySweep | None:
    return next((story for story in STORY_SWEEPS.get(scenario_name, []) if story.param == param), None)


def sweep_metrics(scenario_name: str, param: str) -> tuple[str, ...]:
    """The metrics drawn against ``param``: its story's, else the page's first story's (its headline)."""
    story = story_sweep(scenario_name, param) or next(iter(STORY_SWEEPS.get(scenario_name, [])), None)
    return story.metrics if story is not None else ()
