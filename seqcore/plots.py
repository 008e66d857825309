"""Figure builders shared by every page: pure functions from numbers to ``plotly.graph_objects.Figure``."""

from __future__ import annotations

import math
from typing import Iterable

import plotly.graph_objects as go

# One colour per variant role, the same on every page: the pitfall warm, the fixes cool.
PALETTE = ("#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b")
LAYOUT = dict(template="plotly_white", margin=dict(l=60, r=20, t=50, b=50), legend=dict(orientation="h", y=-0.2))


def colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def history_from_events(events: Iterable[dict]) -> dict[str, list[dict]]:
    """Progress events (as streamed from a worker) → per-variant epoch logs, like ``Result.history``."""
    history: dict[str, list[dict]] = {}
    for event in events:
        history.setdefault(event["variant"], []).append(event["logs"])
    return history


def training_curves(history: dict[str, list[dict]], *, keys: Iterable[str] | None = None,
                    title: str = "Training curves", log_y: bool | None = None) -> go.Figure:
    """One line per (variant, logged value) against epoch. ``keys`` limits which logged values are drawn.

    ``log_y=None`` picks a log axis when every value is positive (losses such as soft-DTW can go negative).
    """
    figure = go.Figure()
    if log_y is None:
        values = [v for logs in history.values() for entry in logs for k, v in entry.items()
                  if (keys is None or k in set(keys)) and v is not None and math.isfinite(v)]
        log_y = bool(values) and min(values) > 0
    dashes = ("solid", "dash", "dot", "dashdot")
    for index, (variant, logs) in enumerate(history.items()):
        names = [k for k in (logs[0] if logs else {}) if keys is None or k in set(keys)]
        for line, name in enumerate(names):
            values = [entry.get(name) for entry in logs]
            values = [v if v is not None and math.isfinite(v) and (v > 0 or not log_y) else None for v in values]
            figure.add_trace(go.Scatter(x=list(range(1, len(logs) + 1)), y=values, mode="lines+markers",
                                        name=f"{variant}: {name}", line=dict(color=colour(index),
                                                                               dash=dashes[line % 4])))
    figure.update_layout(title=title, xaxis_title="epoch", yaxis_title="value (log scale)" if log_y else "value",
                         **LAYOUT)
    if log_y:
        figure.update_yaxes(type="log")
    return figure
