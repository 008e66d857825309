"""Teacher forcing: plotly figures, pure functions of a run's snapshots, artifacts and history (no TensorFlow).

Every variant is drawn in its :class:`~seqcore.scenario.Variant` style (name, colour, dash, marker), so red
against green is never the only cue. In the forecast chart each variant's line is its free-running forecast
(fed its own predictions, as at inference); teacher forcing's forecast fed the truth is added, dotted with open
markers, so the visitor sees one hug the truth while the other drifts away.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from seqcore.plots import LAYOUT, TRUTH_COLOUR, tidy_log_axis
from seqcore.scenario import REFERENCE_GREY, Variant

VALUE_AXIS = "value (signal amplitude ≈ 1)"
MSE_AXIS = "masked MSE (value²)"
HISTORY_LABEL = "history (what the encoder reads)"
TRUTH_LABEL = "true future (gaps: missing)"
FREE_RUNNING = "fed its own predictions"  # the suffix of a variant's free-running forecast
FED_THE_TRUTH = "fed the truth"  # the suffix of a forecast fed the true previous values
VS_PITFALL = "free run ÷ TF's"  # the table's column: free-running MSE over teacher forcing's free-running MSE


def _layout(figure: go.Figure, title: str, x_title: str, y_title: str) -> go.Figure:
    figure.update_layout(title=title, xaxis_title=x_title, yaxis_title=y_title, **LAYOUT)
    return figure


def forecast_chart(
    snapshots: Mapping[str, Mapping[str, Any]],
    variants: Sequence[Variant],
    *,
    sample: int,
    title: str,
    fed_the_truth: Sequence[str] = (),
) -> go.Figure:
    """One validation window: history, the true future, and each variant's free-running forecast; for the
    variants in ``fed_the_truth`` also the forecast fed the true previous values. Drawn from the trainer's
    snapshots (one per variant; a variant not reported yet is left out). Time 0 is the last observed value."""
    figure = go.Figure()
    first = next((snapshots[v.key] for v in variants if v.key in snapshots), None)
    if first is None:
        return _layout(figure, title, "time step (0 = last observed value)", VALUE_AXIS)
    count = len(first["truth"])
    sample = min(max(int(sample), 0), count - 1)  # a picker left on a larger set draws the last window
    history, truth = first["history"][sample], first["truth"][sample]
    future = list(range(1, len(truth) + 1))
    figure.add_scatter(
        x=list(range(1 - len(history), 1)),
        y=history,
        mode="lines",
        name=HISTORY_LABEL,
        line={"color": REFERENCE_GREY, "width": 1.5},
    )
    figure.add_scatter(
        x=future,
        y=truth,
        mode="markers",
        name=TRUTH_LABEL,
        marker={"color": TRUTH_COLOUR, "size": 9, "symbol": "circle"},
    )
    for variant in variants:
        snapshot = snapshots.get(variant.key)
        if snapshot is None:
            continue
        if variant.key in fed_the_truth:
            figure.add_scatter(
                x=future,
                y=snapshot["teacher_forced"][sample],
                mode="lines+markers",
                name=f"{variant.name}: {FED_THE_TRUTH}",
                line={"color": variant.colour, "dash": "dot", "width": 1.5},
                marker={"color": variant.colour, "symbol": "circle-open", "size": 8},
            )
        figure.add_scatter(
            x=future,
            y=snapshot["free_running"][sample],
            mode="lines+markers",
            name=f"{variant.name}: {FREE_RUNNING}",
            line=variant.line(width=2.5),
            marker=variant.markers(size=7),
        )
    figure.add_vline(x=0.5, line={"color": "#bbbbbb", "dash": "dot"})
    return _layout(
        figure,
        f"Validation window {sample + 1} — {title}" if title else f"Validation window {sample + 1}",
        "time step (0 = last observed value)",
        VALUE_AXIS,
    )


def error_by_step_figure(mse_by_step: Mapping[str, Sequence[float]], variants: Sequence[Variant]) -> go.Figure:
    """Free-running MSE at each horizon step, one line per variant: the error grows as errors are fed back."""
    figure = go.Figure()
    for variant in variants:
        values = mse_by_step.get(variant.key)
        if values is None:
            continue
        figure.add_scatter(
            x=list(range(1, len(values) + 1)),
            y=list(values),
            mode="lines+markers",
            name=variant.name,
            line=variant.line(),
            marker=variant.markers(),
        )
    return _layout(figure, "Free-running error along the horizon", "horizon step (steps ahead)", MSE_AXIS)


def schedule_figure(schedule: Mapping[str, Any], variants: Sequence[Variant]) -> go.Figure:
    """The probability of feeding the truth to the decoder over training, one line per variant."""
    figure = go.Figure()
    for variant in variants:
        curve = schedule.get(variant.key)
        if curve is None:
            continue
        figure.add_scatter(
            x=list(curve.epoch), y=list(curve.probability), mode="lines", name=variant.name, line=variant.line()
        )
    figure.update_yaxes(range=[-0.05, 1.05])
    return _layout(
        figure,
        "Probability of feeding the true previous value",
        "training progress (epochs)",
        "probability of the truth (0 to 1)",
    )


def validation_curves(history: Mapping[str, Sequence[Mapping[str, float]]], variants: Sequence[Variant]) -> go.Figure:
    """Both validation MSEs per epoch, one panel each on the same log scale: fed the truth (what a
    teacher-forced validation loss reports) above, fed its own predictions (what inference gets) below.
    Teacher forcing's line falls in the first panel while it stays high in the second."""
    panels = (
        ("validation_teacher_forced", "Fed the true previous values (what the training loss sees)"),
        ("validation_free_running", "Fed its own predictions (what inference gets)"),
    )
    figure = make_subplots(
        rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.12, subplot_titles=[title for _, title in panels]
    )
    for variant in variants:
        logs = history.get(variant.key) or []
        epochs = list(range(1, len(logs) + 1))
        for row, (key, _) in enumerate(panels, start=1):
            values = [entry.get(key) for entry in logs]
            figure.add_scatter(
                x=epochs,
                y=[v if v is not None and v > 0 else None for v in values],
                mode="lines+markers",
                name=variant.name,
                legendgroup=variant.key,
                showlegend=row == 1,
                line=variant.line(),
                marker=variant.markers(),
                row=row,
                col=1,
            )
    values = [entry.get(key) for logs in history.values() for entry in logs for key, _ in panels]
    log_ticks(figure, [v for v in values if v is not None and v > 0])
    figure.update_yaxes(matches="y", title_text="MSE (log)")
    figure.update_xaxes(title_text="epoch", row=2, col=1)
    figure.update_layout(title="Validation error during training", height=600, **LAYOUT)
    figure.update_layout(legend_y=-0.12)
    return figure


