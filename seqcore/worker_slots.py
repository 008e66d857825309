"""A trainer slot of the :class:`~seqcore.jobs.JobManager`: one worker and the job it runs, and how that worker
starts (a spawned process and its pipe, or the Ray backend's stand-in with the same surface) and is killed.

The manager decides when; this module only does it, with the manager's lock held.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from seqcore.job_states import Job
from seqcore.worker import worker_main


@dataclass
class Slot:
    """One worker process and the job it is running (if any)."""

    process: Any = None
    connection: Any = None
    job: Job | None = None
    jobs_served: int = 0
    replace_killed: bool = False  # a worker was killed here (cancel, time limit): start its successor at once

    def start_worker(self, ray: Any, context: Any, worker_args: tuple) -> None:
        """Give this slot a fresh worker: a Ray stand-in from ``ray`` (the Ray backend) when set, else a process
        of the multiprocessing ``context`` running :func:`~seqcore.worker.worker_main` (pipe end, *worker_args)."""
        if ray is not None:
            worker = ray.worker()
            self.process, self.connection, self.jobs_served, self.replace_killed = worker, worker, 0, False
            return
        parent, child = context.Pipe()
        process = context.Process(target=worker_main, name="seqcore-worker", args=(child, *worker_args), daemon=True)
        process.start()
        child.close()
        self.process, self.connection, self.jobs_served, self.replace_killed = process, parent, 0, False

    def kill_worker(self, store: Any) -> None:
        """Kill the worker, and delete whatever it was writing into ``store``; its job stays for the manager."""
        self.replace_killed = self.process is not None
        if self.process is not None and self.connection is not None:
            pid = self.process.pid
            self.process.kill()
            self.process.join(timeout=5)
            self.connection.close()
            if pid:  # a Ray task has no process here, and wrote nothing into this cache
                store.discard_temp(pid)  # whatever the killed worker was writing goes too
