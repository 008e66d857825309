"""Training off the UI thread: spawned worker processes, streamed progress, cancel, time limit, a fair queue.

A Streamlit script thread must never train: TensorFlow leaks memory per model built in a process, a run can
take a minute, and a visitor may leave or resubmit at any moment. So the app owns one :class:`JobManager`.
It runs at most ``max_concurrent`` trainings at once, each in a spawned worker process (:mod:`seqcore.worker`,
held in a slot of :mod:`seqcore.worker_slots`) that imports TensorFlow once and serves several jobs before it is
recycled. Progress comes back per epoch through a pipe; a finished worker writes its result to the store
(atomically) and the page loads it from there. Cancelling or running past the time limit kills the worker:
nothing half-written is published. Its successor starts at once, so the next run does not wait for TensorFlow's
import.

A public demo is shared, so the queue is fair:

* Visitors asking for the same configuration share one job; it is killed only when every one of them has
  cancelled it.
* Each client (the visitor's address, else their session) may have ``max_waiting_per_client`` runs waiting at
  once (default 2, ``$SEQCORE_MAX_WAITING``); the next run to start is the oldest one of the client served least
  recently; waits are estimated from measured run times (all three: :mod:`seqcore.fair_queue`).
* Pages heartbeat by polling :meth:`JobManager.status` with their ``watcher`` id. A waiting run that nobody has
  polled for ``abandon_s`` seconds (default 15, ``$SEQCORE_ABANDON_S``) leaves the queue; a run already
  training finishes into the cache.

Messages in a :class:`~seqcore.job_states.JobStatus` and in the refusals are plain sentences for a visitor;
details (exception types, tracebacks, paths) go to the server log.

When the cache cannot be written (read-only or full disk) the worker still delivers: the run is saved into a
private temporary folder instead (or, failing that, its JSON-able parts travel back through the pipe), the job
ends ``done`` with ``saved=False`` and :meth:`JobManager.unsaved_result` gives the page the result to show
"without caching".

The keys queued or training live in a job table beside the cache (:mod:`seqcore.job_table`), so that
:meth:`JobManager.was_lost` can tell a visitor that their run was lost in a restart.

With ``$SEQCORE_RAY_ADDRESS`` set, the slots run their jobs as Ray tasks instead (:mod:`seqcore.ray_backend`,
with :mod:`seqcore.ray_worker` as a stand-in with a worker's surface: as many slots as the cluster has room for);
the queue, the sharing, the estimates and the time limit stay here, the same for both backends. Without it, ray
is never imported.
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

from seqcore.fair_queue import FairQueue, points_of, work_of
from seqcore.job_states import CANCELLED, DONE, FAILED, FINISHED, QUEUED, RUNNING, Job, JobStatus
from seqcore.job_table import JobTable
from seqcore.worker_slots import Slot

RAY_CAPACITY_EVERY_S = 5.0  # how often the number of slots follows the Ray cluster's size

KEEP_FINISHED_SECONDS = 600  # a finished job's status (and an unsaved result) stays readable this long
POLL_SECONDS = 0.05
MAX_EVENTS = 300  # progress events kept per job; older ones are thinned, each variant's latest is kept
UNSAVED_NOTICE = "Results can't be saved here; showing them without caching."

log = logging.getLogger(__name__)


def _env_number(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, "") or default)
    except ValueError:
        return default
    return value if math.isfinite(value) and value > 0 else default


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
            max_concurrent = max(1, int(_env_number("SEQCORE_MAX_TRAININGS", 1)))
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
            max_waiting_per_client if max_waiting_per_client is not None else _env_number("SEQCORE_MAX_WAITING", 2)
        )
        self.abandon_s = float(abandon_s if abandon_s is not None else _env_number("SEQCORE_ABANDON_S", 15.0))
        self._context = multiprocessing.get_context("spawn")
        self._lock = threading.Lock()
        self._jobs: dict[str, Job] = {}
        self._queue: list[Job] = []  # in order of arrival; the fair queue gives the order they start in
        self._fair_queue = FairQueue()  # when each client was last served, how long runs take
        self._slots = [Slot() for _ in range(max_concurrent)]
        self._table = JobTable(self.store.root)
        self._ray = None
        if os.environ.get("SEQCORE_RAY_ADDRESS", "").strip():  # only then is ray imported
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
            fraction = 1.0 if job.state == DONE else (job.events[-1].get("fraction", 0.0) if job.events else 0.0)
            end = job.finished_at or now
            return JobStatus(
                job.job_id,
                job.key,
                job.scenario,
                job.state,
                position,
                fraction,
                list(job.events),
                job.error,
                (end - job.started) if job.started else 0.0,
                estimated_wait_s=wait,
                saved=job.unsaved is None,
                notice=UNSAVED_NOTICE if job.unsaved is not None else "",
            )

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
                self._follow_ray()  # outside the lock: connecting may take seconds
            with self._lock:
                self._drop_abandoned()
                for slot in self._slots:
                    self._service(slot)
                self._prune()
            time.sleep(POLL_SECONDS)

    def _follow_ray(self) -> None:
        """Connect to Ray (or fall back to local workers, if the operator allows it) and size the slots to it."""
        ray = self._ray
        if not ray.connect():
            if ray.unreachable and ray.fallback_local:
                log.warning("the Ray cluster can't be reached: training on local worker processes instead")
                with self._lock:
                    self._ray, self.backend = None, "local"
                    for slot in self._slots:
                        if slot.job is None:
                            self._kill(slot)  # its successor is a local worker
            return
        capacity = ray.capacity()
        with self._lock:
            while len(self._slots) < capacity:
                self._slots.append(Slot())
            for slot in [s for s in self._slots if s.job is None][: max(0, len(self._slots) - capacity)]:
                self._kill(slot)
                self._slots.remove(slot)

    def _drop_abandoned(self) -> None:
        now = time.monotonic()
        for job in [job for job in self._queue if now - max(job.watchers.values(), default=0.0) > self.abandon_s]:
            self._queue.remove(job)
            log.info("run %s (%s) left the queue: nobody polled it for %.0f s", job.job_id, job.key, self.abandon_s)
            self._finish(
                job, CANCELLED, "Nobody was watching this run any more, so it left the queue before it started."
            )

    def _service(self, slot: Slot) -> None:
        """Read a slot's messages, enforce its time limit, and give it the next queued job when idle."""
        if slot.job is not None:
            try:
                while slot.connection.poll():
                    self._handle(slot, slot.connection.recv())
                    if slot.job is None:
                        break
            except (EOFError, OSError):
                pass
            job = slot.job
            if job is not None and not slot.process.is_alive():
                code = slot.process.exitcode
                log.error("worker for run %s (%s) stopped unexpectedly with exit code %s", job.job_id, job.key, code)
                self._kill(slot)
                self._finish(
                    job,
                    FAILED,
                    "The training process stopped unexpectedly, so this run did not finish. Press Train to try again.",
                )
            elif job is not None and time.monotonic() - job.started > self.time_limit_s:
                self._kill(slot)
                self._finish(
                    job,
                    FAILED,
                    f"The run took longer than the {self.time_limit_s:.0f} s a run may take "
                    f"here, so it was stopped. Try fewer epochs or less data.",
                )
        idle = slot.job is None and slot.process is None and not self._queue
        if idle and slot.replace_killed and not self._stopping.is_set():
            # Start the killed worker's successor now, so that the next Train does not wait for TensorFlow's
            # import (a visitor who cancels usually trains again within seconds).
            slot.replace_killed = False
            try:
                self._start_worker(slot)
            except OSError as error:
                log.error("could not start a training worker: %s", error)
        if self._ray is not None and not (self._ray.ready or self._ray.unreachable):
            return  # still connecting: the queue waits (an unreachable cluster fails each run plainly instead)
        if slot.job is None and self._queue:
            worn_out = slot.jobs_served >= self.recycle_after
            if slot.process is None or not slot.process.is_alive() or worn_out:
                self._kill(slot)
                try:
                    self._start_worker(slot)
                except OSError as error:  # out of processes or memory: try again on the next tick
                    log.error("could not start a training worker: %s", error)
                    return
            job = self._fair_queue.order(self._queue)[0]
            self._queue.remove(job)
            job.state, job.started = RUNNING, time.monotonic()
            self._fair_queue.started(job)
            slot.job = job
            slot.connection.send((job.job_id, job.scenario, job.config))
            self._write_table()

    def _handle(self, slot: Slot, message: tuple) -> None:
        kind, job_id, payload = message
        job = slot.job
        if job is None or job_id != job.job_id:
            return
        if kind == "progress":
            self._add_event(job, payload)
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
            self._finish(job, kind, payload.get("message", "") if kind == FAILED else "")
            if kind == DONE:
                self._fair_queue.record_time(job)
            slot.job = None
            slot.jobs_served += 1

    @staticmethod
    def _add_event(job: Job, event: dict) -> None:
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

    def _start_worker(self, slot: Slot) -> None:
        worker_args = (str(self.store.root), str(self.fallback_root), self.recycle_after, self.threads)
        slot.start_worker(self._ray, self._context, worker_args)

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
