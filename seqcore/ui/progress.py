"""The run behind a page: loaded from the store, or trained in a worker while a live panel watches it.

The script thread never trains: it submits to the process-wide :class:`~seqcore.jobs.JobManager`. While a run
trains, a fragment that reruns itself (``st.fragment(run_every=…)``) draws the progress, the live predictions and
the live loss curves, so the rest of the page stays interactive and nothing blocks: a header Stop, a closed tab or
a dropped connection leave no frozen panel. When the run ends the fragment reruns the whole page.

A run is found by its configuration's key, not only by the session, so a reload re-attaches to it. The page
always has something to draw: the run for the configuration, else the last finished run the visitor saw on this
page, else the default — under a banner that says which.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

import streamlit as st

from seqcore import plots
from seqcore.job_states import DONE, FAILED, QUEUED, RUNNING, Refused
from seqcore.jobs import JobManager
from seqcore.result import Result
from seqcore.store import Store, StoreError, entry_key
from seqcore.ui.charts import chart, sample_key
from seqcore.ui.safe_text import literal

LIVE_REFRESH_SECONDS = 0.5  # the live panel redraws about twice a second
log = logging.getLogger(__name__)


@st.cache_resource(show_spinner=False)
def job_manager() -> JobManager:
    """One per app process, shared by every visitor (that is what bounds the work)."""
    return JobManager()  # it reads $SEQCORE_MAX_TRAININGS (a value that is not a count leaves the default)


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


def client_id() -> str:
    """Who a fair queue counts runs for: the visitor's address where Streamlit knows it, else the session."""
    return getattr(st.context, "ip_address", None) or visitor_id()


def _jobs() -> dict[str, str]:
    return st.session_state.setdefault("jobs", {})


def _last_shown_key(scenario: Any) -> str:
    return f"{scenario.name}.last-shown"


def _cancelled_key(scenario: Any) -> str:
    return f"{scenario.name}.cancelled"


def _note_key(scenario: Any) -> str:
    return f"{scenario.name}.run-note"


def estimated_seconds(scenario: Any, config: Any) -> float | None:
    """About how long ``config`` takes here: the default run's measured time, scaled by the work."""
    default = scenario.Config()
    result, _ = load_stored(entry_key(scenario.name, default, scenario.version))
    if result is None or not result.seconds:
        return None
    return result.seconds * config.work() / max(default.work(), 1e-9)


def _about(seconds: float | None) -> str:
    if seconds is None:
        return ""
    if seconds < 60:
        return f" (about {max(5, round(seconds / 5) * 5):.0f} s here)"
    return f" (about {seconds / 60:.0f} min here)"


def run_for(scenario: Any, config: Any, train_pressed: bool) -> tuple[Result | None, bool]:
    """The result to draw for ``config`` and whether it is that configuration's own (not a stand-in).

    Trains on a Train press (a cached configuration loads at once instead); re-attaches to a run of the same
    configuration that is training for anyone; otherwise shows a stand-in under a banner saying why.
    """
    key = entry_key(scenario.name, config, scenario.version)
    manager, jobs, visitor = job_manager(), _jobs(), visitor_id()
    result, warnings = load_stored(key)
    for warning in warnings:
        st.warning(literal(warning), icon=":material/warning:")
    mine = jobs.get(scenario.name)
    if train_pressed:
        st.session_state.pop(_note_key(scenario), None)
        st.session_state.pop(_cancelled_key(scenario), None)
        old = manager.status(mine) if mine else None
        if old is not None and old.key != key:
            manager.cancel(mine, visitor)  # a new press replaces the visitor's own older run on this page
            jobs.pop(scenario.name, None)
        if result is not None:
            st.success(
                "Loaded from the cache: these settings were trained before, the results are below.",
                icon=":material/bolt:",
            )
        elif not _submit(scenario, config, key):
            return _stand_in(scenario), False
    if result is not None:
        st.session_state[_last_shown_key(scenario)] = key
        _show_note(scenario)
        return result, True
    job_id = jobs.get(scenario.name)
    status = manager.status(job_id, watcher=visitor) if job_id else None
    if (status is None or status.key != key) and st.session_state.get(_cancelled_key(scenario)) != key:
        job_id = manager.find(key)  # a reload, or another visitor training the same configuration
        status = manager.status(job_id, watcher=visitor) if job_id else None
    if status is not None and status.state in (QUEUED, RUNNING):
        jobs[scenario.name] = job_id
        _live_panel(scenario, job_id)
        st.caption("Below: the last finished results on this page, until this run is done.")
        return _stand_in(scenario), False
    unsaved = manager.unsaved_result(job_id) if status is not None and status.state == DONE else None
    if unsaved is not None:  # trained, but the cache could not be written: show it anyway, and say so
        _show_note(scenario)
        st.warning(status.notice, icon=":material/warning:")
        return unsaved, True
    _explain_missing(scenario, config, key, status)
    return _stand_in(scenario), False


def _submit(scenario: Any, config: Any, key: str) -> bool:
    try:
        _jobs()[scenario.name] = job_manager().submit(scenario, config, visitor_id(), client=client_id())
        return True
    except Refused as refused:  # the queue says no (full, or this visitor already has runs waiting)
        log.info("run refused for %s: %s", key, refused)
        st.error(literal(refused.visitor_message), icon=":material/hourglass_top:")
        return False


