"""Sine frequency: plotly figures, pure functions of a run's artifacts (and history) → ``go.Figure``.

Every frequency axis is in cycles per series (``f`` full periods between the first and the last sample).
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from seqcore.plots import LAYOUT
from seqcore.scenarios.sine_frequency.config import SEED_SWEEP_TRAIN_MAE

UNIT = "cycles per series"
NAMES = {"naive_lstm": "naive LSTM (the question)", "fixed_lstm": "fixed LSTM (the answer + scaling)",
         "dense": "dense network", "fft": "FFT peak, refined", "fft_plain": "FFT peak + parabola only",
         "crlb": "Cramér–Rao bound"}
COLORS = {"naive_lstm": "#d62728", "fixed_lstm": "#1f77b4", "dense": "#2ca02c", "fft": "#9467bd",
          "fft_plain": "#c5b0d5", "crlb": "#000000"}
VARIANTS = ("naive_lstm", "fixed_lstm", "dense", "fft")
ERROR_FLOOR = 1e-6  # |errors| below this are drawn at it (a noiseless FFT estimate is exact to ~1e-9)


def _present(mapping: Mapping[str, Any]) -> list[str]:
    return [v for v in VARIANTS if v in mapping]


SHORT = {"naive_lstm": "naive LSTM", "fixed_lstm": "fixed LSTM", "dense": "dense network", "fft": "FFT, refined"}


def predicted_vs_true(artifacts: Mapping[str, Any]) -> go.Figure:
    """One panel per estimator (2 × 2): estimated against true frequency on the held-out series, identity line."""
    held = artifacts["held_out"]
    true = np.asarray(held["true"], float)
    variants = _present(held["predicted"])
    top = float(artifacts["max_frequency"]) * 1.05
    maes = {v: float(np.mean(np.abs(np.asarray(held["predicted"][v], float) - true))) for v in variants}
    rows = (len(variants) + 1) // 2
    fig = make_subplots(rows=rows, cols=2, shared_xaxes=True, shared_yaxes=True, horizontal_spacing=0.06,
                        vertical_spacing=0.12, subplot_titles=[f"{SHORT[v]} — MAE {maes[v]:.3g}" for v in variants])
    for i, variant in enumerate(variants):
        row, col = i // 2 + 1, i % 2 + 1
        fig.add_trace(go.Scatter(x=[0, top], y=[0, top], mode="lines", showlegend=i == 0, name="estimate = truth",
                                 line=dict(color="#888", dash="dot")), row=row, col=col)
        fig.add_trace(go.Scatter(x=true, y=np.asarray(held["predicted"][variant], float), mode="markers",
                                 name=NAMES[variant], marker=dict(color=COLORS[variant], size=5, opacity=0.6)),
                      row=row, col=col)
    for col in (1, 2):
        fig.update_xaxes(title_text=f"true frequency ({UNIT})", row=rows, col=col)
    for row in range(1, rows + 1):
        fig.update_yaxes(title_text=f"estimated ({UNIT})", row=row, col=1)
    fig.update_layout(**LAYOUT)
    fig.update_layout(title="Held-out series: estimated vs true frequency", height=300 + 260 * rows,
                      legend=dict(orientation="h", y=-0.12), margin=dict(l=60, r=20, t=80, b=60))
    return fig


def error_vs_frequency(artifacts: Mapping[str, Any]) -> go.Figure:
    """|estimate − truth| against the true frequency (log scale: the estimators differ by decades)."""
    held = artifacts["held_out"]
    true = np.asarray(held["true"], float)
    fig = go.Figure()
    for variant in _present(held["predicted"]):
        error = np.abs(np.asarray(held["predicted"][variant], float) - true)
        fig.add_trace(go.Scatter(x=true, y=np.maximum(error, ERROR_FLOOR), mode="markers", name=NAMES[variant],
                                 marker=dict(color=COLORS[variant], size=5, opacity=0.6)))
    fig.update_layout(**LAYOUT)
    fig.update_layout(title=f"Error against true frequency (errors below {ERROR_FLOOR:g} drawn at it)",
                      xaxis_title=f"true frequency ({UNIT})", yaxis_title=f"|estimate − truth| ({UNIT})",
                      yaxis_type="log", height=380)
    return fig


def example_series(artifacts: Mapping[str, Any], index: int | None = None) -> go.Figure:
    """Held-out series (all the examples, or the one at ``index``), titled with the true frequency and every
    estimator's estimate."""
    ex = artifacts["examples"]
    series = np.asarray(ex["series"], float)
    if index is not None and not 0 <= index < len(series):
        raise ValueError(f"index: must be from 0 to {len(series) - 1}; received {index}")
    chosen = list(range(len(series))) if index is None else [index]
    titles = []
    for i in chosen:
        estimates = " · ".join(f"{SHORT[v]} {float(ex['estimated'][v][i]):.2f}"
                               for v in _present(ex["estimated"]))
        titles.append(f"true {float(ex['true'][i]):.2f} — {estimates}")
    fig = make_subplots(rows=len(chosen), cols=1, shared_xaxes=True, vertical_spacing=0.25 / len(chosen),
                        subplot_titles=titles)
    for row, i in enumerate(chosen, start=1):
        fig.add_trace(go.Scatter(x=ex["time"], y=series[i], mode="lines+markers", showlegend=False,
                                 line=dict(color="#444", width=1), marker=dict(size=3)), row=row, col=1)
        fig.update_yaxes(title_text="value", row=row, col=1)
    fig.update_xaxes(title_text="time (fraction of the series: 0 = first sample, 1 = last)", row=len(chosen),
                     col=1)
    fig.update_layout(**LAYOUT)
    fig.update_layout(title=f"A held-out series and its estimates ({UNIT})", height=200 + 170 * len(chosen),
                      showlegend=False, margin=dict(l=60, r=20, t=90, b=50))
    return fig


