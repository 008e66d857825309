"""Binary labels: figures for the page, drawn from a run's artifacts and live snapshots (no TensorFlow needed).

Every variant is drawn in its own :class:`~seqcore.scenario.Variant` style (name, colour, dash, marker), the same
in every chart, live and final.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from seqcore.plots import LAYOUT, TRUTH_COLOUR
from seqcore.scenarios.binary_labels import VARIANTS
from seqcore.scenarios.binary_labels.artifacts import Artifacts
from seqcore.scenarios.binary_labels.encodings import HEADS

CLASS_LABEL = "true label (1: next sample positive)"
WINDOW_SYMBOLS_UP_TO = 60  # steps: up to this many, each cell of the class strip also says +, − or ∅
# Classes in the strip: not red/green, and each cell also carries a symbol, so colour is never the only cue.
CLASS_COLOURS = {-1: "#eeeeee", 0: "#9ecae1", 1: "#fd8d3c"}
CLASS_SYMBOLS = {-1: "∅", 0: "−", 1: "+"}
CLASS_KEY = "+ positive, − negative, ∅ no valid class"
CLASS_SCALE = [  # z = -1, 0, 1 → no valid class, negative, positive
    [0, CLASS_COLOURS[-1]],
    [0.333, CLASS_COLOURS[-1]],
    [0.334, CLASS_COLOURS[0]],
    [0.666, CLASS_COLOURS[0]],
    [0.667, CLASS_COLOURS[1]],
    [1, CLASS_COLOURS[1]],
]


def shown_count(snapshots: dict[str, dict]) -> int:
    """How many windows the snapshots cover (0 when there are none yet)."""
    return max((len(snap["label"]) for snap in snapshots.values()), default=0)


def live_chart(snapshots: dict[str, dict], *, sample: int, title: str) -> go.Figure:
    """The main chart, for shown window ``sample`` (0-based): the input wave; every variant's estimate of
    P(next sample positive) against the true label; each variant's predicted class at every step. Variants
    without a snapshot yet are left out."""
    count = shown_count(snapshots)
    figure = make_subplots(rows=3, cols=1, shared_xaxes=True, vertical_spacing=0.07, row_heights=[0.3, 0.45, 0.25])
    layout = dict(LAYOUT, legend=dict(orientation="h", y=-0.22))
    if count == 0:
        figure.update_layout(title=title, height=640, **layout)
        return figure
    sample = min(max(int(sample), 0), count - 1)
    truth = next(iter(snapshots.values()))
    steps = len(truth["label"][sample])
    time_ms = truth["start_ms"][sample] + truth["step_ms"] * np.arange(steps)
    label_time = time_ms + truth["step_ms"] * truth["label_shift"]

    noisy = "clean" in truth
    figure.add_trace(
        go.Scatter(
            x=time_ms,
            y=truth["input"][sample],
            mode="lines+markers",
            name="input (with noise)" if noisy else "input",
            line=dict(color=TRUTH_COLOUR),
            marker=dict(size=4),
        ),
        row=1,
        col=1,
    )
    if noisy:
        figure.add_trace(
            go.Scatter(
                x=time_ms,
                y=truth["clean"][sample],
                mode="lines",
                name="clean wave",
                line=dict(color="#999999", dash="dot"),
            ),
            row=1,
            col=1,
        )
    figure.add_hline(y=0, line_color="#bbbbbb", row=1, col=1)

    figure.add_trace(
        go.Scatter(
            x=label_time,
            y=truth["label"][sample],
            mode="lines",
            name=CLASS_LABEL,
            line=dict(color=TRUTH_COLOUR, shape="hv", width=3),
            opacity=0.35,
        ),
        row=2,
        col=1,
    )
    drawn = [variant for variant in VARIANTS if variant.key in snapshots]
    for variant in drawn:
        estimate = snapshots[variant.key].get("estimate")
        if estimate is None:  # the broken head has no number to draw: it only ever says "no class"
            continue
        figure.add_trace(
            go.Scatter(
                x=label_time,
                y=estimate[sample],
                mode="lines+markers",
                name=variant.name,
                line=variant.line(),
                marker=variant.markers(size=6),
            ),
            row=2,
            col=1,
        )
    figure.add_hline(y=0.5, line_dash="dash", line_color="#999999", row=2, col=1)

    # The class strip: one row (one trace, named after what it shows) for the truth and for each variant.
    rows = [(CLASS_LABEL, truth["label"][sample])]
    rows += [(variant.name, snapshots[variant.key]["predicted"][sample]) for variant in drawn]
    for position, (row_name, classes) in enumerate(rows):
        symbols = steps <= WINDOW_SYMBOLS_UP_TO
        figure.add_trace(class_row(row_name, position, classes, label_time, symbols=symbols), row=3, col=1)
    figure.update_yaxes(title_text="input", row=1, col=1)
    figure.update_yaxes(title_text="P(next positive)", row=2, col=1)
    figure.update_yaxes(
        autorange="reversed", tickvals=list(range(len(rows))), ticktext=[name for name, _ in rows], row=3, col=1
    )
    figure.update_xaxes(title_text="time (ms); labels at the time of the sample they name", row=3, col=1)
    figure.update_layout(title=f"Window {sample + 1} of {count} · {title}", height=680, **layout)
    return figure


def class_row(name: str, position: int, classes: list[int], times: np.ndarray, *, symbols: bool) -> go.Heatmap:
    """One row of the class strip: each step's class as a coloured cell, with its symbol where there is room.
    Rows sit at numeric positions named by the axis ticks (plotly.js cannot stack one-row heatmaps on a
    categorical axis)."""
    return go.Heatmap(
        z=[classes],
        x=times,
        y=[position],
        zmin=-1,
        zmax=1,
        showscale=False,
        name=name,
        text=[[CLASS_SYMBOLS[value] for value in classes]],
        texttemplate="%{text}" if symbols else None,
        hovertemplate=f"{name} at %{{x:.1f}} ms: %{{text}}<extra>{CLASS_KEY}</extra>",
        colorscale=CLASS_SCALE,
    )


def per_step_accuracy(artifacts: Artifacts) -> go.Figure:
    """Held-out accuracy at each step of the window: step 1 has read one sample, the last step all of them.
    The broken variant, right at no step, is left out."""
    figure = go.Figure()
    for variant in VARIANTS:
        if not HEADS[variant.key].trains:
            continue
        values = artifacts.per_step_accuracy[variant.key]
        figure.add_trace(
            go.Scatter(
                x=list(range(1, len(values) + 1)),
                y=values,
                mode="lines+markers",
                name=variant.name,
                line=variant.line(),
                marker=variant.markers(),
            )
        )
    figure.update_layout(
        title="Accuracy at each step of the window",
        xaxis_title="step in the window",
        yaxis_title="held-out accuracy",
        **LAYOUT,
    )
    return figure


def reliability_diagram(artifacts: Artifacts) -> go.Figure:
    """Mean predicted P(positive) against the share of positives seen, per probability bin; the diagonal is
    perfect calibration. Marker size grows with the number of steps in the bin."""
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name="perfect calibration", line=dict(color="#999999", dash="dot"))
    )
    for variant in VARIANTS:
        table = artifacts.reliability.get(variant.key)
        if table is None:
            continue
        counts = np.asarray(table.count, float)
        sizes = (6 + 14 * np.sqrt(counts / max(counts.max(), 1.0))).tolist() if len(counts) else []
        figure.add_trace(
            go.Scatter(
                x=table.mean_predicted,
                y=table.observed,
                mode="lines+markers",
                name=variant.name,
                line=variant.line(),
                marker=variant.markers(size=sizes),
                customdata=table.count,
                hovertemplate="predicted %{x:.3f}, observed %{y:.3f}, %{customdata} steps<extra></extra>",
            )
        )
    figure.update_layout(
        title="Reliability: predicted probability against observed frequency",
        xaxis_title="mean predicted P(next sample positive) in the bin",
        yaxis_title="observed share of positive labels",
        **LAYOUT,
    )
    figure.update_xaxes(range=[-0.02, 1.02])
    figure.update_yaxes(range=[-0.02, 1.02])
    return figure


def mse_outputs(artifacts: Artifacts) -> go.Figure:
    """Where the MSE head's raw outputs land: anywhere, not just on the labels 1 and 2."""
    histogram = artifacts.mse_output_histogram
    edges = np.asarray(histogram.edges)
    centres = (edges[:-1] + edges[1:]) / 2
    mse = next(variant for variant in VARIANTS if variant.key == "mse_raw")
    figure = go.Figure(
        go.Bar(
            x=centres,
            y=histogram.counts,
            width=np.diff(edges),
            name="held-out steps",
            marker_color=mse.colour,
            opacity=0.7,
        )
    )
    for value in histogram.label_values:
        figure.add_vline(x=value, line_color=TRUTH_COLOUR, annotation_text=f"label {value:g}")
    figure.add_vline(
        x=histogram.threshold,
        line_dash="dash",
        line_color="#999999",
        annotation_text="threshold",
        annotation_position="bottom right",
    )
    figure.update_layout(
        title="Raw outputs of the MSE model",
        xaxis_title="raw output (label units; values beyond 0 and 3 are counted at the ends)",
        yaxis_title="held-out steps",
        **LAYOUT,
    )
    return figure
