"""The sweep panel every page shows: one numeric parameter, 3 to 7 values, the page's headline metrics against it.

* The panel's parameter and values live in two widgets and, once the visitor uses the panel (or a link carries
  a sweep), in the address bar as ``sweep=<param>&values=<a,b,c>`` — only those two query parameters are read
  or written here. A sweep in a link is drawn from what is already there (the shipped story sweeps, cached
  points) and never trains without a press of **Run sweep**.
* Each point is an ordinary run: the same cache key, the same link and the same queue as a run from the
  sidebar. **Run sweep** submits the points one after another to the app's JobManager as the visitor's share of
  the fair queue allows (a sweep counts as its points), so a sweep never holds more places than the queue gives
  one client. A visitor has one sweep at a time (a new one replaces it), cancelled as a whole.
* While it runs, a fragment that reruns itself every second shows the progress and draws the metrics against
  the parameter as each point finishes (read back from the store): :mod:`seqcore.ui.sweep_run`.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

import streamlit as st

from seqcore.sweep import (
    MAX_VALUES_CHARS,
    SweepPlan,
    default_values,
    format_value,
    format_values,
    numeric_specs,
    plan_sweep,
)
from seqcore.sweep_figure import sweep_figure
from seqcore.sweep_results import load_shipped
from seqcore.sweep_stories import STORY_SWEEPS
from seqcore.ui import sweep_run
from seqcore.ui.charts import chart
from seqcore.ui.safe_text import literal

log = logging.getLogger(__name__)


def _param_key(scenario: Any) -> str:
    return f"{scenario.name}.sweep-param"


def _values_key(scenario: Any) -> str:
    return f"{scenario.name}.sweep-values"


def _seen_key(scenario: Any) -> str:
    return f"{scenario.name}.sweep-url-seen"


def _in_url_key(scenario: Any) -> str:
    return f"{scenario.name}.sweep-in-url"


def _url_sweep() -> tuple[str | None, str | None]:
    return st.query_params.get("sweep"), st.query_params.get("values")


def _first_param(scenario: Any) -> str:
    stories = STORY_SWEEPS.get(scenario.name)
    return stories[0].param if stories else numeric_specs(scenario)[0].name


def _sync_from_url(scenario: Any, config: Any) -> list[str]:
    """A sweep in a link that changed from outside fills the widgets; returns the warnings it needs."""
    url = _url_sweep()
    if url == st.session_state.get(_seen_key(scenario)) or url == (None, None):
        return []
    st.session_state[_seen_key(scenario)] = url
    param, values = url
    numeric = {spec.name for spec in numeric_specs(scenario)}
    if param not in numeric and any(spec.name == "sweep" for spec in scenario.Config.specs()):
        return []  # a Config with a field named "sweep" (sine frequency's old switch): that value is the config's
    st.session_state[_in_url_key(scenario)] = True
    if param not in numeric:  # unknown, non-numeric, hostile: say so, keep the panel's own choice
        return plan_sweep(scenario, config, param if param is not None else "", values)[1]
    st.session_state[_param_key(scenario)] = param
    if values is None:
        st.session_state[_values_key(scenario)] = format_values(default_values(scenario, param, config))
        return []
    if len(values) > MAX_VALUES_CHARS:  # never put it in the text box; the refusal names the parameter
        st.session_state[_values_key(scenario)] = format_values(default_values(scenario, param, config))
        return plan_sweep(scenario, config, param, values)[1]
    st.session_state[_values_key(scenario)] = values
    return []


def _write_url(scenario: Any, plan: SweepPlan | None) -> None:
    """The address bar carries the sweep the panel shows (cleaned), once the visitor uses the panel."""
    if not st.session_state.get(_in_url_key(scenario)):
        return
    param = st.session_state.get(_param_key(scenario), "")
    text = st.session_state.get(_values_key(scenario), "")
    wanted = plan.query() if plan is not None else {"sweep": param, "values": text}
    for name, value in wanted.items():
        if st.query_params.get(name) != value:
            st.query_params[name] = value
    st.session_state[_seen_key(scenario)] = (wanted["sweep"], wanted["values"])


def _on_param(scenario: Any, config: Any) -> None:
    """A new parameter: its default values, and the sweep goes into the address bar."""
    param = st.session_state[_param_key(scenario)]
    st.session_state[_values_key(scenario)] = format_values(default_values(scenario, param, config))
    st.session_state[_in_url_key(scenario)] = True


def _on_values(scenario: Any) -> None:
    st.session_state[_in_url_key(scenario)] = True


def _on_run(scenario: Any, config: Any) -> None:
    """Run sweep's callback (before the script): plan what the widgets hold, then start it unless every point is
    there already. The text box shows the values that will run."""
    st.session_state[_in_url_key(scenario)] = True
    plan, _ = plan_sweep(
        scenario, config, st.session_state.get(_param_key(scenario)), st.session_state.get(_values_key(scenario))
    )
    if plan is None:
        return  # the warnings under the widgets say why
    st.session_state[_values_key(scenario)] = plan.values_text()
    keys = plan.keys(scenario.version)
    if load_shipped(plan, scenario.version) is not None or all(sweep_run.stored_metrics(key) for key in keys):
        sweep_run.note(scenario, "Every point of this sweep is trained already: drawn below, nothing to train.")
        return
    sweep_run.start(scenario, plan, keys)


def sweep_panel(scenario: Any, config: Any) -> None:
    """The page's sweep section: parameter, values, Run sweep, and the metrics against the parameter (shipped,
    cached, or arriving while the sweep runs). ``config`` is the page's configuration: the sweep's base."""
    warnings = _sync_from_url(scenario, config)
    specs = {spec.name: spec for spec in numeric_specs(scenario)}
    if st.session_state.get(_param_key(scenario)) not in specs:
        st.session_state[_param_key(scenario)] = _first_param(scenario)
        st.session_state.pop(_values_key(scenario), None)
    if not isinstance(st.session_state.get(_values_key(scenario)), str):
        st.session_state[_values_key(scenario)] = format_values(
            default_values(scenario, st.session_state[_param_key(scenario)], config)
        )
    active = st.session_state.get(sweep_run.ACTIVE_KEY)
    running_here = active is not None and active["scenario"] == scenario.name
    note = st.session_state.get(sweep_run.NOTE_KEY)
    expanded = bool(
        st.session_state.get(_in_url_key(scenario)) or running_here or (note is not None and note[0] == scenario.name)
    )
    with st.expander("Sweep one parameter", expanded=expanded, icon=":material/tune:"):
        st.caption(
            "Train this page at 3 to 7 values of one parameter and see its headline numbers against it. "
            "The other parameters are the page's current settings; each point is an ordinary run, cached "
            "and with its own link."
        )
        left, right = st.columns([1, 2])
        left.selectbox(
            "Parameter",
            options=list(specs),
            format_func=lambda name: specs[name].label,
            key=_param_key(scenario),
            on_change=_on_param,
            args=(scenario, config),
            disabled=running_here,
        )
        right.text_input(
            "Values (3 to 7, separated by commas)",
            key=_values_key(scenario),
            max_chars=MAX_VALUES_CHARS,
            on_change=_on_values,
            args=(scenario,),
            disabled=running_here,
        )
        plan, plan_warnings = plan_sweep(
            scenario, config, st.session_state[_param_key(scenario)], st.session_state[_values_key(scenario)]
        )
        for warning in warnings + [w for w in plan_warnings if w not in warnings]:
            st.warning(literal(warning), icon=":material/warning:")
        _write_url(scenario, plan if not running_here else active["plan"])
        if note is not None and note[0] == scenario.name:
            st.session_state.pop(sweep_run.NOTE_KEY, None)
            st.info(note[2], icon=":material/info:")  # our own sentences (labels and numbers), not a visitor's text
        if running_here:
            sweep_run.progress_fragment(scenario)
            return
        if active is not None:
            from seqcore.scenarios import get_scenario

            title = get_scenario(active["scenario"]).title
            st.info(
                f"Your sweep on {title} is waiting for you on that page (a sweep trains while its page is "
                f"open). **Run sweep** here replaces it.",
                icon=":material/info:",
            )
        st.button(
            "Run sweep",
            key=f"{scenario.name}.run-sweep",
            on_click=_on_run,
            args=(scenario, config),
            disabled=plan is None,
            type="secondary",
        )
        if plan is not None:
            _draw(scenario, plan)


def _point_links(scenario: Any, plan: SweepPlan) -> None:
    base = (st.context.url or "").split("?")[0]
    links = [
        f"[{format_value(value)}]({base}?{urlencode(config.to_params())})"
        for value, config in zip(plan.values, plan.configs)
    ]
    st.caption(f"Open one point as its own run — {literal(plan.label)}: " + " · ".join(links))


def _about(seconds: float) -> str:
    return f"about {max(5, round(seconds / 5) * 5):.0f} s" if seconds < 60 else f"about {seconds / 60:.0f} min"


def _draw(scenario: Any, plan: SweepPlan) -> None:
    """The sweep as far as it is trained: the shipped file, else the cached points. Never trains."""
    shipped = load_shipped(plan, scenario.version)
    if shipped is not None:
        points = [run["metrics"] for run in shipped["runs"]]
        chart(sweep_figure(scenario, plan, points), key=f"{scenario.name}.sweep-chart")
        st.caption("Shipped with the app: drawn without training.")
        _point_links(scenario, plan)
        return
    keys = plan.keys(scenario.version)
    points = [sweep_run.stored_metrics(key) for key in keys]
    done = sum(point is not None for point in points)
    if done:
        chart(sweep_figure(scenario, plan, points), key=f"{scenario.name}.sweep-chart")
    if done < len(points):
        from seqcore.ui.progress import estimated_seconds

        missing = [config for config, point in zip(plan.configs, points) if point is None]
        estimates = [estimated_seconds(scenario, config) for config in missing]
        about = f" ({_about(sum(estimates))} here)" if all(e is not None for e in estimates) else ""
        st.caption(
            f"{done} of {len(points)} points are trained. **Run sweep** trains the other "
            f"{len(points) - done}{about}; the points appear here as they finish."
        )
    else:
        st.caption("Every point is trained: drawn from the cache.")
    _point_links(scenario, plan)
