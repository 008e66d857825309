"""Event timing: figures and metric tables, pure functions of a run's snapshots, artifacts and history (no
TensorFlow). Every variant is drawn in its :class:`~seqcore.scenario.Variant` style (name, colour, dash, marker)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from seqcore.plots import LAYOUT, TRUTH_COLOUR
from seqcore.scenario import REFERENCE_GREY, Variant

HISTORY_LABEL = "history (what the network reads)"
TRUTH_LABEL = "true future"
FORECAST = "forecast"  # a variant's forecast is named "<variant> forecast"
TRUE_PEAK_LABEL = "true peak"
HARD_PATH_LABEL = "hard DTW path"
NO_SHIFT_LABEL = "no shift"
SOFT_ALIGNMENT_LABEL = "soft alignment"
# What each variant's training loss is, for its own panel of the loss chart (the three are not comparable).
LOSS_MEANING = {
    "mse": "mean squared error per month (network units², ≥ 0)",
    "soft_dtw": "smoothed best-alignment cost (below 0 is normal)",
    "dilate": "α · shape + (1 − α) · temporal",
}


def _number(value: Any) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def forecast_chart(
    snapshots: Mapping[str, Mapping[str, Any]], variants: Sequence[Variant], *, sample: int, title: str
) -> go.Figure:
    """The seed's picture, drawn from the trainer's snapshots (a variant not reported yet is left out): one
    window's history then its true future on one time axis, a line at the boundary, each variant's forecast."""
    figure = go.Figure()
    first = next((snapshots[v.key] for v in variants if v.key in snapshots), None)
    if first is None:
        figure.update_layout(title=title, **LAYOUT)
        return figure
    count = len(first["truth"])
    sample = min(max(int(sample), 0), count - 1)  # a picker left on a larger set draws the last window
    history, truth = first["history"][sample], first["truth"][sample]
    past = list(range(1, len(history) + 1))
    future = list(range(len(history) + 1, len(history) + len(truth) + 1))
    figure.add_scatter(
        x=past,
        y=history,
        mode="lines+markers",
        name=HISTORY_LABEL,
        line={"color": REFERENCE_GREY},
        marker={"color": REFERENCE_GREY, "size": 5},
    )
    figure.add_scatter(
        x=future,
        y=truth,
        mode="lines+markers",
        name=TRUTH_LABEL,
        line={"color": TRUTH_COLOUR, "width": 3},
        marker={"color": TRUTH_COLOUR, "size": 8},
    )
    for variant in variants:
        snapshot = snapshots.get(variant.key)
        if snapshot is not None:
            figure.add_scatter(
                x=future,
                y=snapshot["predicted"][sample],
                mode="lines+markers",
                name=f"{variant.name} {FORECAST}",
                line=variant.line(width=2.5),
                marker=variant.markers(size=8),
            )
    figure.add_vline(x=len(history) + 0.5, line_dash="dot", line_color="grey", annotation_text="history ← | → future")
    heading = f"Window {sample + 1} of {count}"
    figure.update_layout(
        title=f"{heading} — {title}" if title else heading,
        xaxis_title=first.get("time_unit", ""),
        yaxis_title=first.get("value_unit", ""),
        **LAYOUT,
    )
    return figure


def _trained_with(variant: Variant) -> str:
    return f"trained with {variant.name}"


def score_rows(table: Mapping[str, Mapping[str, float]], variants: Sequence[Variant]) -> dict[str, dict]:
    """The DILATE paper's Table 1 layout: rows by what was trained, columns by what was measured."""
    return {
        _trained_with(v): {"MSE": table[v.key]["mse"], "DTW": table[v.key]["dtw"], "TDI": table[v.key]["tdi"]}
        for v in variants
        if v.key in table
    }


