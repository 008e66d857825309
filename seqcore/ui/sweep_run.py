"""The visitor's one running sweep: its points submitted through the fair queue, polled, cancelled as a whole.

A sweep lives in the session (``ACTIVE_KEY``) so that it survives reruns; the progress fragment ticks every
second, submits the next points as the visitor's share of the queue allows, and draws the points as they finish.
The panel around it (widgets, address bar, drawing what is already there) is :mod:`seqcore.ui.sweep`.
"""

from __future__ import annotations

import time
from typing import Any

import streamlit as st

from seqcore.job_states import DONE, FAILED, QUEUED, RUNNING, Refused
from seqcore.sweep import SweepPlan, format_value
from seqcore.sweep_figure import figure_title, sweep_figure
from seqcore.ui.charts import chart

SWEEP_REFRESH_SECONDS = 1.0
ACTIVE_KEY = "sweep.active"  # the visitor's one sweep (on whichever page), or None
NOTE_KEY = "sweep.note"  # (page, kind, message) to show once on the next run of that page
UNSAVED_KEY = "sweep.unsaved-metrics"  # key → metrics of points that finished but could not be cached
UNSAVED_KEPT = 50


def note(scenario: Any, message: str, kind: str = "info") -> None:
    st.session_state[NOTE_KEY] = (scenario.name, kind, message)


def stored_metrics(key: str) -> dict | None:
    """A point's metrics: from the store, else kept in the session when the cache could not take them."""
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


def cancel_active(message: str | None = None) -> None:
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


def _on_cancel() -> None:
    cancel_active("Sweep cancelled. Its finished points stay cached and are drawn below.")


def start(scenario: Any, plan: SweepPlan, keys: list[str]) -> None:
    """Make ``plan`` the visitor's one sweep (a sweep on another page is cancelled); its points are submitted as
    the progress fragment ticks."""
    old = st.session_state.get(ACTIVE_KEY)
    if old is not None:
        cancel_active()
        if old["scenario"] != scenario.name:
            note(
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


def _advance(scenario: Any, active: dict) -> tuple[list[dict | None], Any, str]:
    """Poll the sweep's points and submit the next ones the queue takes. Returns each point's metrics (None
    while not finished), the status of the point training now (or None) and a note about the queue."""
    from seqcore.ui.progress import client_id, job_manager, visitor_id

    manager, visitor = job_manager(), visitor_id()
    plan: SweepPlan = active["plan"]
    points: list[dict | None] = []
    current, queue_note, blocked = None, "", False
    for key, config in zip(active["keys"], plan.configs):
        metrics = stored_metrics(key)
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
                metrics = stored_metrics(key)
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
def progress_fragment(scenario: Any) -> None:
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
        note(scenario, message)
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
                if last and last["epoch"]
                else "starting"
            )
            text = f"Point {index} of {len(points)} ({plan.label} = {value}): {step} · {done} done"
    st.progress(min(fraction / len(points), 1.0), text=text)
    st.button("Cancel sweep", key=f"{scenario.name}.cancel-sweep", on_click=_on_cancel)
    if done:
        title = f"{figure_title(plan)}: {done} of {len(points)} points so far"
        chart(sweep_figure(scenario, plan, points, title=title), key=f"{scenario.name}.sweep-live")
