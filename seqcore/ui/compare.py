"""Runs side by side: the visitor's last runs on a page, and one pinned as the baseline.

The baseline is a whole configuration kept in the session; the address bar carries only the parameters where it
differs from the current configuration, prefixed ``vs.`` (``/counting?epochs=30&vs.epochs=5``), so a link
reproduces the comparison. A ``vs.`` value in a link is parsed and clamped like any other parameter, with a
warning that says it is the baseline's.
"""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from seqcore.result import Result
from seqcore.store import entry_key
from seqcore.ui.form import BASELINE_PREFIX, config_key, set_widgets, show_warnings

RUNS_KEPT = 10
LOWER_IS_BETTER = ("mse", "mae", "rmse", "brier", "dtw", "tdi", "error", "gap", "loss", "diff")
HIGHER_IS_BETTER = ("accuracy",)


def _runs_key(scenario: Any) -> str:
    return f"{scenario.name}.runs"


def _baseline_key(scenario: Any) -> str:
    return f"{scenario.name}.baseline"


def _vs_seen_key(scenario: Any) -> str:
    return f"{scenario.name}.vs-seen"


def remember_run(scenario: Any, config: Any) -> None:
    """Keep ``config`` (trained, or opened from the cache) at the top of the page's short list of runs."""
    runs = st.session_state.setdefault(_runs_key(scenario), [])
    params = config.to_params()
    if params in runs:
        runs.remove(params)
    runs.insert(0, params)
    del runs[RUNS_KEPT:]


def _url_vs() -> dict[str, str]:
    return {
        name[len(BASELINE_PREFIX) :]: value
        for name, value in st.query_params.to_dict().items()
        if name.startswith(BASELINE_PREFIX)
    }


def baseline_config(scenario: Any, config: Any) -> Any:
    """The pinned baseline's configuration (or None), with the address bar's ``vs.`` parameters kept in step."""
    url_vs = _url_vs()
    if url_vs != st.session_state.get(_vs_seen_key(scenario), {}):  # a link (or back/forward) says which
        if url_vs:
            baseline, warnings = scenario.Config.from_params({**config.to_params(), **url_vs})
            show_warnings([f"Baseline: {warning}" for warning in warnings])
            st.session_state[_baseline_key(scenario)] = baseline.to_params()
        else:
            st.session_state.pop(_baseline_key(scenario), None)
    params = st.session_state.get(_baseline_key(scenario))
    baseline = scenario.Config.from_params(params)[0] if params else None
    wanted = {} if baseline is None else differing_params(config, baseline)
    for name in url_vs:
        if name not in wanted:
            del st.query_params[f"{BASELINE_PREFIX}{name}"]
    for name, value in wanted.items():
        if url_vs.get(name) != value:
            st.query_params[f"{BASELINE_PREFIX}{name}"] = value
    st.session_state[_vs_seen_key(scenario)] = wanted
    return baseline


def differing_params(config: Any, baseline: Any) -> dict[str, str]:
    """The baseline's parameters (as in a link) that differ from ``config``'s."""
    current = config.to_params()
    return {name: value for name, value in baseline.to_params().items() if current[name] != value}


def comparison_link(config: Any, baseline: Any) -> str:
    """The page's address with ``config`` and, prefixed ``vs.``, the baseline's parameters that differ."""
    versus = {f"{BASELINE_PREFIX}{name}": value for name, value in differing_params(config, baseline).items()}
    return f"{(st.context.url or '').split('?')[0]}?{urlencode({**config.to_params(), **versus})}"


def differences(scenario: Any, baseline: Any, config: Any) -> list[str]:
    """'Label: baseline → current' for every parameter that differs."""
    return [
        f"{spec.label}: {getattr(baseline, spec.name)} → {getattr(config, spec.name)}"
        for spec in scenario.Config.specs()
        if getattr(baseline, spec.name) != getattr(config, spec.name)
    ]


