"""Following a running job: its worker's messages, its progress events, and how it ends (done, failed, a worker
that stopped unexpectedly, past the time limit).

The :class:`~seqcore.jobs.JobManager` calls :func:`follow` for each busy slot on every tick of its dispatcher,
with its lock held; the manager itself still decides what runs next.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from seqcore.job_states import DONE, FAILED, Job
from seqcore.worker_slots import Slot

MAX_EVENTS = 300  # progress events kept per job; older ones are thinned, each variant's latest is kept

log = logging.getLogger(__name__)


def follow(manager: Any, slot: Slot) -> None:
    """Read a slot's messages and enforce its time limit (``manager``: the JobManager, its lock held)."""
    if slot.job is not None:
        try:
            while slot.connection.poll():
                handle(manager, slot, slot.connection.recv())
                if slot.job is None:
                    break
        except (EOFError, OSError):
            pass
        job = slot.job
        if job is not None and not slot.process.is_alive():
            code = slot.process.exitcode
            log.error("worker for run %s (%s) stopped unexpectedly with exit code %s", job.job_id, job.key, code)
            manager._kill(slot)
            manager._finish(
                job,
                FAILED,
                "The training process stopped unexpectedly, so this run did not finish. Press Train to try again.",
            )
        elif job is not None and time.monotonic() - job.started > manager.time_limit_s:
            manager._kill(slot)
            manager._finish(
                job,
                FAILED,
                f"The run took longer than the {manager.time_limit_s:.0f} s a run may take "
                f"here, so it was stopped. Try fewer epochs or less data.",
            )


def handle(manager: Any, slot: Slot, message: tuple) -> None:
    """Act on one message from a slot's worker: a progress event, or the end of its job."""
    kind, job_id, payload = message
    job = slot.job
    if job is None or job_id != job.job_id:
        return
    if kind == "progress":
        add_event(job, payload)
    elif kind in (DONE, FAILED):
        if payload.get("detail"):
            log.error(
                "run %s (%s) %s:\n%s",
                job.job_id,
                job.key,
                "could not be saved" if kind == DONE else "failed",
                payload["detail"],
            )
        if kind == DONE:
            job.unsaved = payload.get("unsaved")
        manager._finish(job, kind, payload.get("message", "") if kind == FAILED else "")
        if kind == DONE:
            manager._fair_queue.record_time(job)
        slot.job = None
        slot.jobs_served += 1


def add_event(job: Job, event: dict) -> None:
    """Append a progress event; only each variant's latest snapshot is kept, and old events are thinned."""
    events = job.events
    if event.get("snapshot") is not None:
        for index in range(len(events) - 1, -1, -1):
            old = events[index]
            if old.get("variant") == event.get("variant") and old.get("snapshot") is not None:
                events[index] = {**old, "snapshot": None}  # a copy: a reader may hold the old dict
                break
    events.append(event)
    if len(events) > MAX_EVENTS:
        latest = {e.get("variant"): i for i, e in enumerate(events)}
        keep = set(latest.values())
        recent = len(events) - MAX_EVENTS // 2
        events[:] = [e for i, e in enumerate(events) if i in keep or i % 2 == 0 or i >= recent]
