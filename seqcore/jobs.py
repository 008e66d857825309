"""Training off the UI thread: spawned worker processes, streamed progress, cancel, time limit, a queue.

A Streamlit script thread must never train: TensorFlow leaks memory per model built in a process, a run can
take a minute, and a visitor may leave or resubmit at any moment. So the app owns one :class:`JobManager`.
It runs at most ``max_concurrent`` trainings at once, each in a spawned worker process that imports
TensorFlow once and serves several jobs before it is recycled. Progress comes back per epoch through a pipe;
a finished worker writes its result to the store (atomically) and the page loads it from there. Cancelling or
running past the time limit kills the worker: nothing half-written is published.

Visitors asking for the same configuration share one job; it is killed only when every one of them has
cancelled it.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

QUEUED, RUNNING, DONE, FAILED, CANCELLED = "queued", "running", "done", "failed", "cancelled"
FINISHED = (DONE, FAILED, CANCELLED)
KEEP_FINISHED_SECONDS = 600  # a finished job's status stays readable this long
POLL_SECONDS = 0.05


class QueueFull(Exception):
    """Too many runs are waiting; the visitor should try again later."""


@dataclass
class JobStatus:
    """A snapshot of one job, safe to read from any thread."""

    job_id: str
    key: str
    scenario: str
    state: str
    queue_position: int  # 1 = next to start; 0 when not queued
    fraction: float
    events: list[dict]
    error: str
    seconds: float

    @property
    def finished(self) -> bool:
        return self.state in FINISHED


@dataclass
class _Job:
    job_id: str
    key: str
    scenario: str
    config: Any
    subscribers: set[str]
    state: str = QUEUED
    events: list[dict] = field(default_factory=list)
    error: str = ""
    created: float = field(default_factory=time.monotonic)
    started: float = 0.0
    finished_at: float = 0.0


@dataclass
class _Slot:
    """One worker process and the job it is running (if any)."""

    process: Any = None
    connection: Any = None
    job: _Job | None = None
    jobs_served: int = 0


def _worker_main(connection: Any, cache_root: str, recycle_after: int) -> None:
    """The worker process: run jobs sent down the pipe until told to stop or recycled."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from seqcore.scenarios import get_scenario
    from seqcore.store import Store, entry_key

    store = Store(cache_root)
    for _ in range(recycle_after):
        try:
            message = connection.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        job_id, scenario_name, config = message
        try:
            scenario = get_scenario(scenario_name)
            result = scenario.run(config, progress=lambda event: connection.send(("progress", job_id, event)))
            store.save(entry_key(scenario.name, config, scenario.version), result)
            connection.send(("done", job_id, ""))
        except Exception as error:  # reported to the page as a failed run, never as a traceback
            connection.send(("failed", job_id, f"{type(error).__name__}: {error}"))
    # Quota served: exit and give back the memory TensorFlow accumulated; the parent starts a fresh worker.


