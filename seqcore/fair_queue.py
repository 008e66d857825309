"""The fair queue's rules and estimates: who may queue a run, which one starts next, how long each one waits.

* Each client may have a few runs waiting at once (a sweep counts as its points); more is refused, and a full
  queue says how long until a place frees up.
* The next run to start is the oldest one of the client served least recently, so one busy client cannot push
  everyone else back: another visitor's run starts as soon as the run training now ends.
* Waits are estimated from measured run times (a moving average per scenario of seconds per unit of
  ``config.work()``); before a scenario's first run here, from its default run's recorded time (the bundle).

The :class:`~seqcore.jobs.JobManager` keeps the queue itself (its jobs in order of arrival) and its lock, holds
one :class:`FairQueue`, and calls it with that lock held.
"""

from __future__ import annotations

import math
import time
from typing import Any

from seqcore.job_states import Job, QueueFull, TooManyWaiting

DEFAULT_RUN_SECONDS = 20.0  # a guess for a scenario no run of which has been measured yet
AVERAGE_WEIGHT = 0.3  # weight of the newest run in the moving average of run times


def about(seconds: float) -> str:
    """A duration as a visitor reads it: '20 s', '3 min'."""
    if seconds < 60:
        return f"{max(5, round(seconds / 5) * 5):.0f} s"
    return f"{math.ceil(seconds / 60):.0f} min"


def points_of(config: Any) -> int:
    """How many runs ``config`` counts as in a client's share (a sweep counts as its points)."""
    try:
        return max(1, int(config.points()))
    except Exception:  # a config without points(): one run
        return 1


def work_of(config: Any) -> float:
    """``config.work()``, the unit run times are measured in (1 when it has none or it makes no sense)."""
    try:
        work = float(config.work())
    except Exception:
        return 1.0
    return work if math.isfinite(work) and work > 0 else 1.0


class FairQueue:
    """When each client was last served and how long each scenario's runs take; call it with the lock held."""

    def __init__(self) -> None:
        self.last_start: dict[str, float] = {}  # client → when one of its runs last started
        self.seconds_per_work: dict[str, float] = {}  # scenario → moving average

    def admit(
        self, queue: list[Job], client: str, points: int, running: list[Job | None], max_waiting: int, max_queue: int
    ) -> None:
        """Raise :class:`TooManyWaiting` when ``client`` already has its ``max_waiting`` runs in ``queue`` (one
        with nothing waiting may always queue one), or :class:`QueueFull` when ``points`` more do not fit
        ``max_queue``; each with a plain sentence for the visitor."""
        waiting = sum(job.points for job in queue if client in job.clients)
        if waiting and waiting + points > max_waiting:
            raise TooManyWaiting(
                f"You already have {waiting} run{'s' if waiting != 1 else ''} waiting for a trainer (a sweep "
                f"counts as one run per point). Wait until {'one starts' if waiting != 1 else 'it starts'}"
                f" or cancel it, then press Train again."
            )
        queued = sum(job.points for job in queue)
        if queue and queued + points > max_queue:
            waits = self.waits(self.order(queue), running)
            ahead = max((waits[job.job_id] + self.expected(job) for job in queue), default=0.0)
            free = min(waits.values(), default=0.0)
            raise QueueFull(
                f"The queue is full: {len(queue)} runs are waiting, about {about(ahead)} of training "
                f"ahead. A place frees up in about {about(max(free, 5.0))}; please try again then."
            )

    def order(self, queue: list[Job]) -> list[Job]:
        """Queued jobs in the order they will start: each time, the oldest job of the client served least
        recently (a client never served comes first)."""
        last = dict(self.last_start)
        pending = list(queue)
        order = []
        tick = time.monotonic()
        while pending:
            job = min(pending, key=lambda j: min(last.get(c, -math.inf) for c in j.clients))  # first of equals
            pending.remove(job)
            order.append(job)
            tick += 1.0
            for client in job.clients:
                last[client] = tick
        return order

    def expected(self, job: Job) -> float:
        rate = self.seconds_per_work.get(job.scenario)
        return rate * job.work if rate else DEFAULT_RUN_SECONDS

    def waits(self, order: list[Job], running: list[Job | None]) -> dict[str, float]:
        """Estimated seconds until each job of ``order`` starts (trainers taken in turn by that order), given the
        job each trainer runs now (None: idle)."""
        now = time.monotonic()
        free = sorted(max(self.expected(job) - (now - job.started), 1.0) if job is not None else 0.0 for job in running)
        waits = {}
        for job in order:
            soonest = free.pop(0)
            waits[job.job_id] = soonest
            free.append(soonest + self.expected(job))
            free.sort()
        return waits

    def started(self, job: Job) -> None:
        """``job`` started: its clients were served now."""
        for client in job.clients:
            self.last_start[client] = job.started

    def forget_clients(self, older_than_s: float) -> None:
        """Forget the clients last served more than ``older_than_s`` seconds ago."""
        now = time.monotonic()
        for client in [c for c, when in self.last_start.items() if now - when > older_than_s]:
            del self.last_start[client]

    def bundled_estimate(self, scenario: Any, store: Any) -> float | None:
        """Before a scenario's first run here, its seconds per unit of work from its default run's recorded time
        (the bundle); None once it has an estimate, or when nothing is recorded. Reads the store: call it
        without the lock, then give what it returns to :meth:`seed_estimate` with the lock held."""
        if scenario.name in self.seconds_per_work:
            return None
        from seqcore.store import entry_key

        try:
            default = scenario.Config()
            seconds = store.recorded_seconds(entry_key(scenario.name, default, scenario.version))
        except Exception:  # an estimate is a nicety; never fail a submit over it
            seconds = None
        return seconds / work_of(default) if seconds else None

    def seed_estimate(self, scenario_name: str, seconds_per_work: float | None) -> None:
        if seconds_per_work:
            self.seconds_per_work.setdefault(scenario_name, seconds_per_work)

    def record_time(self, job: Job) -> None:
        """Fold a finished job's measured time into its scenario's moving average."""
        measured = (job.finished_at - job.started) / job.work
        old = self.seconds_per_work.get(job.scenario)
        self.seconds_per_work[job.scenario] = (
            measured if old is None else ((1 - AVERAGE_WEIGHT) * old + AVERAGE_WEIGHT * measured)
        )
