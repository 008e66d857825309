"""Load a finished run from the store, or train it in the worker with a live progress panel.

The script thread never trains: it submits to the process-wide :class:`~seqcore.jobs.JobManager` and watches.
If the visitor resubmits or presses Cancel, their claim on the old run is withdrawn (the worker is stopped when
nobody else is waiting for the same run). Leaving the page does not lose a run: it finishes into the cache.
"""

from __future__ import annotations

import os
import time
import uuid
from typing import Any

import streamlit as st

from seqcore import plots
from seqcore.jobs import DONE, QUEUED, RUNNING, JobManager, QueueFull
from seqcore.result import Result
from seqcore.store import Store, StoreError, entry_key
from seqcore.ui.safe_text import literal

WATCH_SECONDS = 0.3  # how often the panel refreshes while a run trains


@st.cache_resource(show_spinner=False)
def job_manager() -> JobManager:
    """One per app process, shared by every visitor (that is what bounds the work)."""
    limit = int(os.environ.get("SEQCORE_MAX_TRAININGS", "1") or 1)
    return JobManager(max_concurrent=max(limit, 1))


@st.cache_resource(show_spinner=False)
def store() -> Store:
    return Store()


class _NotStored(Exception):
    def __init__(self, warnings: list[str]) -> None:
        super().__init__("not stored")
        self.warnings = warnings


@st.cache_resource(max_entries=16, ttl=3600, show_spinner=False)
def _stored_result(key: str) -> Result:
    """Finished runs by key, shared across visitors; a miss raises (and so is not cached)."""
    result, warnings = store().load(key)
    if result is None:
        raise _NotStored(warnings)
    return result


def load_stored(key: str) -> tuple[Result | None, list[str]]:
    try:
        return _stored_result(key), []
    except _NotStored as missing:
        return None, missing.warnings


def visitor_id() -> str:
    if "visitor" not in st.session_state:
        st.session_state["visitor"] = uuid.uuid4().hex
    return st.session_state["visitor"]


def trained_result(scenario: Any, config: Any, submitted: bool) -> Result | None:
    """The run for ``config``: from the cache at once, or trained now if the visitor pressed Train.

    Returns None (having said why on the page) when the config is not trained yet, or training failed or
    was cancelled.
    """
    key = entry_key(scenario.name, config, scenario.version)
    jobs = st.session_state.setdefault("jobs", {})
    manager = job_manager()
    result, warnings = load_stored(key)
    for warning in warnings:
        st.warning(literal(warning), icon="⚠️")
    previous = jobs.get(scenario.name)
    if submitted and previous:
        old = manager.status(previous)
        if old is not None and old.key != key:
            manager.cancel(previous, visitor_id())  # a new submit replaces the visitor's older run
            jobs.pop(scenario.name, None)
    if result is not None:
        return result
    if submitted and scenario.name not in jobs:
        try:
            jobs[scenario.name] = manager.submit(scenario, config, visitor_id())
        except QueueFull as full:
            st.error(f"The training queue is full ({full}).")
            return None
    job_id = jobs.get(scenario.name)
    status = manager.status(job_id) if job_id else None
    if status is None or status.key != key:
        st.info("This configuration has not been trained yet. Press **Train** in the sidebar to train it "
                "here (a progress bar and live loss curves will show).", icon="ℹ️")
        return None
    return _watch(scenario, job_id, key)


def _watch(scenario: Any, job_id: str, key: str) -> Result | None:
    """Block the script (not the app) while the worker trains, redrawing progress; then load the result."""
    manager = job_manager()
    placeholder = st.empty()  # the panel makes way for the results once the run is done
    with placeholder.container(border=True):
        st.markdown("**Training** — in a separate worker process; you may leave and come back.")
        if st.button("Cancel training", key=f"cancel-{job_id}"):
            manager.cancel(job_id, visitor_id())
            st.session_state["jobs"].pop(scenario.name, None)
            st.warning("Training cancelled. Press **Train** to start again.", icon="⏹️")
            return None
        bar = st.progress(0.0, text="Starting…")
        chart = st.empty()
    drawn = -1
    while True:
        status = manager.status(job_id)
        if status is None:
            st.error("This run is no longer known to the server (it may have restarted). Press **Train** again.")
            return None
        if status.state == QUEUED:
            bar.progress(0.0, text=f"Waiting for a free trainer: place {status.queue_position} in the queue.")
        elif status.state == RUNNING:
            last = status.events[-1] if status.events else None
            text = (f"{last['variant']}: epoch {last['epoch']}/{last['epochs']} · {status.seconds:.0f} s"
                    if last else f"Preparing data and models · {status.seconds:.0f} s")
            bar.progress(min(status.fraction, 1.0), text=text)
            if len(status.events) != drawn:
                drawn = len(status.events)
                figure = plots.training_curves(plots.history_from_events(status.events),
                                               title="Live training curves")
                chart.plotly_chart(figure, width="stretch", key=f"live-{job_id}-{drawn}")
        elif status.state == DONE:
            placeholder.empty()
            st.success(f"Trained in {status.seconds:.1f} s and saved: this link now opens instantly.", icon="✅")
            break
        else:
            st.session_state["jobs"].pop(scenario.name, None)
            st.error(f"Training did not finish: {literal(status.error)}. Press **Train** to try again.")
            return None
        time.sleep(WATCH_SECONDS)
    st.session_state["jobs"].pop(scenario.name, None)
    result, warnings = load_stored(key)
    if result is None:
        st.error("The run finished but its result could not be read back; press **Train** to run it again.")
    return result


def model_or_none(result: Result, variant: str) -> Any:
    """A stored model for interactive use, or None with an error shown (a damaged file is removed)."""
    try:
        return result.models[variant]
    except StoreError as error:
        _stored_result.clear()
        st.error(f"The saved model could not be loaded ({literal(error)}). Press **Train** to retrain it.")
        return None
