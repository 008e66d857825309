"""The sweep figure: the headline metrics against the swept parameter, one panel per metric.

plotly is imported only when a figure is drawn.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from seqcore.sweep import SweepPlan, format_value
from seqcore.sweep_results import finite_or_none
from seqcore.sweep_stories import metric_name, references, sweep_metrics


def _series(scenario: Any, metric: str, points: Sequence[dict | None]) -> list[tuple[Any, list]]:
    """(variant, y per point) for every variant reporting ``metric`` (or the one it names) at some point."""
    variant_key, _, name = metric.rpartition("/")
    out = []
    for variant in scenario.variants:
        if variant_key and variant.key != variant_key:
            continue
        key = f"{variant.key}/{name}"
        ys = [finite_or_none(point.get(key)) if point else None for point in points]
        if any(y is not None for y in ys):
            out.append((variant, ys))
    return out


LOG_SPAN = 20  # a panel whose positive values span more than this ratio gets a log axis
MAX_DECADES = 5  # on a log axis, values more than this many decades below the largest are drawn at that floor
REFERENCE_COLOUR = "#ff7f0e"  # numbers not trained here (the seed's): orange crosses, in no variant's colour
_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _title_case(text: str) -> str:
    return text[:1].upper() + text[1:]


def _in_sentence(label: str) -> str:
    """'Training length' → 'training length'; 'DILATE α' stays as it is."""
    return label if label[1:2].isupper() else label[:1].lower() + label[1:]


def figure_title(plan: SweepPlan) -> str:
    return f"Against {_in_sentence(plan.label)}"


def _panel(values: list[float]) -> tuple[bool, float | None]:
    """Whether a panel gets a log axis, and the floor its smallest values are drawn at (None: no floor)."""
    positive = [value for value in values if value > 0]
    if not values or len(positive) != len(values) or max(positive) / min(positive) <= LOG_SPAN:
        return False, None
    floor = 10.0 ** (math.ceil(math.log10(max(positive))) - MAX_DECADES)
    return True, floor if min(positive) < floor else None


def sweep_figure(
    scenario: Any,
    plan: SweepPlan,
    points: Sequence[dict | None],
    metrics: Sequence[str] | None = None,
    *,
    title: str = "",
) -> Any:
    """The headline metrics against the swept parameter: one panel per metric, one line per variant in its
    colour, dash and marker; points not finished yet are gaps. ``points[i]`` is point i's metrics or None.
    A panel spanning decades is drawn on a log axis; values far below the rest (an exact estimator's 10⁻⁹) are
    drawn at a floor that the panel's title states, and hovering shows the true number."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    from seqcore.plots import LAYOUT

    metrics = list(metrics if metrics is not None else sweep_metrics(scenario.name, plan.param))
    x = list(plan.values)
    panels = []
    for metric in metrics:
        name = metric_name(metric.rpartition("/")[2])
        lines = [
            (
                f"{variant.name} · {name}",
                list(x),
                ys,
                dict(
                    line=variant.line(), marker=variant.markers(size=9), mode="lines+markers", legendgroup=variant.key
                ),
            )
            for variant, ys in _series(scenario, metric, points)
        ]
        lines += [
            (
                reference.name,
                list(reference.points),
                list(reference.points.values()),
                dict(mode="markers", marker=dict(symbol="x", size=12, color=REFERENCE_COLOUR)),
            )
            for reference in references(scenario.name, plan.param)
            if reference.metric == metric.rpartition("/")[2]
        ]
        log_y, floor = _panel([y for _, _, ys, _ in lines for y in ys if y is not None])
        below = f" (below 10{str(round(math.log10(floor))).translate(_SUPERSCRIPT)} drawn at it)" if floor else ""
        panels.append((_title_case(name) + below, lines, log_y, floor))
    rows = max(len(panels), 1)
    figure = make_subplots(
        rows=rows, cols=1, shared_xaxes=True, vertical_spacing=0.12, subplot_titles=[panel[0] for panel in panels]
    )
    for row, (_, lines, log_y, floor) in enumerate(panels, start=1):
        for name, xs, ys, style in lines:
            shown = [None if y is None else max(y, floor) if floor else y for y in ys]
            figure.add_trace(
                go.Scatter(x=xs, y=shown, name=name, customdata=ys, **style, hovertemplate="%{x}: %{customdata:.4g}"),
                row=row,
                col=1,
            )
        if log_y:
            figure.update_yaxes(type="log", dtick=1, minor=dict(showgrid=False), row=row, col=1)
    log_x = all(value > 0 for value in x) and max(x) / min(x) >= 8
    figure.update_xaxes(
        type="log" if log_x else "linear", tickmode="array", tickvals=x, ticktext=[format_value(value) for value in x]
    )
    figure.update_xaxes(title_text=plan.label, row=rows, col=1)
    figure.update_layout(**LAYOUT)
    figure.update_layout(
        title=title or figure_title(plan),
        height=200 + 260 * rows,
        legend=dict(orientation="h", y=-0.08 - 0.12 / rows, yanchor="top"),
    )
    return figure
