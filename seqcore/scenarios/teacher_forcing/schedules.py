"""Truth-probability schedules for scheduled sampling (Bengio et al. 2015, "Scheduled Sampling for Sequence
Prediction with Recurrent Neural Networks", section 2.4). NumPy only.

At training step ``i`` (one mini-batch) of ``total`` steps, each decoder step is fed the true previous value
with probability ``eps_i`` and the model's own previous prediction otherwise. The paper's three decays:

- linear:           eps_i = max(eps_end, 1 - c * i)          here c makes eps reach ``end`` at the last step
- exponential:      eps_i = k ** i,  k < 1                    here k = end ** (1 / (total - 1))
- inverse sigmoid:  eps_i = k / (k + exp(i / k)),  k >= 1     here k is solved so that eps ends at ``end``

Teacher forcing is the constant 1, free running the constant 0.
"""

from __future__ import annotations

import numpy as np

SCHEDULES = ("linear", "exponential", "inverse_sigmoid")
FLOOR = 1e-3  # the exponential and inverse sigmoid never reach 0: an end of 0 is approached down to this


def _inverse_sigmoid_k(total: int, end: float) -> float:
    """The k >= 1 whose curve k / (k + exp(i / k)) is at ``end`` at the last step (bisection on log k).

    The end value grows with k, so the root is unique; an ``end`` below what k = 1 gives is met by k = 1.
    """
    last = max(total - 1, 1)

    def at_end(k: float) -> float:
        return k / (k + np.exp(min(last / k, 700.0)))

    low, high = 0.0, np.log(1e9)
    if at_end(1.0) >= end:
        return 1.0
    for _ in range(200):
        middle = 0.5 * (low + high)
        if at_end(float(np.exp(middle))) < end:
            low = middle
        else:
            high = middle
    return float(np.exp(0.5 * (low + high)))


def truth_probability(schedule: str, *, total: int, end: float = 0.0) -> np.ndarray:
    """The probability of feeding the truth at each of ``total`` training steps, shape (total,).

    Starts at (or, for the inverse sigmoid, just below) 1 and decays to ``end`` at the last step; the
    exponential and inverse sigmoid stop at ``FLOOR`` when ``end`` is below it.
    """
    if schedule not in SCHEDULES:
        raise ValueError(f"schedule: must be one of {', '.join(SCHEDULES)}; received {schedule!r}")
    if total < 1:
        raise ValueError(f"total: must be at least 1 training step; received {total}")
    if not 0.0 <= end <= 1.0:
        raise ValueError(f"end: must be a probability in [0, 1]; received {end}")
    steps = np.arange(total, dtype=np.float64)
    last = max(total - 1, 1)
    if schedule == "linear":
        probability = 1.0 - (1.0 - end) * steps / last
    elif schedule == "exponential":
        k = max(end, FLOOR) ** (1.0 / last)
        probability = k**steps
    else:
        k = _inverse_sigmoid_k(total, max(end, FLOOR))
        probability = k / (k + np.exp(np.minimum(steps / k, 700.0)))
    return np.clip(probability, 0.0, 1.0)
