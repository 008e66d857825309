"""Giving a trainer slot its next job: a fresh worker when the slot needs one (a killed worker's successor at
once, a dead or worn-out worker replaced), then the run the fair queue puts first.

The :class:`~seqcore.jobs.JobManager`'s dispatcher calls :func:`start_next` for each slot on every tick, after
following the slot's running job (:mod:`seqcore.job_following`), with the manager's lock held.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from seqcore.job_states import RUNNING
from seqcore.worker_slots import Slot

log = logging.getLogger(__name__)


def start_next(manager: Any, slot: Slot) -> None:
    """Give an idle ``slot`` of ``manager`` (the JobManager, its lock held) the next queued job, if any."""
    idle = slot.job is None and slot.process is None and not manager._queue
    if idle and slot.replace_killed and not manager._stopping.is_set():
        # Start the killed worker's successor now, so that the next Train does not wait for TensorFlow's
        # import (a visitor who cancels usually trains again within seconds).
        slot.replace_killed = False
        try:
            start_worker(manager, slot)
        except OSError as error:
            log.error("could not start a training worker: %s", error)
    if manager._ray is not None and not (manager._ray.ready or manager._ray.unreachable):
        return  # still connecting: the queue waits (an unreachable cluster fails each run plainly instead)
    if slot.job is None and manager._queue:
        worn_out = slot.jobs_served >= manager.recycle_after
        if slot.process is None or not slot.process.is_alive() or worn_out:
            manager._kill(slot)
            try:
                start_worker(manager, slot)
            except OSError as error:  # out of processes or memory: try again on the next tick
                log.error("could not start a training worker: %s", error)
                return
        job = manager._fair_queue.order(manager._queue)[0]
        manager._queue.remove(job)
        job.state, job.started = RUNNING, time.monotonic()
        manager._fair_queue.started(job)
        slot.job = job
        slot.connection.send((job.job_id, job.scenario, job.config))
        manager._write_table()


def start_worker(manager: Any, slot: Slot) -> None:
    """Give ``slot`` a fresh worker set up from ``manager``'s cache, recycling and thread settings."""
    worker_args = (str(manager.store.root), str(manager.fallback_root), manager.recycle_after, manager.threads)
    slot.start_worker(manager._ray, manager._context, worker_args)
