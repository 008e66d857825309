"""The stand-in for a worker process on Ray: one slot's job as a Ray task, behind a worker's and a pipe's surface.

The connection it runs through is :class:`seqcore.ray_backend.RayBackend`. Ray is imported only inside methods.
"""

from __future__ import annotations

import collections
import logging
import threading
import traceback
from typing import TYPE_CHECKING, Any

from seqcore.job_states import FAILED
from seqcore.ray_backend import CLUSTER_GONE, NODE_LOST

if TYPE_CHECKING:
    from seqcore.ray_backend import RayBackend

log = logging.getLogger(__name__)


class RayWorker:
    """Stands in for a worker process and its pipe: ``send`` starts a job as a Ray task, ``poll``/``recv`` give
    its messages (the same tuples :mod:`seqcore.worker` sends), ``kill`` cancels it."""

    pid = None  # no local process: nothing of it is in this machine's cache folder
    exitcode = None

    def __init__(self, backend: RayBackend) -> None:
        self.backend = backend
        self.node: str | None = None  # the Ray node training the current job, once it has started
        self.task_pid: int | None = None  # and the Ray worker process there
        self._job: tuple | None = None
        self._ref: Any = None
        self._inbox: collections.deque = collections.deque()
        self._alive = True

    # -- the pipe's surface ----------------------------------------------------------------------------------
    def send(self, message: tuple) -> None:
        job_id, scenario_name, config = message
        self._job, self.node, self.task_pid = message, None, None
        if not self.backend.ready:
            self._inbox.append((FAILED, job_id, {"message": CLUSTER_GONE}))
            return
        try:
            self._ref = self.backend.submit(job_id, scenario_name, config)
        except Exception:
            self._inbox.append((FAILED, job_id, {"message": CLUSTER_GONE, "detail": traceback.format_exc()}))

    def poll(self) -> bool:
        if not self._inbox and self._ref is not None:
            self._check()
        return bool(self._inbox)

    def recv(self) -> tuple:
        return self._inbox.popleft()

    def close(self) -> None:
        pass

    # -- the process's surface -------------------------------------------------------------------------------
    def is_alive(self) -> bool:
        return self._alive

    def kill(self) -> None:
        """Stop the job for real: ``ray.cancel(force=True)`` kills the Ray worker process that trains it."""
        self._alive = False
        if self._ref is not None:
            import ray

            try:
                ray.cancel(self._ref, force=True)
            except Exception as error:  # already finished, or the cluster is gone: nothing left to stop
                log.info("cancelling a Ray task: %s", error)
            self._ref = None
        if self._job is not None:
            self.backend.forget(self._job[0])

    def join(self, timeout: float | None = None) -> None:
        pass

    # -- reading the task ------------------------------------------------------------------------------------
    def _check(self) -> None:
        import ray

        job_id, scenario_name, config = self._job
        self._read(self.backend.events(job_id))
        try:
            finished = bool(ray.wait([self._ref], timeout=0)[0])
        except Exception:  # the cluster is gone: fetching the outcome says so
            finished = True
        if finished:
            # Fetched in a thread of its own: the manager polls with its lock held, and fetching waits on the
            # cluster (up to a minute when a node vanishes at that moment), which would stall every page's poll.
            ref, self._ref = self._ref, None
            threading.Thread(
                target=self._fetch, args=(job_id, scenario_name, config, ref), name=f"ray-outcome-{job_id}", daemon=True
            ).start()

    def _fetch(self, job_id: str, scenario_name: str, config: Any, ref: Any) -> None:
        """The finished task's last progress reports, then its outcome, into the inbox (in that order)."""
        try:
            self._read(self.backend.events(job_id, wait=True))
            self._inbox.append(self.backend.outcome(job_id, scenario_name, config, ref))
        except Exception:  # never leave the manager waiting for a message that will not come
            self._inbox.append((FAILED, job_id, {"message": NODE_LOST, "detail": traceback.format_exc()}))

    def _read(self, reports: list[tuple]) -> None:
        job_id = self._job[0]
        for kind, payload in reports:
            if kind == "started":
                self.node, self.task_pid = payload.get("node"), payload.get("pid")
            else:
                self._inbox.append((kind, job_id, payload))