def peak_rows(table: Mapping[str, Mapping[str, float]], variants: Sequence[Variant]) -> dict[str, dict]:
    """Peak errors on the held-out event windows, rows by what was trained (empty without event data)."""
    return {
        _trained_with(v): {
            "month off": table[v.key]["peak_time_error"],
            "height off": table[v.key]["peak_height_error"],
            "hits": f"{table[v.key]['peak_hit_rate']:.0%}",
        }
        for v in variants
        if "peak_time_error" in table.get(v.key, {})
    }


def _change(new: float, old: float) -> str:
    """'31 % lower' / '4 % higher' / 'the same', from ``old`` to ``new``."""
    if old == 0 or abs(new - old) < 0.005 * abs(old):
        return "the same"
    return f"{abs(new / old - 1):.0%} {'lower' if new < old else 'higher'}"


def timing_claim(metrics: Mapping[str, float], variants: Sequence[Variant]) -> str:
    """One sentence, read off this run's held-out numbers, comparing DILATE with soft-DTW on timing (TDI, the
    peak's month) and shape (DTW); empty if the run lacks either."""
    names = {v.key: v.name for v in variants}
    needed = [f"{v}/{m}" for v in ("dilate", "soft_dtw") for m in ("tdi", "dtw", "peak_time_error")]
    if not all(key in metrics for key in needed):
        return ""
    dilate, soft = names.get("dilate", "DILATE"), names.get("soft_dtw", "soft-DTW")
    return (
        f"On the held-out event windows, against {soft}: {dilate}'s peak month is off by "
        f"{metrics['dilate/peak_time_error']:.2f} months on average against {metrics['soft_dtw/peak_time_error']:.2f} "
        f"({_change(metrics['dilate/peak_time_error'], metrics['soft_dtw/peak_time_error'])}), its TDI is "
        f"{_change(metrics['dilate/tdi'], metrics['soft_dtw/tdi'])} and its DTW (shape) "
        f"{_change(metrics['dilate/dtw'], metrics['soft_dtw/dtw'])}."
    )


def training_losses(history: Mapping[str, Sequence[Mapping[str, float]]], variants: Sequence[Variant]) -> go.Figure:
    """Each variant's own training loss in its own panel: MSE, soft-DTW and DILATE measure different things on
    different scales (soft-DTW goes below zero), so one shared axis would mislead."""
    shown = [v for v in variants if history.get(v.key)]
    figure = make_subplots(
        rows=max(len(shown), 1),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.1,
        subplot_titles=[f"{_trained_with(v)} — {LOSS_MEANING.get(v.key, 'loss')}" for v in shown],
    )
    for row, variant in enumerate(shown, start=1):
        logs = history[variant.key]
        figure.add_scatter(
            x=list(range(1, len(logs) + 1)),
            y=[_number(entry.get("loss")) for entry in logs],
            mode="lines+markers",
            name=variant.name,
            line=variant.line(),
            marker=variant.markers(),
            row=row,
            col=1,
        )
        figure.update_yaxes(title_text="loss", row=row, col=1)
    figure.update_xaxes(title_text="epoch", row=max(len(shown), 1), col=1)
    figure.update_layout(title="Training loss: each network its own loss", height=200 + 170 * len(shown), **LAYOUT)
    figure.update_layout(legend_y=-0.1)
    figure.update_annotations(font_size=13)
    return figure