def log_ticks(figure: go.Figure, values: Sequence[float]) -> None:
    """A log y axis labelled in plain numbers: whole decades only (no "2, 5" minor labels) when the values span
    several decades, else 1-2-5 steps (0.02, 0.05, 0.1, …) so that a narrow range still gets labels."""
    if not values or max(values) / min(values) >= 30:
        tidy_log_axis(figure)
        return
    low, high = math.floor(math.log10(min(values))), math.ceil(math.log10(max(values)))
    ticks = [m * 10.0**e for e in range(low, high + 1) for m in (1, 2, 5)]
    ticks = [t for t in ticks if min(values) / 2 <= t <= max(values) * 2]
    figure.update_yaxes(type="log", tickvals=ticks, ticktext=[f"{t:.3g}" for t in ticks], minor=dict(showgrid=False))


def summary_rows(metrics: Mapping[str, float], variants: Sequence[Variant]) -> dict[str, dict[str, float]]:
    """Rows named by how each network was trained (the variants' names are training methods), columns by what
    was measured: validation MSE fed the truth (what a teacher-forced validation loss reports), fed its own
    predictions (what inference gets), and the latter against teacher forcing's (below 1: the remedy helps).
    Short, so a phone shows every column."""
    return {
        variant.name: {
            "fed truth": metrics[f"{variant.key}/teacher_forced_mse"],
            "free run": metrics[f"{variant.key}/free_running_mse"],
            VS_PITFALL: metrics[f"{variant.key}/vs_teacher_forcing"],
        }
        for variant in variants
    }