def max_frequency_sweep(artifacts: Mapping[str, Any]) -> go.Figure:
    """Held-out MAE against the highest training frequency, with the seed's train MAE beside ours (the seed's
    numbers alone when the sweep was not run)."""
    sweep = artifacts.get("sweep")
    fig = go.Figure()
    if sweep:
        x, seed_mae = sweep["max_frequencies"], sweep["seed_train_mae"]
        for variant in _present(sweep["mae"]):
            fig.add_trace(go.Scatter(x=x, y=np.maximum(np.asarray(sweep["mae"][variant], float), ERROR_FLOOR),
                                     mode="lines+markers", name=f"{NAMES[variant]} (held-out)",
                                     line=dict(color=COLORS[variant])))
        title = "Error against the highest training frequency"
    else:
        x, seed_mae = list(SEED_SWEEP_TRAIN_MAE), list(SEED_SWEEP_TRAIN_MAE.values())
        title = "The seed's sweep (turn on 'Max-frequency sweep' to train ours beside it)"
    fig.add_trace(go.Scatter(x=x, y=seed_mae, mode="markers+text", name="the seed's answer (training MAE)",
                             text=[f"{v:g}" for v in seed_mae], textposition="top center",
                             marker=dict(symbol="x", size=11, color="#ff7f0e")))
    fig.update_layout(**LAYOUT)
    fig.update_layout(title=title, xaxis_title=f"max frequency ({UNIT})", yaxis_title=f"MAE ({UNIT})",
                      yaxis=dict(type="log", tickformat=".2~g"), xaxis=dict(tickmode="array", tickvals=x),
                      height=400)
    return fig


def rmse_vs_snr(artifacts: Mapping[str, Any]) -> go.Figure:
    """RMSE against SNR for every estimator and the Cramér–Rao bound (log scale)."""
    snr = artifacts["snr"]
    fig = go.Figure()
    for variant in ("naive_lstm", "fixed_lstm", "dense"):
        if variant in snr["rmse"]:
            fig.add_trace(go.Scatter(x=snr["learned_levels_db"], y=snr["rmse"][variant], mode="lines+markers",
                                     name=NAMES[variant], line=dict(color=COLORS[variant])))
    fig.add_trace(go.Scatter(x=snr["levels_db"], y=snr["rmse"]["fft"], mode="lines+markers", name=NAMES["fft"],
                             line=dict(color=COLORS["fft"])))
    fig.add_trace(go.Scatter(x=snr["levels_db"], y=snr["fft_plain"], mode="lines", name=NAMES["fft_plain"],
                             line=dict(color=COLORS["fft_plain"], dash="dash")))
    fig.add_trace(go.Scatter(x=snr["levels_db"], y=snr["crlb"], mode="lines", name=NAMES["crlb"],
                             line=dict(color=COLORS["crlb"], dash="dot")))
    fig.update_layout(**LAYOUT)
    fig.update_layout(title="Held-out RMSE against noise, and the floor no unbiased estimator beats",
                      xaxis_title="SNR (dB): sine power over noise variance", yaxis_type="log",
                      yaxis_title=f"RMSE ({UNIT})", yaxis_tickformat=".2~g", height=420)
    return fig


def training_curves(history: Mapping[str, list[Mapping[str, float]]]) -> go.Figure:
    """Training MAE (every epoch) and held-out MAE (every few epochs) per learned estimator."""
    fig = go.Figure()
    for variant, logs in history.items():
        color = COLORS.get(variant, "#444")
        epochs = np.arange(1, len(logs) + 1)
        fig.add_trace(go.Scatter(x=epochs, y=[e.get("mae") for e in logs], mode="lines",
                                 name=f"{NAMES.get(variant, variant)}: training", line=dict(color=color, width=1)))
        tested = [(i + 1, e["test_mae"]) for i, e in enumerate(logs) if "test_mae" in e]
        if tested:
            fig.add_trace(go.Scatter(x=[t[0] for t in tested], y=[t[1] for t in tested], mode="lines+markers",
                                     name=f"{NAMES.get(variant, variant)}: held-out",
                                     line=dict(color=color, dash="dash")))
    fig.update_layout(**LAYOUT)
    fig.update_layout(title="Training curves", xaxis_title="epoch", yaxis_title=f"MAE ({UNIT})",
                      yaxis=dict(type="log", tickformat=".2~g"), height=420)
    return fig