def _open(scenario: Any, params: dict[str, str]) -> None:
    config = scenario.Config.from_params(params)[0]
    st.session_state[config_key(scenario)] = config
    set_widgets(scenario, config)


def _pin(scenario: Any, params: dict[str, str] | None) -> None:
    if params is None:
        st.session_state.pop(_baseline_key(scenario), None)
    else:
        st.session_state[_baseline_key(scenario)] = params


def _describe(scenario: Any, params: dict[str, str]) -> str:
    default = scenario.Config().to_params()
    labels = {spec.name: spec.label for spec in scenario.Config.specs()}
    changed = [f"{labels[name]} {value}" for name, value in params.items() if default.get(name) != value]
    return ", ".join(changed) if changed else "default settings"


def runs_panel(scenario: Any, config: Any, baseline: Any) -> None:
    """The sidebar's list of this session's runs on the page: open one, or pin it as the baseline."""
    runs = st.session_state.get(_runs_key(scenario), [])
    with st.sidebar.expander(f"Your runs on this page ({len(runs)})", expanded=baseline is not None):
        if baseline is not None:
            changed = differences(scenario, baseline, config)
            st.markdown("**Baseline pinned** — differs in: " + ("; ".join(changed) if changed else "nothing"))
            st.button("Unpin the baseline", key=f"{scenario.name}.unpin", on_click=_pin, args=(scenario, None))
            if changed:
                st.caption("Link to this comparison (opens both runs, side by side):")
                st.code(comparison_link(config, baseline), language=None, wrap_lines=True)
        current = config.to_params()
        for index, params in enumerate(runs):
            mark = " (shown)" if params == current else ""
            st.caption(f"{index + 1}. {_describe(scenario, params)}{mark}")
            left, right = st.columns(2)
            left.button(
                "Open",
                key=f"{scenario.name}.open-{index}",
                on_click=_open,
                args=(scenario, params),
                disabled=params == current,
                width="stretch",
            )
            right.button(
                "Pin as baseline",
                key=f"{scenario.name}.pin-{index}",
                on_click=_pin,
                args=(scenario, params),
                width="stretch",
            )


def metric_label(scenario: Any, key: str) -> str:
    variant, _, metric = key.partition("/")
    return f"{scenario.variant_name(variant)} · {metric.replace('_', ' ')}" if metric else key.replace("_", " ")


def _verdict(key: str, before: float, after: float) -> str:
    if not (math.isfinite(before) and math.isfinite(after)) or before == after:
        return "no change" if before == after else "—"
    relative = f"{(after - before) / abs(before):+.0%}" if before else f"{after - before:+.3g}"
    name = key.lower()
    if any(word in name for word in HIGHER_IS_BETTER):
        better = after > before
    elif any(word in name for word in LOWER_IS_BETTER):
        better = after < before
    else:
        return relative
    return f"{relative} ✓ better" if better else f"{relative} ✗ worse"


def comparison_table(scenario: Any, baseline: Result, current: Result) -> None:
    """The page's headline numbers: baseline, current and the change (better/worse in words, not colour)."""
    keys = [key for key in (scenario.headline or current.metrics) if key in current.metrics]
    rows = {}
    for key in keys:
        before, after = float(baseline.metrics.get(key, math.nan)), float(current.metrics[key])
        rows[metric_label(scenario, key)] = {
            "Baseline": f"{before:.4g}",
            "Current": f"{after:.4g}",
            "Change": _verdict(key, before, after),
        }
    st.dataframe(pd.DataFrame(rows).T, width="stretch")


def baseline_result(scenario: Any, baseline: Any) -> Result | None:
    from seqcore.ui.progress import load_stored

    result, _ = load_stored(entry_key(scenario.name, baseline, scenario.version))
    return result


def pinned_baseline_result(scenario: Any) -> Result | None:
    """The pinned baseline's finished run, if there is one (for overlays)."""
    params = st.session_state.get(_baseline_key(scenario))
    if not params:
        return None
    return baseline_result(scenario, scenario.Config.from_params(params)[0])
