"""A training job's states and records: what the worker reports, what a page reads and what a submit raises.

They live apart from :mod:`seqcore.jobs` so that the worker (:mod:`seqcore.worker`), the Ray backend and the
fair queue can import them at the top without importing the manager, which imports the worker.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

QUEUED, RUNNING, DONE, FAILED, CANCELLED = "queued", "running", "done", "failed", "cancelled"
FINISHED = (DONE, FAILED, CANCELLED)
UNSAVED_NOTICE = "Results can't be saved here; showing them without caching."


class Refused(Exception):
    """A run was not queued; ``str(error)`` (also ``visitor_message``) is a plain sentence for the visitor."""

    @property
    def visitor_message(self) -> str:
        return str(self)


class QueueFull(Refused):
    """Too many runs are waiting; the message says how long until a place frees up."""


class TooManyWaiting(Refused):
    """This client already has its share of runs waiting."""


@dataclass
class JobStatus:
    """A snapshot of one job, safe to read from any thread."""

    job_id: str
    key: str
    scenario: str
    state: str
    queue_position: int  # 1 = next to start; 0 when not queued
    fraction: float
    events: list[dict]  # progress events; only each variant's latest one keeps its "snapshot"
    error: str  # a plain sentence for the visitor ('' unless failed or cancelled)
    seconds: float  # training time so far (0 while queued)
    estimated_wait_s: float = 0.0  # while queued: about how long until it starts
    saved: bool = True  # False: done, but the cache could not be written (see JobManager.unsaved_result)
    notice: str = ""  # a plain sentence to show beside a finished run ('' when there is nothing to say)


@dataclass
class Job:
    """The manager's record of one job (read and changed only with its lock held)."""

    job_id: str
    key: str
    scenario: str
    config: Any
    subscribers: set[str]
    clients: set[str]
    points: int
    work: float
    watchers: dict[str, float] = field(default_factory=dict)  # watcher → when it last polled
    state: str = QUEUED
    events: list[dict] = field(default_factory=list)
    error: str = ""
    created: float = field(default_factory=time.monotonic)
    started: float = 0.0
    finished_at: float = 0.0
    unsaved: dict | None = None  # Store.unsaved_payload(...) when the result could not be cached
    unsaved_result: Any = None

    def status(self, position: int, wait: float, now: float) -> JobStatus:
        """This job as a page reads it: ``position`` in the queue (0: not queued), ``wait`` seconds till it starts."""
        fraction = 1.0 if self.state == DONE else (self.events[-1].get("fraction", 0.0) if self.events else 0.0)
        end = self.finished_at or now
        return JobStatus(
            self.job_id,
            self.key,
            self.scenario,
            self.state,
            position,
            fraction,
            list(self.events),
            self.error,
            (end - self.started) if self.started else 0.0,
            estimated_wait_s=wait,
            saved=self.unsaved is None,
            notice=UNSAVED_NOTICE if self.unsaved is not None else "",
        )
