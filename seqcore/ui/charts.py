"""Charts on a page: one way to show a figure, the sample picker, and the main chart's epoch replay."""

from __future__ import annotations

from typing import Any

import streamlit as st

from seqcore.result import Result

# The mode bar sat on top of chart titles on a phone; dragging still zooms and a double click resets.
PLOTLY_CONFIG = {"displayModeBar": False, "displaylogo": False}


def chart(figure: Any, *, key: str | None = None) -> None:
    """Show a plotly figure the way every chart of the app is shown."""
    st.plotly_chart(figure, width="stretch", config=PLOTLY_CONFIG, key=key)


def sample_key(scenario: Any) -> str:
    """The session key of a page's sample picker (the live panel reads it to draw the same sample)."""
    return f"{scenario.name}-sample"


def sample_picker(scenario: Any, count: int, *, label: str = "Sample", default: int = 0) -> int:
    """Pick one of ``count`` shown samples; numbered 1..count as the visitor sees them, returns a 0-based index."""
    if count <= 1:
        return 0
    key = sample_key(scenario)
    if key not in st.session_state or not 0 <= st.session_state[key] < count:
        st.session_state[key] = min(max(default, 0), count - 1)
    return st.select_slider(label, options=list(range(count)), format_func=lambda i: str(i + 1), key=key)


def replay_chart(scenario: Any, result: Result, *, sample: int = 0) -> None:
    """The main labels-vs-predictions chart at the last epoch, with a slider to replay earlier epochs."""
    replay = getattr(result.artifacts, "replay", None) or {}
    epochs = sorted({snap["epoch"] for snaps in replay.values() for snap in snaps})
    if not epochs:
        return
    final = epochs[-1]
    shown = final
    if len(epochs) > 1:
        key, run = f"{scenario.name}-replay-epoch", sorted((k, str(v)) for k, v in dict(result.config).items())
        if st.session_state.get(f"{key}-run") != run:  # another run: open at its last epoch, not the old one's
            st.session_state[f"{key}-run"] = run
            st.session_state.pop(key, None)
        shown = st.select_slider("Replay training: predictions after epoch", options=epochs, value=final, key=key)
    snapshots = {variant: _at_or_before(snaps, shown) for variant, snaps in replay.items()}
    snapshots = {variant: snap for variant, snap in snapshots.items() if snap is not None}
    total = int(result.config.get("epochs", final)) if isinstance(result.config, dict) else final
    title = f"After epoch {shown} of {total}" if shown != final else f"After training ({final} epochs)"
    figure = scenario.live_chart(snapshots, sample=sample, title=title)
    baseline = _baseline_run(scenario, result)
    if baseline is not None:
        overlay_baseline(scenario, figure, scenario.live_chart(final_snapshots(baseline), sample=sample, title=""))
    chart(figure, key=f"{scenario.name}-replay-chart")


def final_snapshots(result: Result) -> dict[str, dict]:
    replay = getattr(result.artifacts, "replay", None) or {}
    return {variant: snaps[-1] for variant, snaps in replay.items() if snaps}


def _baseline_run(scenario: Any, result: Result) -> Result | None:
    from seqcore.ui.compare import pinned_baseline_result

    baseline = pinned_baseline_result(scenario)
    return baseline if baseline is not None and baseline.config != result.config else None


def overlay_baseline(scenario: Any, figure: Any, baseline_figure: Any) -> None:
    """Add the baseline's prediction traces to ``figure``: grey, dashed, named "Baseline · …" (truth not repeated)."""
    from seqcore.plots import BASELINE_COLOUR

    names = [variant.name for variant in scenario.variants]
    for trace in baseline_figure.data:
        name = trace.name or ""
        if not any(name.startswith(variant) for variant in names):
            continue
        copy = trace.to_plotly_json()
        copy["name"] = f"Baseline · {name}"
        copy["legendgroup"] = "baseline"
        if "line" in copy or copy.get("mode", "lines").find("lines") >= 0:
            copy["line"] = {**copy.get("line", {}), "color": BASELINE_COLOUR, "dash": "dash"}
        if "marker" in copy:
            copy["marker"] = {**copy["marker"], "color": BASELINE_COLOUR}
        copy["opacity"] = 0.8
        figure.add_trace(type(trace)(copy))


def _at_or_before(snapshots: list[dict], epoch: int) -> dict | None:
    earlier = [snap for snap in snapshots if snap["epoch"] <= epoch]
    return earlier[-1] if earlier else None
