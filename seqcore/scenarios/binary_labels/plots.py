"""Binary labels: figures for the page, drawn from a run's artifacts (no TensorFlow needed)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from seqcore.plots import LAYOUT, colour

LABELS = {"mse_raw": "MSE on labels 1/2 (the seed's first model)",
          "sparse_softmax_1unit": "sparse softmax on 1 unit (the seed's attempt)",
          "sigmoid_bce": "1 sigmoid unit + binary cross-entropy",
          "softmax_2class": "2 softmax units + one-hot (the seed's answer)"}
SHORT = {"mse_raw": "MSE on 1/2", "sparse_softmax_1unit": "sparse softmax, 1 unit", "sigmoid_bce": "sigmoid + BCE",
         "softmax_2class": "softmax, 2 units"}
COLOURS = {"mse_raw": colour(0), "sparse_softmax_1unit": colour(4), "sigmoid_bce": colour(1),
           "softmax_2class": colour(2)}
WORKING = ("mse_raw", "sigmoid_bce", "softmax_2class")  # variants whose outputs can be plotted as numbers


def window_steps(artifacts: dict, index: int) -> go.Figure:
    """One held-out window: the input wave; every variant's P(next sample positive) against the true label;
    and each variant's predicted class at every step."""
    sample = artifacts["samples"][index]
    time_ms = np.asarray(sample["time_ms"])
    label_time = np.asarray(sample["label_time_ms"])
    figure = make_subplots(rows=3, cols=1, shared_xaxes=True, vertical_spacing=0.07,
                           row_heights=[0.35, 0.4, 0.25])
    noisy = not np.allclose(sample["input"], sample["clean"])
    figure.add_trace(go.Scatter(x=time_ms, y=sample["input"], mode="lines+markers",
                                name="input (with noise)" if noisy else "input", line=dict(color="black")),
                     row=1, col=1)
    if noisy:
        figure.add_trace(go.Scatter(x=time_ms, y=sample["clean"], mode="lines", name="clean wave",
                                    line=dict(color="grey", dash="dot")), row=1, col=1)
    figure.add_hline(y=0, line_color="#bbbbbb", row=1, col=1)
    figure.add_trace(go.Scatter(x=label_time, y=sample["label"], mode="lines", name="true label (1 = positive)",
                                line=dict(color="black", shape="hv", width=3), opacity=0.35), row=2, col=1)
    for variant in WORKING:
        name = LABELS[variant] + (" — clip(output − 1)" if variant == "mse_raw" else "")
        figure.add_trace(go.Scatter(x=label_time, y=sample["probability"][variant], mode="lines+markers",
                                    name=name, line=dict(color=COLOURS[variant])), row=2, col=1)
    figure.add_hline(y=0.5, line_dash="dash", line_color="#999999", row=2, col=1)
    rows = ["true label"] + [SHORT[v] for v in sample["predicted"]]
    grid = np.array([sample["label"]] + [sample["predicted"][v] for v in sample["predicted"]], dtype=float)
    text = np.where(grid > 0.5, "positive", np.where(grid < -0.5, "no class", "negative"))
    figure.add_trace(go.Heatmap(z=grid, x=label_time, y=rows, zmin=-1, zmax=1, showscale=False, text=text,
                                hovertemplate="%{y} at %{x} ms: %{text}<extra></extra>",
                                colorscale=[[0, "#dddddd"], [0.499, "#dddddd"], [0.5, "#6baed6"],
                                            [0.75, "#6baed6"], [0.751, "#fb6a4a"], [1, "#fb6a4a"]]),
                     row=3, col=1)
    figure.update_yaxes(title_text="input (wave amplitude)", row=1, col=1)
    figure.update_yaxes(title_text="P(next sample positive)", range=[-0.05, 1.05], row=2, col=1)
    figure.update_yaxes(title_text="predicted class", autorange="reversed", row=3, col=1)
    figure.update_xaxes(title_text="time (ms); labels are drawn at the time of the sample they name", row=3, col=1)
    layout = dict(LAYOUT, legend=dict(orientation="h", y=-0.25))
    figure.update_layout(title="Labels against predictions, step by step", height=640, **layout)
    return figure


def per_step_accuracy(artifacts: dict, variants=WORKING) -> go.Figure:
    """Held-out accuracy at each step of the window: step 1 has read one sample, the last step all of them."""
    figure = go.Figure()
    for variant in variants:
        values = artifacts["per_step_accuracy"][variant]
        figure.add_trace(go.Scatter(x=list(range(1, len(values) + 1)), y=values, mode="lines+markers",
                                    name=LABELS[variant], line=dict(color=COLOURS[variant])))
    figure.update_layout(title="Accuracy at each step of the window", xaxis_title="step in the window",
                         yaxis_title="held-out accuracy (share of windows right)", **LAYOUT)
    return figure


def reliability_diagram(artifacts: dict) -> go.Figure:
    """Mean predicted P(positive) against the share of positives seen, per probability bin; the diagonal is
    perfect calibration. The MSE model's clipped output is drawn dashed: it is not a probability by design."""
    figure = go.Figure()
    figure.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name="perfect calibration",
                                line=dict(color="#999999", dash="dot")))
    for variant, table in artifacts["reliability"].items():
        counts = np.asarray(table["count"], float)
        sizes = 6 + 14 * np.sqrt(counts / max(counts.max(), 1.0)) if len(counts) else []
        error = table["expected_calibration_error"]
        figure.add_trace(go.Scatter(
            x=table["mean_predicted"], y=table["observed"], mode="lines+markers",
            name=f"{LABELS[variant]} (ECE {error:.3f})",
            line=dict(color=COLOURS[variant], dash="dash" if variant == "mse_raw" else "solid"),
            marker=dict(size=sizes), customdata=table["count"],
            hovertemplate="predicted %{x:.3f}, observed %{y:.3f}, %{customdata} steps<extra></extra>"))
    figure.update_layout(title="Reliability: predicted probability against observed frequency",
                         xaxis_title="mean predicted P(next sample positive) in the bin",
                         yaxis_title="observed share of positive labels", **LAYOUT)
    figure.update_xaxes(range=[-0.02, 1.02])
    figure.update_yaxes(range=[-0.02, 1.02])
    return figure


def mse_outputs(artifacts: dict) -> go.Figure:
    """Where the MSE head's raw outputs land: anywhere, not just on the labels 1 and 2."""
    histogram = artifacts["mse_output_histogram"]
    edges = np.asarray(histogram["edges"])
    centres = (edges[:-1] + edges[1:]) / 2
    figure = go.Figure(go.Bar(x=centres, y=histogram["counts"], width=np.diff(edges), name="held-out steps",
                              marker_color=COLOURS["mse_raw"], opacity=0.7))
    for value in histogram["label_values"]:
        figure.add_vline(x=value, line_color="black", annotation_text=f"label {value:g}")
    figure.add_vline(x=histogram["threshold"], line_dash="dash", line_color="grey", annotation_text="threshold")
    figure.update_layout(title="Raw outputs of the MSE model", xaxis_title="raw output (label units; "
                         "values beyond 0 and 3 are counted at the ends)", yaxis_title="held-out steps", **LAYOUT)
    return figure
