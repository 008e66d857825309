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
  the parameter as each point finishes (read back from the store).
"""

from __future__ import annotations

import logging
import time
from typing import Any
from urllib.parse import urlencode

import streamlit as st

from seqcore.jobs import DONE, FAILED, QUEUED, RUNNING, Refused
from seqcore.sweep import (
    MAX_VALUES_CHARS,
    STORY_SWEEPS,
    SweepPlan,
    default_values,
    format_value,
    format_values,
    numeric_specs,
    plan_sweep,
)
from seqcore.sweep_figure import figure_title, sweep_figure
from seqcore.sweep_results import load_shipped
from seqcore.ui.charts import chart
from seqcore.ui.safe_text import literal

SWEEP_REFRESH_SECONDS = 1.0
ACTIVE_KEY = "sweep.active"  # the visitor's one sweep (on whichever page), or None
NOTE_KEY = "sweep.note"  # (page, message) to show once on the next run of that page
UNSAVED_KEY = "sweep.unsaved-metrics"  # key → metrics of points that finished but could not be cached
UNSAVED_KEPT = 50
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


def _note(scenario: Any, message: str, kind: str = "info") -> None:
    st.session_state[NOTE_KEY] = (scenario.name, kind, message)


def _stored_metrics(key: str) -> dict | None:
    from seqcore.ui.progress import load_stored

    result, _ = load_stored(key)
    if result is not None:
        return result.metrics
    return st.session_state.get(UNSAVED_KEY, {}).get(key)


def _keep_unsaved(key: str, metrics: dict) -> None:
    kept = st.session_state.setdefault(UNSAVED_KEY, {})
    kept[key] = metrics
    while len(kept) > UNSAVED_KEPT:
        kept.pop(next(iter(kept)))


def _cancel_active(message: str | None = None) -> None:
    """Withdraw the visitor from every point of their sweep (points already trained stay cached)."""
    from seqcore.ui.progress import job_manager, visitor_id

    active = st.session_state.get(ACTIVE_KEY)
    st.session_state[ACTIVE_KEY] = None
    if active is None:
        return
    for job_id in active["jobs"].values():
        job_manager().cancel(job_id, visitor_id())
    if message:
        st.session_state[NOTE_KEY] = (active["scenario"], "info", message)


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
    if load_shipped(plan, scenario.version) is not None or all(_stored_metrics(key) for key in keys):
        _note(scenario, "Every point of this sweep is trained already: drawn below, nothing to train.")
        return
    old = st.session_state.get(ACTIVE_KEY)
    if old is not None:
        _cancel_active()
        if old["scenario"] != scenario.name:
            _note(
                scenario,
                "Your sweep on another page was cancelled: one sweep at a time. Its finished points stay cached.",
            )
    st.session_state[ACTIVE_KEY] = {
        "scenario": scenario.name,
        "plan": plan,
        "keys": keys,
        "jobs": {},
        "failed": {},
        "started": time.monotonic(),
    }


def _on_cancel() -> None:
    _cancel_active("Sweep cancelled. Its finished points stay cached and are drawn below.")


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
    active = st.session_state.get(ACTIVE_KEY)
    running_here = active is not None and active["scenario"] == scenario.name
    note = st.session_state.get(NOTE_KEY)
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
            st.session_state.pop(NOTE_KEY, None)
            st.info(note[2], icon=":material/info:")  # our own sentences (labels and numbers), not a visitor's text
        if running_here:
            _progress_fragment(scenario)
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
    points = [_stored_metrics(key) for key in keys]
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


def _advance(scenario: Any, active: dict) -> tuple[list[dict | None], Any, str]:
    """Poll the sweep's points and submit the next ones the queue takes. Returns each point's metrics (None
    while not finished), the status of the point training now (or None) and a note about the queue."""
    from seqcore.ui.progress import client_id, job_manager, visitor_id

    manager, visitor = job_manager(), visitor_id()
    plan: SweepPlan = active["plan"]
    points: list[dict | None] = []
    current, queue_note, blocked = None, "", False
    for key, config in zip(active["keys"], plan.configs):
        metrics = _stored_metrics(key)
        job_id = active["jobs"].get(key) if metrics is None else None
        status = manager.status(job_id, watcher=visitor) if job_id else None
        if job_id and status is None:  # forgotten by the manager (long finished): ask again
            active["jobs"].pop(key, None)
            job_id = None
        elif status is not None and status.state == DONE:
            unsaved = manager.unsaved_result(job_id) if not status.saved else None
            if unsaved is not None:  # trained, but the cache could not take it: keep its numbers here
                metrics = unsaved.metrics
                _keep_unsaved(key, metrics)
            else:
                metrics = _stored_metrics(key)
            if metrics is None:
                active["failed"][key] = "Its result could not be read back."
        elif status is not None and status.state == FAILED:
            active["failed"][key] = status.error or "Training failed."
        elif status is not None and status.state in (QUEUED, RUNNING):
            if current is None or (status.state == RUNNING and current.state != RUNNING):
                current = status
        elif status is not None:  # cancelled: nobody polled it while the visitor was away; queue it again
            active["jobs"].pop(key, None)
            job_id = None
        points.append(metrics)
        if metrics is None and not job_id and key not in active["failed"] and not blocked:
            try:
                active["jobs"][key] = manager.submit(scenario, config, visitor, client=client_id())
            except Refused as refused:  # the visitor's share of the queue is full: the next tick tries again
                blocked, queue_note = True, refused.visitor_message
    return points, current, queue_note


@st.fragment(run_every=SWEEP_REFRESH_SECONDS)
def _progress_fragment(scenario: Any) -> None:
    """Progress, Cancel, and the metrics against the parameter as the points finish."""
    active = st.session_state.get(ACTIVE_KEY)
    if active is None or active["scenario"] != scenario.name:
        st.rerun(scope="app")
    plan: SweepPlan = active["plan"]
    points, current, queue_note = _advance(scenario, active)
    done = sum(point is not None for point in points)
    failed = active["failed"]
    if done + len(failed) == len(points):
        seconds = time.monotonic() - active["started"]
        st.session_state[ACTIVE_KEY] = None
        message = f"Sweep finished: {done} of {len(points)} points in {seconds:.0f} s."
        if failed:
            values = [format_value(v) for v, k in zip(plan.values, active["keys"]) if k in failed]
            message += f" Did not finish: {plan.label} = {', '.join(values)} ({next(iter(failed.values()))})"
        _note(scenario, message)
        st.rerun(scope="app")
    fraction = done + (current.fraction if current is not None and current.state == RUNNING else 0.0)
    if current is None:
        text = queue_note or "Submitting the next point…"
    else:
        index = active["keys"].index(current.key) + 1 if current.key in active["keys"] else done + 1
        value = format_value(plan.values[index - 1])
        if current.state == QUEUED:
            text = (
                f"Point {index} of {len(points)} ({plan.label} = {value}) waits for a trainer: place "
                f"{current.queue_position} in the queue."
            )
        else:
            last = current.events[-1] if current.events else None
            step = (
                f"{scenario.variant_name(last['variant'])}, epoch {last['epoch']} of {last['epochs']}"
                if last
                else "starting"
            )
            text = f"Point {index} of {len(points)} ({plan.label} = {value}): {step} · {done} done"
    st.progress(min(fraction / len(points), 1.0), text=text)
    st.button("Cancel sweep", key=f"{scenario.name}.cancel-sweep", on_click=_on_cancel)
    if done:
        title = f"{figure_title(plan)}: {done} of {len(points)} points so far"
        chart(sweep_figure(scenario, plan, points, title=title), key=f"{scenario.name}.sweep-live")
