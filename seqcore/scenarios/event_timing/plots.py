"""Event timing: figures and the metric table, drawn from a run's artifacts and history (no TensorFlow)."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from seqcore.plots import LAYOUT, colour

LABELS = {"mse": "MSE", "soft_dtw": "soft-DTW", "dilate": "DILATE"}
METRIC_NAMES = {"mse": "MSE", "dtw": "DTW", "tdi": "TDI", "peak_time_error": "peak month error",
                "peak_height_error": "peak height error", "peak_hit_rate": "peaks within 1 month and 1 unit"}


def window(artifacts: dict, index: int) -> go.Figure:
    """The seed's picture: one window's history then its future on one time axis, a line at the boundary,
    and each variant's prediction of the future overlaid."""
    shown = artifacts["windows"]
    features, labels = np.asarray(shown["features"][index]), np.asarray(shown["labels"][index])
    past = np.arange(1, len(features) + 1)
    future = np.arange(len(features) + 1, len(features) + len(labels) + 1)
    unit = artifacts["time_unit"]
    figure = go.Figure()
    figure.add_trace(go.Scatter(x=past, y=features, mode="lines+markers", name="history (features)",
                                line=dict(color="#7f7f7f")))
    figure.add_trace(go.Scatter(x=future, y=labels, mode="lines+markers", name="true future (labels)",
                                line=dict(color="black", width=3)))
    for position, (variant, predicted) in enumerate(shown["predicted"].items()):
        figure.add_trace(go.Scatter(x=future, y=predicted[index], mode="lines+markers",
                                    name=f"predicted with {LABELS.get(variant, variant)}",
                                    line=dict(color=colour(position), dash="dash")))
    figure.add_vline(x=len(features) + 0.5, line_dash="dot", line_color="grey",
                     annotation_text="features ← | → labels")
    figure.update_layout(title=f"Held-out window {shown['index'][index] + 1}: history, future and predictions",
                         xaxis_title=unit, yaxis_title=artifacts["value_unit"], **LAYOUT)
    return figure


def metric_rows(artifacts: dict) -> list[dict]:
    """The DILATE paper's Table 1 layout: one row per training loss, MSE / DTW / TDI (and the peak errors on
    event data); for the synthetic set also each loss's DTW and TDI relative to MSE's, ours beside the paper's
    (a ratio is unit-free, so the two are comparable although the scales differ)."""
    rows = []
    paper = artifacts.get("paper")
    table = artifacts["table"]
    for variant, scores in table.items():
        row = {"trained with": LABELS.get(variant, variant)}
        row.update({METRIC_NAMES.get(name, name): value for name, value in scores.items()})
        if paper:
            for name in ("dtw", "tdi"):
                row[f"{METRIC_NAMES[name]} ÷ MSE's (ours)"] = scores[name] / table["mse"][name]
                published = paper["rows"].get(variant, {}).get(name)
                row[f"{METRIC_NAMES[name]} ÷ MSE's (paper)"] = (
                    published / paper["rows"]["mse"][name] if published is not None else float("nan"))
        rows.append(row)
    return rows


def alignment(artifacts: dict, index: int, variant: str) -> go.Figure:
    """The soft alignment path between the true future and one variant's prediction (what DILATE's temporal
    term weighs by the squared time gap), with the hard DTW path on top."""
    data = artifacts["alignment"]
    path = np.asarray(data["soft"][variant][index])
    steps = np.arange(1, path.shape[0] + 1)
    hard = np.asarray(data["hard_paths"][variant][index]) + 1
    unit = artifacts["time_unit"]
    figure = go.Figure(go.Heatmap(z=path, x=steps, y=steps, colorscale="Blues", zmin=0, zmax=1,
                                  colorbar=dict(title="alignment weight")))
    figure.add_trace(go.Scatter(x=hard[:, 1], y=hard[:, 0], mode="lines+markers", name="hard DTW path",
                                line=dict(color=colour(0))))
    figure.add_trace(go.Scatter(x=steps, y=steps, mode="lines", name="no shift", line=dict(color="grey",
                                                                                               dash="dot")))
    figure.update_layout(title=f"Soft alignment, γ = {data['gamma']:g}: true future against "
                               f"{LABELS.get(variant, variant)} prediction",
                         xaxis_title=f"predicted {unit}", yaxis_title=f"true {unit}", **LAYOUT)
    figure.update_xaxes(dtick=1 if len(steps) <= 12 else None)
    figure.update_yaxes(autorange="reversed", dtick=1 if len(steps) <= 12 else None)
    return figure


def dilate_parts(history: dict[str, list[dict]]) -> go.Figure:
    """Per epoch, DILATE's shape term (soft-DTW) and temporal term on training windows, for every variant."""
    figure = make_subplots(rows=1, cols=2, subplot_titles=("shape term (soft-DTW)", "temporal term"))
    for index, (variant, logs) in enumerate(history.items()):
        epochs = list(range(1, len(logs) + 1))
        for column, part in enumerate(("shape", "temporal"), start=1):
            values = [entry.get(part) for entry in logs]
            values = [v if v is not None and math.isfinite(v) else None for v in values]
            figure.add_trace(go.Scatter(x=epochs, y=values, mode="lines", name=LABELS.get(variant, variant),
                                        legendgroup=variant, showlegend=column == 1,
                                        line=dict(color=colour(index))), row=1, col=column)
    figure.update_xaxes(title_text="epoch")
    figure.update_yaxes(title_text="mean over training windows (network units²)", row=1, col=1)
    figure.update_yaxes(title_text="mean Σ E·Ω (steps², normalised)", row=1, col=2)
    figure.update_layout(title="DILATE's two parts during training", **LAYOUT)
    return figure


def peaks(artifacts: dict) -> go.Figure:
    """Where and how high each variant puts its highest prediction, against the true peaks (event data)."""
    data = artifacts.get("peaks")
    figure = go.Figure()
    if not data:
        figure.update_layout(title="No event windows in this data set", **LAYOUT)
        return figure
    rng = np.random.default_rng(0)  # a little horizontal jitter so equal months do not hide each other
    truth_month, truth_height = np.asarray(data["true_month"]), np.asarray(data["true_height"])
    jitter = rng.uniform(-0.15, 0.15, truth_month.shape)
    figure.add_trace(go.Scatter(x=truth_month + 1 + jitter, y=truth_height, mode="markers", name="true peak",
                                marker=dict(color="black", size=5, opacity=0.5)))
    for position, (variant, values) in enumerate(data["predicted"].items()):
        month = np.asarray(values["month"]) + 1 + rng.uniform(-0.15, 0.15, truth_month.shape)
        figure.add_trace(go.Scatter(x=month, y=values["height"], mode="markers",
                                    name=f"{LABELS.get(variant, variant)} peak",
                                    marker=dict(color=colour(position), size=5, opacity=0.5)))
    unit = artifacts["time_unit"]
    figure.update_layout(title="Peaks of the held-out event windows: true against predicted",
                         xaxis_title=f"{unit} of the peak in the future window",
                         yaxis_title=f"peak {artifacts['value_unit']}", **LAYOUT)
    figure.update_xaxes(dtick=1)
    return figure