def _explain_missing(scenario: Any, config: Any, key: str, status: Any) -> None:
    """Why there is no result for this configuration, and what to do."""
    _show_note(scenario)
    if status is not None and status.state == FAILED and status.key == key:
        _jobs().pop(scenario.name, None)
        st.error(
            f"Training did not finish: {literal(status.error)} Press **Train** to try again.", icon=":material/error:"
        )
    elif job_manager().was_lost(key):
        st.warning(
            "This configuration was training when the server restarted, and that run was lost. "
            "Press **Train** to run it again.",
            icon=":material/restart_alt:",
        )
    elif _note_key(scenario) not in st.session_state:
        st.info(
            f"**These settings are not trained yet.** Press **Train** in the sidebar to train them"
            f"{_about(estimated_seconds(scenario, config))}; a live panel will show the predictions as they "
            "learn. Until then the page shows the results below.",
            icon=":material/info:",
        )
    shown = st.session_state.get(_last_shown_key(scenario))
    default_key = entry_key(scenario.name, scenario.Config(), scenario.version)
    st.caption(
        "Below: your last finished run on this page."
        if shown and shown != default_key
        else "Below: the default settings' results."
    )


def _show_note(scenario: Any) -> None:
    note = st.session_state.pop(_note_key(scenario), None)
    if note:
        st.info(note, icon=":material/stop_circle:")


def _stand_in(scenario: Any) -> Result | None:
    """The last finished run the visitor saw on this page, else the default (which ships pretrained)."""
    for key in (
        st.session_state.get(_last_shown_key(scenario)),
        entry_key(scenario.name, scenario.Config(), scenario.version),
    ):
        if key:
            result, _ = load_stored(key)
            if result is not None:
                return result
    return None


def _cancel(scenario: Any, job_id: str) -> None:
    status = job_manager().status(job_id)
    job_manager().cancel(job_id, visitor_id())
    _jobs().pop(scenario.name, None)
    if status is not None:  # do not re-attach to it (another visitor may still be training it)
        st.session_state[_cancelled_key(scenario)] = status.key
    st.session_state[_note_key(scenario)] = "Training cancelled. The page shows the last finished results."


@st.fragment(run_every=LIVE_REFRESH_SECONDS)
def _live_panel(scenario: Any, job_id: str) -> None:
    """Progress, live predictions and live loss curves; reruns the page once the run is no longer training."""
    status = job_manager().status(job_id, watcher=visitor_id())
    if status is None or status.state not in (QUEUED, RUNNING) or _jobs().get(scenario.name) != job_id:
        if status is not None and status.state == DONE and status.saved:
            st.session_state[_note_key(scenario)] = (
                f"Trained in {status.seconds:.1f} s and saved: this link now opens instantly."
            )
        st.rerun(scope="app")
    with st.container(border=True):
        st.markdown("**Training** — in a separate worker process; you may leave and come back.")
        st.button("Cancel training", key=f"{scenario.name}.cancel", on_click=_cancel, args=(scenario, job_id))
        if status.state == QUEUED:
            wait = getattr(status, "estimated_wait_s", None)
            about = f" — about {wait:.0f} s" if wait else ""
            st.progress(0.0, text=f"Waiting for a free trainer: place {status.queue_position} in the queue{about}.")
            return
        last = status.events[-1] if status.events else None
        if last is None:
            st.progress(
                0.0, text=f"Starting the worker, making the data and building the models · {status.seconds:.0f} s"
            )
            return
        doing = f"epoch {last['epoch']} of" if last["epoch"] else "starting the first of"
        st.progress(
            min(status.fraction, 1.0),
            text=f"{scenario.variant_name(last['variant'])}: {doing} {last['epochs']} · {status.seconds:.0f} s",
        )
        snapshots, epoch, epochs = latest_snapshots(status.events)
        if snapshots:
            sample = st.session_state.get(sample_key(scenario), 0)
            when = f"after epoch {epoch} of {epochs}" if epoch else f"before training (0 of {epochs} epochs)"
            try:
                figure = scenario.live_chart(snapshots, sample=sample, title=f"Live: {when}")
            except Exception:  # a frame the chart cannot draw must not replace the panel with an error box
                log.exception("%s: the live chart could not draw epoch %s", scenario.name, epoch)
                st.caption(f"The live predictions could not be drawn {when}; training goes on.")
            else:
                chart(figure, key=f"{scenario.name}.live-predictions")
        chart(
            plots.training_curves(
                plots.history_from_events(status.events), scenario.variants, title="Live training curves"
            ),
            key=f"{scenario.name}.live-curves",
        )


def latest_snapshots(events: list[dict]) -> tuple[dict[str, dict], int, int]:
    """Each variant's latest snapshot, and the epoch (of how many) the oldest of them shows."""
    latest: dict[str, dict] = {}
    epochs = 0
    for event in events:
        if event.get("snapshot") is not None:
            latest[event["variant"]] = {"epoch": event["epoch"], **event["snapshot"]}
            epochs = max(epochs, event["epochs"])
    epoch = min((snap["epoch"] for snap in latest.values()), default=0)
    return latest, epoch, epochs


def model_or_none(result: Result, variant: str) -> Any:
    """A stored model for interactive use, or None with an error shown (a damaged file is removed)."""
    try:
        return result.models[variant]
    except StoreError:
        _stored_result.clear()
        st.error("The saved model could not be loaded, so it was removed. Press **Train** to train it again.")
        return None
