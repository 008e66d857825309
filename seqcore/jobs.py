"""Training off the UI thread: spawned worker processes, streamed progress, cancel, time limit, a fair queue.

A Streamlit script thread must never train: TensorFlow leaks memory per model built in a process, a run can
take a minute, and a visitor may leave or resubmit at any moment. So the app owns one :class:`JobManager`.
It runs at most ``max_concurrent`` trainings at once, each in a spawned worker process (:mod:`seqcore.worker`,
held in a slot of :mod:`seqcore.worker_slots`) that imports TensorFlow once and serves several jobs before it is
recycled. Progress comes back per epoch through a pipe (:mod:`seqcore.job_following`); a finished worker writes
its result to the store and the page loads it from there. Cancelling or running past the time limit kills the
worker: nothing half-written is published. Its successor starts at once (:mod:`seqcore.job_dispatch`).

A public demo is shared, so the queue is fair: visitors asking for the same configuration share one job, killed
only when every one of them has cancelled it; each client may have a few runs waiting, the next run to start is
the oldest one of the client served least recently, and waits are estimated from measured run times
(:mod:`seqcore.fair_queue`). Pages heartbeat by polling :meth:`JobManager.status` with their ``watcher`` id: a
waiting run nobody has polled for ``abandon_s`` seconds leaves the queue; a run already training finishes into
the cache. Defaults come from ``$SEQCORE_*`` (:mod:`seqcore.job_settings`). Messages for a visitor are plain
sentences; details (exception types, tracebacks, paths) go to the server log.

When the cache cannot be written, the job ends ``done`` with ``saved=False`` and
:meth:`JobManager.unsaved_result` gives the page the result to show "without caching". The keys queued or
training live in a job table beside the cache (:mod:`seqcore.job_table`), so that :meth:`JobManager.was_lost`
can tell a visitor that their run was lost in a restart. With ``$SEQCORE_RAY_ADDRESS`` set, the slots run their
jobs as Ray tasks instead (:mod:`seqcore.ray_following`, :mod:`seqcore.ray_backend`); the queue, the sharing and
the time limit stay the same. Without it, ray is never imported.
"""

from __future__ import annotations

import logging
import math
import multiprocessing
import os
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from seqcore import job_settings as settings
from seqcore.fair_queue import FairQueue, points_of, work_of
from seqcore.job_dispatch import start_next
from seqcore.job_following import follow
from seqcore.job_states import CANCELLED, FINISHED, QUEUED, RUNNING, Job, JobStatus
from seqcore.job_table import JobTable
from seqcore.ray_following import RAY_CAPACITY_EVERY_S, follow_ray
from seqcore.worker_slots import Slot

KEEP_FINISHED_SECONDS = 600  # a finished job's status (and an unsaved result) stays readable this long
POLL_SECONDS = 0.05

log = logging.getLogger(__name__)


