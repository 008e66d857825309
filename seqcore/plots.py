"""Figure builders shared by every page: pure functions from numbers to ``plotly.graph_objects.Figure``.

Names, colours, dashes and markers come from each scenario's :class:`~seqcore.scenario.Variant` records, so a
variant looks the same in every chart — live and final, on every page.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import plotly.graph_objects as go

from seqcore.scenario import REFERENCE_GREY, Variant

TRUTH_COLOUR = "#222222"  # labels / the truth: black, thick, solid, in every labels-vs-predictions chart
BASELINE_COLOUR = REFERENCE_GREY

# One number style app-wide (10⁻⁶, not "1µ" or "0.000001"), on every axis of every subplot.
TEMPLATE = go.layout.Template(
    layout=dict(
        xaxis=dict(exponentformat="power", showexponent="all"),
        yaxis=dict(exponentformat="power", showexponent="all"),
    )
)
LAYOUT = dict(
    template="plotly_white+seqcore", margin=dict(l=60, r=20, t=60, b=50), legend=dict(orientation="h", y=-0.2)
)

# Human names for logged values (keys stay identifiers in the history).
LOG_NAMES = {
    "loss": "training loss",
    "val_loss": "validation loss",
    "held_out_loss": "held-out loss",
    "mae": "training MAE",
    "test_mae": "held-out MAE",
}


def _register_template() -> None:
    import plotly.io as pio

    pio.templates["seqcore"] = TEMPLATE


_register_template()


def log_name(key: str) -> str:
    return LOG_NAMES.get(key, key.replace("_", " "))


def tidy_log_axis(figure: go.Figure, **selector) -> None:
    """Log axes label whole decades only (no "2, 5" minor labels between them)."""
    figure.update_yaxes(type="log", dtick=1, minor=dict(showgrid=False), **selector)


def history_from_events(events: Iterable[dict]) -> dict[str, list[dict]]:
    """Progress events (as streamed from a worker) → per-variant epoch logs, like ``Result.history``."""
    history: dict[str, list[dict]] = {}
    for event in events:
        if event["epoch"] >= 1:  # epoch 0 is the untrained model's snapshot: no logs yet
            history.setdefault(event["variant"], []).append(event["logs"])
    return history


def training_curves(
    history: dict[str, list[dict]],
    variants: Sequence[Variant],
    *,
    keys: Iterable[str] | None = None,
    title: str = "Training curves",
    log_y: bool | None = None,
) -> go.Figure:
    """One line per (variant, logged value) against epoch, in the variant's colour; several logged values of one
    variant differ by marker. ``keys`` limits which values are drawn; ``log_y=None`` picks a log axis when every
    value is positive (losses such as soft-DTW can go negative). Variants keep their declared order and style
    whatever order their epochs arrived in."""
    keys = set(keys) if keys is not None else None
    figure = go.Figure()
    if log_y is None:
        values = [
            v
            for logs in history.values()
            for entry in logs
            for k, v in entry.items()
            if (keys is None or k in keys) and v is not None and math.isfinite(v)
        ]
        log_y = bool(values) and min(values) > 0
    markers = ("circle", "x", "diamond", "square")
    for variant in variants:
        logs = history.get(variant.key)
        if not logs:
            continue
        names = [k for k in logs[0] if keys is None or k in keys]
        for line, name in enumerate(names):
            values = [entry.get(name) for entry in logs]
            values = [v if v is not None and math.isfinite(v) and (v > 0 or not log_y) else None for v in values]
            figure.add_trace(
                go.Scatter(
                    x=list(range(1, len(logs) + 1)),
                    y=values,
                    mode="lines+markers",
                    name=f"{variant.name}: {log_name(name)}" if len(names) > 1 else variant.name,
                    line=variant.line(),
                    marker=dict(color=variant.colour, symbol=markers[line % len(markers)]),
                )
            )
    figure.update_layout(
        title=title, xaxis_title="epoch", yaxis_title="loss (log scale)" if log_y else "loss", **LAYOUT
    )
    if log_y:
        tidy_log_axis(figure)
    return figure
