"""Sine frequency: plotly figures, pure functions of a run's artifacts, snapshots and history → ``go.Figure``.

Every frequency axis is in cycles per series (``f`` full periods between the first and the last sample). Every
estimator is drawn in its own :class:`~seqcore.scenario.Variant` style; the truth (and the floor) is black.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from seqcore import plots as shared
from seqcore.plots import LAYOUT, TRUTH_COLOUR
from seqcore.scenario import Variant
from seqcore.scenarios.sine_frequency import CRLB_NAME, FFT_PLAIN_NAME, UNIT

ERROR_FLOOR = 1e-6  # |errors| below this are drawn at it (a noiseless FFT estimate is exact to ~1e-7)
ERROR_FLOOR_TEXT = "10⁻⁶"  # in the app's one number style
FFT_PLAIN_COLOUR = "#c49c94"  # a paler brown than the refined FFT's: the same estimator, one step fewer
IDENTITY_NAME = "estimate = truth"
THRESHOLD_SHADE = "#dddddd"  # the SNR range below the threshold, where no estimator follows the bound


def _present(variants: Sequence[Variant], mapping: Mapping) -> list[Variant]:
    return [v for v in variants if v.key in mapping]


def estimated_vs_true(snapshots: Mapping[str, Mapping], variants: Sequence[Variant], *, title: str = "") -> go.Figure:
    """The main chart: a panel per estimator (2 × 2), estimated against true frequency with the identity line.

    ``snapshots`` maps a variant key to ``{"true": [...], "predicted": [...]}`` on the shown held-out series;
    a variant without one yet keeps its panel, empty, so the layout does not jump while a run trains.
    """
    rows = (len(variants) + 1) // 2
    top = max((max(s["true"]) for s in snapshots.values() if s.get("true")), default=1.0) * 1.05
    titles = []
    for variant in variants:
        snapshot = snapshots.get(variant.key)
        if snapshot is not None:
            mae = float(np.mean(np.abs(np.asarray(snapshot["predicted"]) - np.asarray(snapshot["true"]))))
            titles.append(f"{variant.name} — MAE {mae:.3g}")
        else:
            titles.append(f"{variant.name} — {'no training: drawn at the end' if variant.key == 'fft' else 'waiting'}")
    figure = make_subplots(
        rows=rows,
        cols=2,
        shared_xaxes=True,
        shared_yaxes=True,
        horizontal_spacing=0.06,
        vertical_spacing=0.12,
        subplot_titles=titles,
    )
    for i, variant in enumerate(variants):
        row, col = i // 2 + 1, i % 2 + 1
        figure.add_trace(
            go.Scatter(
                x=[0, top],
                y=[0, top],
                mode="lines",
                showlegend=i == 0,
                name=IDENTITY_NAME,
                line=dict(color=TRUTH_COLOUR, dash="dot", width=1),
            ),
            row=row,
            col=col,
        )
        snapshot = snapshots.get(variant.key)
        if snapshot is not None:
            figure.add_trace(
                go.Scatter(
                    x=snapshot["true"],
                    y=snapshot["predicted"],
                    mode="markers",
                    name=variant.name,
                    marker=variant.markers(size=6),
                    opacity=0.6,
                ),
                row=row,
                col=col,
            )
    for col in (1, 2):
        figure.update_xaxes(title_text=f"true frequency ({UNIT})", row=rows, col=col)
    for row in range(1, rows + 1):
        figure.update_yaxes(title_text=f"estimated ({UNIT})", row=row, col=1)
    heading = "Held-out series: estimated vs true frequency"
    figure.update_layout(**LAYOUT)
    figure.update_layout(
        title=f"{heading} — {title}" if title else heading,
        height=300 + 260 * rows,
        legend=dict(orientation="h", y=-0.12),
        margin=dict(l=60, r=20, t=80, b=60),
    )
    return figure


def error_vs_frequency(artifacts, variants: Sequence[Variant]) -> go.Figure:
    """|estimate − truth| against the true frequency, every held-out series (log scale: decades apart)."""
    held = artifacts.held_out
    true = np.asarray(held.true, float)
    figure = go.Figure()
    for variant in _present(variants, held.predicted):
        error = np.abs(np.asarray(held.predicted[variant.key], float) - true)
        figure.add_trace(
            go.Scatter(
                x=true,
                y=np.maximum(error, ERROR_FLOOR),
                mode="markers",
                name=variant.name,
                marker=variant.markers(size=6),
                opacity=0.6,
            )
        )
    figure.update_layout(**LAYOUT)
    figure.update_layout(
        title=f"Error against true frequency (errors below {ERROR_FLOOR_TEXT} drawn at it)",
        xaxis_title=f"true frequency ({UNIT})",
        yaxis_title=f"|estimate − truth| ({UNIT})",
        height=380,
    )
    shared.tidy_log_axis(figure)
    return figure


def example_series(artifacts, index: int, variants: Sequence[Variant]) -> go.Figure:
    """One held-out example series, titled with its true frequency and every estimator's estimate."""
    examples = artifacts.examples
    if not 0 <= index < len(examples.series):
        raise ValueError(f"index: must be from 0 to {len(examples.series) - 1}; received {index}")
    estimates = " · ".join(
        f"{v.name} {float(examples.estimated[v.key][index]):.2f}" for v in _present(variants, examples.estimated)
    )
    figure = go.Figure(
        go.Scatter(
            x=examples.time,
            y=examples.series[index],
            mode="lines+markers",
            name="held-out series",
            showlegend=False,
            line=dict(color="#444", width=1),
            marker=dict(size=3),
        )
    )
    figure.update_layout(**LAYOUT)
    figure.update_layout(
        title=f"Held-out example {index + 1}: true {float(examples.true[index]):.2f}<br>"
        f"<sup>{estimates} ({UNIT})</sup>",
        xaxis_title="time (fraction of the series: 0 = first sample, 1 = last)",
        yaxis_title="value",
        height=360,
        showlegend=False,
        margin=dict(l=60, r=20, t=90, b=50),
    )
    return figure


