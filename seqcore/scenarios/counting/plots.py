"""Counting: figures for the page, drawn from a run's artifacts (no TensorFlow needed)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from seqcore.plots import LAYOUT, colour

LABELS = {"many_to_one": "many-to-one (trained on the total)",
          "many_to_many": "many-to-many (trained on the running count)"}


def error_vs_length(artifacts: dict) -> go.Figure:
    """MSE of the count at every sequence length, both set-ups, with the training length marked."""
    figure = go.Figure()
    for index, (variant, errors) in enumerate(artifacts["mse_by_length"].items()):
        figure.add_trace(go.Scatter(x=artifacts["lengths"], y=np.maximum(errors, 1e-8), mode="lines+markers",
                                    name=LABELS.get(variant, variant), line=dict(color=colour(index))))
    figure.add_vline(x=artifacts["train_length"], line_dash="dash", line_color="grey",
                     annotation_text=f"trained at length {artifacts['train_length']}")
    figure.update_layout(title="Error against sequence length", xaxis_title="sequence length (steps)",
                         yaxis_title="MSE of the count (log scale)", **LAYOUT)
    figure.update_yaxes(type="log")
    return figure


def sample_steps(artifacts: dict, index: int) -> go.Figure:
    """One held-out sequence: its bits, the true running count and each model's output at every step."""
    samples = artifacts["samples"]
    bits = np.asarray(samples["bits"][index])
    steps = np.arange(1, len(bits) + 1)
    figure = go.Figure()
    figure.add_trace(go.Bar(x=steps, y=bits, name="input bit", marker_color="#cccccc", opacity=0.6))
    figure.add_trace(go.Scatter(x=steps, y=samples["counts"][index], mode="lines+markers", name="true count",
                                line=dict(color="black", shape="hv")))
    for position, (variant, predicted) in enumerate(samples["predicted"].items()):
        figure.add_trace(go.Scatter(x=steps, y=predicted[index], mode="lines+markers",
                                    name=f"{LABELS.get(variant, variant)}: output", line=dict(color=colour(position),
                                                                                            dash="dot")))
    figure.update_layout(title="Labels against predictions, step by step", xaxis_title="step",
                         yaxis_title="count of ones so far", **LAYOUT)
    return figure


def hidden_heatmap(artifacts: dict, index: int, variant: str) -> go.Figure:
    """The LSTM's hidden state (one row per unit) over the steps of one sequence."""
    hidden = np.asarray(artifacts["samples"]["hidden"][variant][index])  # (steps, units)
    bits = artifacts["samples"]["bits"][index]
    figure = go.Figure(go.Heatmap(z=hidden.T, x=[f"{s + 1}:{b}" for s, b in enumerate(bits)],
                                  colorscale="RdBu", zmid=0, colorbar=dict(title="activation")))
    figure.update_layout(title=f"Hidden state of {LABELS.get(variant, variant)}",
                         xaxis_title="step:input bit", yaxis_title="LSTM unit", **LAYOUT)
    return figure


def stream_counts(chunks: list[list[int]], carried: list[float], restarted: list[float]) -> go.Figure:
    """Count after each chunk: state carried across chunks vs restarted from zero, against the truth."""
    names = [f"chunk {i + 1}: {''.join(str(b) for b in chunk)}" for i, chunk in enumerate(chunks)]
    truth = np.cumsum([sum(chunk) for chunk in chunks]).tolist()
    figure = go.Figure()
    figure.add_trace(go.Bar(x=names, y=truth, name="true count so far", marker_color="#bbbbbb"))
    figure.add_trace(go.Scatter(x=names, y=carried, mode="lines+markers", name="state carried",
                                line=dict(color=colour(1))))
    figure.add_trace(go.Scatter(x=names, y=restarted, mode="lines+markers", name="state restarted",
                                line=dict(color=colour(0), dash="dot")))
    figure.update_layout(title="Streaming: the count after each chunk", xaxis_title="chunk fed",
                         yaxis_title="count of ones", **LAYOUT)
    return figure
