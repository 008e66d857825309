"""Teacher forcing: plotly figures, pure functions of a run's artifacts, metrics and history (no TensorFlow).

Every figure keeps the variants' colours (the app's palette: the pitfall warm, the fixes cool): teacher
forcing red, scheduled sampling blue, free running green. Teacher-forced numbers are drawn solid and
free-running ones dashed.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import plotly.graph_objects as go

from seqcore.plots import LAYOUT, colour

VARIANT_LABELS = {"teacher_forcing": "Teacher forcing", "scheduled_sampling": "Scheduled sampling",
                  "free_running": "Free running"}
VARIANT_COLORS = {variant: colour(index) for index, variant in enumerate(VARIANT_LABELS)}
HISTORY_COLOR, TRUTH_COLOR = "#7f7f7f", "#1f1f1f"
VALUE_AXIS = "value (unitless, signal amplitude ≈ 1)"
MSE_AXIS = "masked MSE (value units²)"


def _label(variant: str) -> str:
    return VARIANT_LABELS.get(variant, variant)


def _layout(figure: go.Figure, title: str, x_title: str, y_title: str) -> go.Figure:
    figure.update_layout(title=title, xaxis_title=x_title, yaxis_title=y_title, hovermode="x unified", **LAYOUT)
    return figure


def window_figure(artifacts: Mapping[str, Any], index: int, variant: str) -> go.Figure:
    """One validation window: history, true future (missing steps left out), and both forecasts of ``variant``.

    Time is in steps, 0 being the last observed value; the forecast covers steps 1..Ty.
    """
    samples = artifacts["samples"]
    count = len(samples["history"])
    if not 0 <= index < count:
        raise ValueError(f"index: must be from 0 to {count - 1}; received {index}")
    if variant not in samples["free_running"]:
        raise ValueError(f"variant: must be one of {', '.join(samples['free_running'])}; received {variant!r}")
    history = list(samples["history"][index])
    past = list(range(1 - len(history), 1))
    future = list(range(1, artifacts["horizon"] + 1))
    truth = [None if missing else value
             for value, missing in zip(samples["truth"][index], samples["missing"][index])]
    color = VARIANT_COLORS.get(variant)
    figure = go.Figure()
    figure.add_scatter(x=past, y=history, mode="lines", name="history (encoder input)",
                       line={"color": HISTORY_COLOR})
    figure.add_scatter(x=future, y=truth, mode="markers", name="true future (gaps: missing)",
                       marker={"color": TRUTH_COLOR, "size": 7})
    figure.add_scatter(x=future, y=list(samples["teacher_forced"][variant][index]), mode="lines+markers",
                       name="teacher-forced (fed the truth)", line={"color": color}, marker={"size": 4})
    figure.add_scatter(x=future, y=list(samples["free_running"][variant][index]), mode="lines+markers",
                       name="free-running (fed its own predictions)", line={"color": color, "dash": "dash"},
                       marker={"size": 4, "symbol": "x"})
    figure.add_vline(x=0.5, line={"color": "#bbbbbb", "dash": "dot"})
    return _layout(figure, f"Validation window {index + 1}: {_label(variant)}",
                   "time step (0 = last observed value)", VALUE_AXIS)


def error_by_step_figure(artifacts: Mapping[str, Any]) -> go.Figure:
    """Free-running MSE at each horizon step, one line per variant: the error grows as errors are fed back."""
    figure = go.Figure()
    steps = list(artifacts["horizon_steps"])
    for variant, values in artifacts["mse_by_step"].items():
        figure.add_scatter(x=steps, y=list(values), mode="lines+markers", name=_label(variant),
                           line={"color": VARIANT_COLORS.get(variant)})
    return _layout(figure, "Free-running error along the horizon", "horizon step (steps ahead)", MSE_AXIS)


def schedule_figure(artifacts: Mapping[str, Any]) -> go.Figure:
    """The probability of feeding the truth to the decoder over training, one line per variant."""
    figure = go.Figure()
    for variant, curve in artifacts["schedule"].items():
        figure.add_scatter(x=list(curve["epoch"]), y=list(curve["probability"]), mode="lines",
                           name=_label(variant), line={"color": VARIANT_COLORS.get(variant)})
    figure.update_yaxes(range=[-0.05, 1.05])
    return _layout(figure, "Probability of feeding the true previous value", "training progress (epochs)",
                   "probability of the truth (0 to 1)")


def training_curves_figure(history: Mapping[str, Sequence[Mapping[str, float]]]) -> go.Figure:
    """Both validation MSEs per epoch for every variant (works on a partial history during training).

    Solid: fed the truth (what a teacher-forced validation loss reports). Dashed: fed its own predictions
    (what inference gets). For teacher forcing the solid line falls while the dashed one stays high.
    """
    figure = go.Figure()
    for variant, epochs in history.items():
        x = list(range(1, len(epochs) + 1))
        color = VARIANT_COLORS.get(variant)
        figure.add_scatter(x=x, y=[e.get("val_teacher_forced_mse") for e in epochs], mode="lines+markers",
                           name=f"{_label(variant)}: teacher-forced", line={"color": color})
        figure.add_scatter(x=x, y=[e.get("val_free_running_mse") for e in epochs], mode="lines+markers",
                           name=f"{_label(variant)}: free-running", line={"color": color, "dash": "dash"})
    figure.update_yaxes(type="log")
    return _layout(figure, "Validation error during training", "epoch", MSE_AXIS + ", log scale")


def summary_rows(metrics: Mapping[str, float], variants: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """One row per variant: both validation MSEs and their ratio (the gap)."""
    return [{"variant": _label(variant),
             "teacher-forced MSE": metrics[f"{variant}/teacher_forced_mse"],
             "free-running MSE": metrics[f"{variant}/free_running_mse"],
             "gap (free ÷ forced)": metrics[f"{variant}/gap"]}
            for variant in (variants or VARIANT_LABELS)]