def rmse_vs_snr(artifacts, variants: Sequence[Variant]) -> go.Figure:
    """RMSE against SNR for every estimator, the plain periodogram and the Cramér–Rao bound (log scale)."""
    snr = artifacts.snr
    figure = go.Figure()
    for variant in _present(variants, snr.rmse):
        levels = snr.levels_db if variant.key == "fft" else snr.learned_levels_db
        figure.add_trace(
            go.Scatter(
                x=levels,
                y=snr.rmse[variant.key],
                mode="lines+markers",
                name=variant.name,
                line=variant.line(),
                marker=variant.markers(size=8),
            )
        )
    figure.add_trace(
        go.Scatter(
            x=snr.levels_db,
            y=snr.fft_plain,
            mode="lines",
            name=FFT_PLAIN_NAME,
            line=dict(color=FFT_PLAIN_COLOUR, dash="dash"),
        )
    )
    figure.add_trace(
        go.Scatter(x=snr.levels_db, y=snr.crlb, mode="lines", name=CRLB_NAME, line=dict(color=TRUTH_COLOUR, dash="dot"))
    )
    if snr.threshold_db is not None and snr.threshold_db > min(snr.levels_db):
        # Below the threshold outliers dominate: shade that side, so the bound is not read as reachable there.
        figure.add_vrect(
            x0=min(snr.levels_db),
            x1=snr.threshold_db,
            fillcolor=THRESHOLD_SHADE,
            opacity=0.35,
            line_width=0,
            layer="below",
            annotation_text=f"below {snr.threshold_db:g} dB: outliers, bound out of reach",
            annotation_position="top left",
        )
    figure.update_layout(**LAYOUT)
    figure.update_layout(
        title="Held-out RMSE against noise, and the floor no unbiased estimator beats",
        xaxis_title="SNR (dB): sine power over noise variance",
        yaxis_title=f"RMSE ({UNIT})",
        height=420,
    )
    shared.tidy_log_axis(figure)
    return figure


def training_curves(history: Mapping[str, list[Mapping[str, float]]], variants: Sequence[Variant]) -> go.Figure:
    """Training MAE (every epoch) and held-out MAE (every few epochs, joined across the epochs between)."""
    figure = shared.training_curves(history, variants, keys=("mae", "test_mae"), title="Training curves")
    figure.update_traces(connectgaps=True)
    figure.update_layout(yaxis_title=f"MAE ({UNIT}, log scale)", height=420)
    return figure