def dilate_parts(history: Mapping[str, Sequence[Mapping[str, float]]], variants: Sequence[Variant]) -> go.Figure:
    """Per epoch, DILATE's shape term (soft-DTW) and temporal term on the same training windows, every variant
    measured on both; one panel each, stacked (they have different units)."""
    figure = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.14,
        subplot_titles=(
            "Shape term: soft-DTW of forecast against truth",
            "Temporal term: how far the soft alignment shifts in time",
        ),
    )
    for variant in variants:
        logs = history.get(variant.key) or []
        epochs = list(range(1, len(logs) + 1))
        for row, part in enumerate(("shape", "temporal"), start=1):
            figure.add_scatter(
                x=epochs,
                y=[_number(entry.get(part)) for entry in logs],
                mode="lines+markers",
                name=variant.name,
                legendgroup=variant.key,
                showlegend=row == 1,
                line=variant.line(),
                marker=variant.markers(),
                row=row,
                col=1,
            )
    figure.update_xaxes(title_text="epoch", row=2, col=1)
    figure.update_yaxes(title_text="shape", row=1, col=1)
    figure.update_yaxes(title_text="temporal", row=2, col=1)
    figure.update_layout(title="DILATE's two parts during training", height=540, **LAYOUT)
    figure.update_layout(legend_y=-0.14)
    figure.update_annotations(font_size=13)
    return figure


def alignment(artifacts: Any, index: int, variant: Variant) -> go.Figure:
    """The soft alignment path between the true future and one variant's forecast (what DILATE's temporal
    term weighs by the squared time gap), with the hard DTW path on top."""
    data = artifacts.alignment
    path = np.asarray(data.soft[variant.key][index])
    steps = np.arange(1, path.shape[0] + 1)
    hard = np.asarray(data.hard_paths[variant.key][index]) + 1
    unit = artifacts.time_unit
    figure = go.Figure(
        go.Heatmap(
            z=path,
            x=steps,
            y=steps,
            colorscale="Blues",
            zmin=0,
            zmax=1,
            showscale=True,
            colorbar=dict(title="weight"),
            name=SOFT_ALIGNMENT_LABEL,
        )
    )
    figure.add_scatter(
        x=hard[:, 1],
        y=hard[:, 0],
        mode="lines+markers",
        name=HARD_PATH_LABEL,
        line=variant.line(),
        marker=variant.markers(),
    )
    figure.add_scatter(x=steps, y=steps, mode="lines", name=NO_SHIFT_LABEL, line=dict(color="grey", dash="dot"))
    figure.update_layout(
        title=f"Window {index + 1}: the {variant.name} forecast aligned with the true future (γ = {data.gamma:g})",
        xaxis_title=f"forecast {unit}",
        yaxis_title=f"true {unit}",
        **LAYOUT,
    )
    figure.update_xaxes(dtick=1 if len(steps) <= 12 else None)
    figure.update_yaxes(autorange="reversed", dtick=1 if len(steps) <= 12 else None)
    return figure


def peaks(artifacts: Any, variants: Sequence[Variant]) -> go.Figure:
    """Where and how high each variant puts its highest forecast, against the true peaks (event data)."""
    data = artifacts.peaks
    figure = go.Figure()
    if data is None:
        figure.update_layout(title="No event windows in this data set", **LAYOUT)
        return figure
    rng = np.random.default_rng(0)  # a little horizontal jitter so equal months do not hide each other
    truth_month, truth_height = np.asarray(data.true_month), np.asarray(data.true_height)
    jitter = rng.uniform(-0.15, 0.15, truth_month.shape)
    figure.add_scatter(
        x=truth_month + 1 + jitter,
        y=truth_height,
        mode="markers",
        name=TRUE_PEAK_LABEL,
        marker=dict(color=TRUTH_COLOUR, size=5, opacity=0.5),
    )
    for variant in variants:
        values = data.predicted.get(variant.key)
        if values is None:
            continue
        month = np.asarray(values.month) + 1 + rng.uniform(-0.15, 0.15, truth_month.shape)
        figure.add_scatter(
            x=month,
            y=values.height,
            mode="markers",
            name=f"{variant.name} peak",
            marker=variant.markers(size=6, opacity=0.5),
        )
    unit = artifacts.time_unit
    figure.update_layout(
        title="Peaks: true against forecast",
        xaxis_title=f"{unit} of the peak in the future window",
        yaxis_title=f"peak {artifacts.value_unit}",
        **LAYOUT,
    )
    figure.update_xaxes(dtick=1)
    return figure