class JobManager:
    """Process-wide training queue. Thread-safe; one per app process."""

    def __init__(self, cache_root: Path | str | None = None, *, max_concurrent: int = 1,
                 time_limit_s: float = 180.0, recycle_after: int = 8, max_queue: int = 32) -> None:
        from seqcore.store import Store
        if max_concurrent < 1:
            raise ValueError(f"max_concurrent: must be at least 1; received {max_concurrent}")
        self.store = Store(cache_root)
        self.time_limit_s = time_limit_s
        self.recycle_after = recycle_after
        self.max_queue = max_queue
        self._context = multiprocessing.get_context("spawn")
        self._lock = threading.Lock()
        self._jobs: dict[str, _Job] = {}
        self._queue: list[_Job] = []
        self._slots = [_Slot() for _ in range(max_concurrent)]
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="seqcore-jobs", daemon=True)
        self._thread.start()

    # -- public ---------------------------------------------------------------------------------------------
    def submit(self, scenario: Any, config: Any, subscriber: str) -> str:
        """Queue a run of ``scenario`` with ``config`` for ``subscriber``; returns the job id.

        An identical run already queued or running is shared rather than started twice.
        """
        from seqcore.store import entry_key
        key = entry_key(scenario.name, config, scenario.version)
        with self._lock:
            for job in self._jobs.values():
                if job.key == key and job.state in (QUEUED, RUNNING):
                    job.subscribers.add(subscriber)
                    return job.job_id
            if len(self._queue) >= self.max_queue:
                raise QueueFull(f"{len(self._queue)} runs are already waiting; please try again in a minute")
            job = _Job(job_id=uuid.uuid4().hex[:12], key=key, scenario=scenario.name, config=config,
                       subscribers={subscriber})
            self._jobs[job.job_id] = job
            self._queue.append(job)
            return job.job_id

    def status(self, job_id: str) -> JobStatus | None:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                return None
            position = self._queue.index(job) + 1 if job in self._queue else 0
            fraction = 1.0 if job.state == DONE else (job.events[-1]["fraction"] if job.events else 0.0)
            end = job.finished_at or time.monotonic()
            return JobStatus(job.job_id, job.key, job.scenario, job.state, position, fraction,
                             list(job.events), job.error, (end - job.started) if job.started else 0.0)

    def cancel(self, job_id: str, subscriber: str) -> None:
        """Withdraw ``subscriber`` from a job; the job stops when nobody is waiting for it any more."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or job.state in FINISHED:
                return
            job.subscribers.discard(subscriber)
            if job.subscribers:
                return
            if job.state == QUEUED:
                self._queue.remove(job)
                self._finish(job, CANCELLED, "cancelled before it started")
                return
            for slot in self._slots:
                if slot.job is job:
                    self._kill(slot)
                    self._finish(job, CANCELLED, "cancelled")

    def worker_pids(self) -> list[int]:
        with self._lock:
            return [slot.process.pid for slot in self._slots if slot.process is not None]

    def shutdown(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=5)
        with self._lock:
            for slot in self._slots:
                self._kill(slot)

    # -- the dispatcher thread ------------------------------------------------------------------------------
    def _loop(self) -> None:
        while not self._stopping.is_set():
            with self._lock:
                for slot in self._slots:
                    self._service(slot)
                self._prune()
            time.sleep(POLL_SECONDS)

    def _service(self, slot: _Slot) -> None:
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
                self._kill(slot)
                self._finish(job, FAILED, f"the training process stopped unexpectedly (exit code {code})")
            elif job is not None and time.monotonic() - job.started > self.time_limit_s:
                self._kill(slot)
                self._finish(job, FAILED, f"the run took longer than {self.time_limit_s:.0f} s and was stopped")
        if slot.job is None and self._queue:
            worn_out = slot.jobs_served >= self.recycle_after
            if slot.process is None or not slot.process.is_alive() or worn_out:
                self._kill(slot)
                self._start_worker(slot)
            job = self._queue.pop(0)
            job.state, job.started = RUNNING, time.monotonic()
            slot.job = job
            slot.connection.send((job.job_id, job.scenario, job.config))

    def _handle(self, slot: _Slot, message: tuple) -> None:
        kind, job_id, payload = message
        job = slot.job
        if job is None or job_id != job.job_id:
            return
        if kind == "progress":
            job.events.append(payload)
        elif kind in (DONE, FAILED):
            self._finish(job, kind, payload)
            slot.job = None
            slot.jobs_served += 1

    def _start_worker(self, slot: _Slot) -> None:
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_worker_main, name="seqcore-worker",
                                        args=(child, str(self.store.root), self.recycle_after), daemon=True)
        process.start()
        child.close()
        slot.process, slot.connection, slot.jobs_served = process, parent, 0

    def _kill(self, slot: _Slot) -> None:
        if slot.process is not None and slot.connection is not None:
            pid = slot.process.pid
            slot.process.kill()
            slot.process.join(timeout=5)
            slot.connection.close()
            self.store.discard_temp(pid)  # whatever the killed worker was writing goes too
        if slot.job is not None and slot.job.state == RUNNING:
            self._finish(slot.job, CANCELLED, "stopped")
        slot.process = slot.connection = slot.job = None

    def _finish(self, job: _Job, state: str, error: str) -> None:
        job.state, job.error, job.finished_at = state, error, time.monotonic()
        for slot in self._slots:
            if slot.job is job:
                slot.job = None

    def _prune(self) -> None:
        now = time.monotonic()
        for job_id in [j.job_id for j in self._jobs.values()
                       if j.state in FINISHED and now - j.finished_at > KEEP_FINISHED_SECONDS]:
            del self._jobs[job_id]