class JobManager:
    """Process-wide training queue. Thread-safe; one per app process."""

    def __init__(
        self,
        cache_root: Path | str | None = None,
        *,
        max_concurrent: int | None = None,
        time_limit_s: float = 180.0,
        recycle_after: int = 8,
        max_queue: int = 32,
        max_waiting_per_client: int | None = None,
        abandon_s: float | None = None,
    ) -> None:
        import tempfile

        from seqcore.store import Store
        from seqcore.worker import UNSAVED_MAX_BYTES

        if max_concurrent is None:
            max_concurrent = settings.max_trainings()
        if max_concurrent < 1:
            raise ValueError(f"max_concurrent: must be at least 1; received {max_concurrent}")
        self.store = Store(cache_root)
        self.fallback_root = Path(tempfile.gettempdir()) / "seqcore-unsaved"
        # TensorFlow's thread pools split the cores between the trainings that run at once.
        self.threads = max(1, (os.cpu_count() or 1) // max_concurrent)
        self.time_limit_s = time_limit_s
        self.recycle_after = recycle_after
        self.max_queue = max_queue
        self.max_waiting_per_client = int(
            max_waiting_per_client if max_waiting_per_client is not None else settings.max_waiting_per_client()
        )
        self.abandon_s = float(abandon_s if abandon_s is not None else settings.abandon_seconds())
        self._context = multiprocessing.get_context("spawn")
        self._lock = threading.Lock()
        self._jobs: dict[str, Job] = {}
        self._queue: list[Job] = []  # in order of arrival; the fair queue gives the order they start in
        self._fair_queue = FairQueue()  # when each client was last served, how long runs take
        self._slots = [Slot() for _ in range(max_concurrent)]
        self._table = JobTable(self.store.root)
        self._ray = None
        if settings.ray_requested():  # only then is ray imported
            from seqcore.ray_backend import RayBackend, configured_address

            fallback = Store(self.fallback_root, UNSAVED_MAX_BYTES, bundled=None)
            self._ray = RayBackend(configured_address(), self.store, fallback, recycle_after)
        self.backend = "ray" if self._ray is not None else "local"
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="seqcore-jobs", daemon=True)
        self._thread.start()

    # -- public ---------------------------------------------------------------------------------------------
    def submit(self, scenario: Any, config: Any, subscriber: str, client: str | None = None) -> str:
        """Queue a run of ``scenario`` with ``config`` for ``subscriber``; returns the job id.

        ``client`` identifies the visitor for the fair share (their address; defaults to ``subscriber``). An
        identical run already queued or running is shared rather than started twice (and costs no share).
        Raises :class:`~seqcore.job_states.TooManyWaiting` or :class:`~seqcore.job_states.QueueFull` (both
        :class:`~seqcore.job_states.Refused`) with a plain message.
        """
        from seqcore.store import entry_key

        key = entry_key(scenario.name, config, scenario.version)
        client = client or subscriber
        estimate = self._fair_queue.bundled_estimate(scenario, self.store)  # outside the lock: it reads the store
        with self._lock:
            self._fair_queue.seed_estimate(scenario.name, estimate)
            now = time.monotonic()
            for job in self._jobs.values():
                if job.key == key and job.state in (QUEUED, RUNNING):
                    job.subscribers.add(subscriber)
                    job.clients.add(client)
                    job.watchers[subscriber] = now
                    return job.job_id
            points = points_of(config)
            self._fair_queue.admit(
                self._queue, client, points, self._running(), self.max_waiting_per_client, self.max_queue
            )
            job = Job(
                job_id=uuid.uuid4().hex[:12],
                key=key,
                scenario=scenario.name,
                config=config,
                subscribers={subscriber},
                clients={client},
                points=points,
                work=work_of(config),
                watchers={subscriber: now},
            )
            self._jobs[job.job_id] = job
            self._queue.append(job)
            self._table.lost.pop(key, None)
            self._write_table()
            return job.job_id

    def status(self, job_id: str, watcher: str | None = None) -> JobStatus | None:
        """The job's state; ``watcher`` (a page's session id) records that someone is still waiting for it."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                return None
            now = time.monotonic()
            if watcher is not None:
                job.watchers[watcher] = now
            position, wait = 0, 0.0
            if job.state == QUEUED and job in self._queue:
                order = self._fair_queue.order(self._queue)
                position = order.index(job) + 1
                wait = self._fair_queue.waits(order, self._running()).get(job.job_id, 0.0)
            return job.status(position, wait, now)

    def find(self, key: str) -> str | None:
        """The job for an entry key: the one queued or training, else the latest finished (kept a while)."""
        with self._lock:
            matches = [job for job in self._jobs.values() if job.key == key]
            active = [job for job in matches if job.state in (QUEUED, RUNNING)]
            if active:
                return active[0].job_id
            return max(matches, key=lambda job: job.finished_at).job_id if matches else None

    def was_lost(self, key: str) -> bool:
        """True when ``key`` was queued or training in an earlier server process that stopped without finishing it
        (and nobody has submitted it since)."""
        with self._lock:
            return key in self._table.lost

    def unsaved_result(self, job_id: str) -> Any:
        """The result of a job that finished but could not be cached (``status.saved`` is False), else None."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or job.unsaved is None:
                return None
            if job.unsaved_result is None:
                from seqcore.store import StoreError

                try:
                    job.unsaved_result = self.store.load_unsaved(job.unsaved)
                except StoreError as error:  # its temporary copy was evicted or damaged: nothing to show
                    log.warning("the uncached result of run %s is gone: %s", job.job_id, error)
                    return None
            return job.unsaved_result

    def cancel(self, job_id: str, subscriber: str) -> None:
        """Withdraw ``subscriber`` from a job; the job stops when nobody is waiting for it any more."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or job.state in FINISHED:
                return
            job.subscribers.discard(subscriber)
            job.watchers.pop(subscriber, None)
            if job.subscribers:
                return
            if job.state == QUEUED:
                self._queue.remove(job)
                self._finish(job, CANCELLED, "Cancelled before it started.")
                return
            for slot in self._slots:
                if slot.job is job:
                    self._kill(slot)
                    self._finish(job, CANCELLED, "Cancelled.")

    def worker_pids(self) -> list[int]:
        """The local worker processes (none on Ray: its workers are the cluster's)."""
        with self._lock:
            return [slot.process.pid for slot in self._slots if slot.process is not None and slot.process.pid]

    def shutdown(self) -> None:
        """Stop the workers; a clean stop forgets its job table (nothing is reported lost)."""
        self._stopping.set()
        self._thread.join(timeout=5)
        with self._lock:
            for slot in self._slots:
                self._kill(slot)
            self._table.close()
        if self._ray is not None:
            self._ray.close()

    def _running(self) -> list[Job | None]:
        """The job each trainer runs now (None: idle), for the wait estimates."""
        return [slot.job for slot in self._slots]

    def _write_table(self) -> None:
        self._table.write({job.key for job in self._jobs.values() if job.state in (QUEUED, RUNNING)})

    # -- the dispatcher thread ------------------------------------------------------------------------------
    def _loop(self) -> None:
        resized = -math.inf
        while not self._stopping.is_set():
            if self._ray is not None and time.monotonic() - resized > RAY_CAPACITY_EVERY_S:
                resized = time.monotonic()
                follow_ray(self)  # outside the lock: connecting may take seconds
            with self._lock:
                self._drop_abandoned()
                for slot in self._slots:
                    follow(self, slot)  # its running job's messages and time limit
                    start_next(self, slot)  # an idle slot's next job
                self._prune()
            time.sleep(POLL_SECONDS)

    def _drop_abandoned(self) -> None:
        now = time.monotonic()
        for job in [job for job in self._queue if now - max(job.watchers.values(), default=0.0) > self.abandon_s]:
            self._queue.remove(job)
            log.info("run %s (%s) left the queue: nobody polled it for %.0f s", job.job_id, job.key, self.abandon_s)
            self._finish(
                job, CANCELLED, "Nobody was watching this run any more, so it left the queue before it started."
            )

    def _kill(self, slot: Slot) -> None:
        slot.kill_worker(self.store)
        if slot.job is not None and slot.job.state == RUNNING:
            self._finish(slot.job, CANCELLED, "Stopped.")
        slot.process = slot.connection = slot.job = None

    def _finish(self, job: Job, state: str, error: str) -> None:
        job.state, job.error, job.finished_at = state, error, time.monotonic()
        for slot in self._slots:
            if slot.job is job:
                slot.job = None
        self._write_table()

    def _prune(self) -> None:
        now = time.monotonic()
        for job_id in [
            j.job_id for j in self._jobs.values() if j.state in FINISHED and now - j.finished_at > KEEP_FINISHED_SECONDS
        ]:
            del self._jobs[job_id]
        self._fair_queue.forget_clients(older_than_s=KEEP_FINISHED_SECONDS)
