"""The trainer slots follow the Ray cluster: connect to it, size the slots to the room it has, or fall back to
local workers when it can't be reached and the operator allows that.

The :class:`~seqcore.jobs.JobManager`'s dispatcher calls :func:`follow_ray` every ``RAY_CAPACITY_EVERY_S``
seconds, outside the manager's lock (connecting may take seconds); it takes the lock itself to change the slots.
"""

from __future__ import annotations

import logging
from typing import Any

from seqcore.worker_slots import Slot

RAY_CAPACITY_EVERY_S = 5.0  # how often the number of slots follows the Ray cluster's size

log = logging.getLogger(__name__)


def follow_ray(manager: Any) -> None:
    """Connect to Ray (or fall back to local workers, if the operator allows it) and size the slots to it."""
    ray = manager._ray
    if not ray.connect():
        if ray.unreachable and ray.fallback_local:
            log.warning("the Ray cluster can't be reached: training on local worker processes instead")
            with manager._lock:
                manager._ray, manager.backend = None, "local"
                for slot in manager._slots:
                    if slot.job is None:
                        manager._kill(slot)  # its successor is a local worker
        return
    capacity = ray.capacity()
    with manager._lock:
        while len(manager._slots) < capacity:
            manager._slots.append(Slot())
        for slot in [s for s in manager._slots if s.job is None][: max(0, len(manager._slots) - capacity)]:
            manager._kill(slot)
            manager._slots.remove(slot)
