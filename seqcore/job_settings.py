"""The job manager's settings from the environment (``$SEQCORE_*``), read once when a manager starts.

A value that is missing, not a number, infinite or not positive falls back to its default.
"""

from __future__ import annotations

import math
import os


def env_number(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, "") or default)
    except ValueError:
        return default
    return value if math.isfinite(value) and value > 0 else default


def max_trainings() -> int:
    """``$SEQCORE_MAX_TRAININGS``: how many trainings run at once (default 1)."""
    return max(1, int(env_number("SEQCORE_MAX_TRAININGS", 1)))


def max_waiting_per_client() -> int:
    """``$SEQCORE_MAX_WAITING``: how many runs one client may have waiting at once (default 2)."""
    return int(env_number("SEQCORE_MAX_WAITING", 2))


def abandon_seconds() -> float:
    """``$SEQCORE_ABANDON_S``: how long a waiting run nobody polls stays queued (default 15)."""
    return env_number("SEQCORE_ABANDON_S", 15.0)


def ray_requested() -> bool:
    """True when ``$SEQCORE_RAY_ADDRESS`` is set: the slots then run their jobs as Ray tasks."""
    return bool(os.environ.get("SEQCORE_RAY_ADDRESS", "").strip())
