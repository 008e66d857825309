"""Counting: figures for the page, drawn from a run's artifacts and snapshots (no TensorFlow needed).

Every variant is drawn in its own :class:`~seqcore.scenario.Variant` style; the truth is black and solid.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from seqcore.plots import LAYOUT, TRUTH_COLOUR, tidy_log_axis
from seqcore.scenario import REFERENCE_GREY, Variant

BIT_COLOUR = "#cccccc"
ERROR_FLOOR = 1e-8  # a log axis cannot show 0: smaller errors are drawn at this


def error_vs_length(artifacts, variants: Sequence[Variant]) -> go.Figure:
    """MSE of the count at every sequence length, every variant, with the training length marked."""
    figure = go.Figure()
    for variant in variants:
        errors = artifacts.mse_by_length.get(variant.key)
        if errors is None:
            continue
        figure.add_trace(
            go.Scatter(
                x=artifacts.lengths,
                y=np.maximum(errors, ERROR_FLOOR),
                mode="lines+markers",
                name=variant.name,
                line=variant.line(),
                marker=variant.markers(size=6),
            )
        )
    figure.add_vline(
        x=artifacts.train_length,
        line_dash="dash",
        line_color=REFERENCE_GREY,
        annotation_text=f"trained at length {artifacts.train_length}",
    )
    figure.update_layout(
        title="Error against sequence length",
        xaxis_title="sequence length (steps)",
        yaxis_title="MSE of the count (log scale)",
        **LAYOUT,
    )
    tidy_log_axis(figure)
    return figure


def sample_steps(
    snapshots: Mapping[str, Mapping], variants: Sequence[Variant], *, sample: int, title: str = ""
) -> go.Figure:
    """One shown sequence: its bits, the true running count and each variant's count after every step.

    ``snapshots`` maps a variant key to its snapshot (``bits``, ``counts``, ``predicted``: sequence × step);
    variants without one yet are not drawn. The many-to-one line is what that model would answer if the
    sequence ended at each step.
    """
    figure = go.Figure()
    truth = next(iter(snapshots.values()), None)
    heading = f"Sequence {sample + 1}, step by step"
    if truth is not None:
        if not 0 <= sample < len(truth["bits"]):
            raise ValueError(f"sample: must be from 0 to {len(truth['bits']) - 1}; received {sample}")
        bits = truth["bits"][sample]
        steps = list(range(1, len(bits) + 1))
        figure.add_trace(go.Bar(x=steps, y=bits, name="input bit", marker_color=BIT_COLOUR, opacity=0.6))
        figure.add_trace(
            go.Scatter(
                x=steps,
                y=truth["counts"][sample],
                mode="lines",
                name="true count",
                line=dict(color=TRUTH_COLOUR, width=3, shape="hv"),
            )
        )
        for variant in variants:
            snapshot = snapshots.get(variant.key)
            if snapshot is None:
                continue
            figure.add_trace(
                go.Scatter(
                    x=steps,
                    y=snapshot["predicted"][sample],
                    mode="lines+markers",
                    name=variant.name,
                    line=variant.line(),
                    marker=variant.markers(size=7),
                )
            )
    figure.update_layout(
        title=f"{heading} — {title}" if title else heading,
        xaxis_title="step",
        yaxis_title="count of ones so far",
        **LAYOUT,
    )
    return figure


def hidden_heatmap(artifacts, sample: int, variant: Variant) -> go.Figure:
    """The LSTM's hidden state (one row per unit) over the steps of one shown sequence."""
    hidden = np.asarray(artifacts.samples.hidden[variant.key][sample])  # (steps, units)
    bits = artifacts.samples.bits[sample]
    figure = go.Figure(
        go.Heatmap(
            z=hidden.T,
            x=[f"{s + 1}:{b}" for s, b in enumerate(bits)],
            colorscale="RdBu",
            zmid=0,
            colorbar=dict(title="activation"),
        )
    )
    figure.update_layout(
        title=f"Hidden state of {variant.name}, sequence {sample + 1}",
        xaxis_title="step:input bit",
        yaxis_title="LSTM unit",
        **LAYOUT,
    )
    return figure


def stream_counts(
    chunks: list[list[int]], carried: list[float], restarted: list[float], *, model: Variant
) -> go.Figure:
    """Count after each chunk: state carried across chunks vs restarted from zero, against the truth."""
    names = [f"chunk {i + 1}: {''.join(str(b) for b in chunk)}" for i, chunk in enumerate(chunks)]
    truth = np.cumsum([sum(chunk) for chunk in chunks]).tolist()
    figure = go.Figure()
    figure.add_trace(go.Bar(x=names, y=truth, name="true count so far", marker_color=BIT_COLOUR))
    figure.add_trace(
        go.Scatter(
            x=names,
            y=carried,
            mode="lines+markers",
            name=f"{model.name}: state carried",
            line=model.line(),
            marker=model.markers(size=9),
        )
    )
    figure.add_trace(
        go.Scatter(
            x=names,
            y=restarted,
            mode="lines+markers",
            name="state restarted from zero",
            line=dict(color=REFERENCE_GREY, dash="dot"),
            marker=dict(color=REFERENCE_GREY, symbol="diamond", size=9),
        )
    )
    figure.update_layout(
        title="Streaming: the count after each chunk", xaxis_title="chunk fed", yaxis_title="count of ones", **LAYOUT
    )
    return figure
