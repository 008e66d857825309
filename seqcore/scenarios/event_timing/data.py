"""Event timing: the three data sets, as NumPy arrays in their own units (magnitudes, or the paper's values).

Every generator returns windows of shape (count, steps, 1): ``features`` (the past) and ``labels`` (the
future to predict). Nothing here imports TensorFlow.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

# The seed's six 7-month windows, in magnitudes (the seed stored magnitude / 10 and plotted ×10).
SEED_FEATURES = np.array(
    [
        [0, 0, 0, 0, 0, 0, 0],
        [0, 0, 5, 0, 5, 0, 0],
        [0, 0, 0, 0, 0, 0, 0],
        [0, 0, 5, 0, 5, 0, 0],
        [0, 0, 0, 0, 0, 0, 0],
        [0, 0, 5, 0, 5, 0, 0],
    ],
    np.float32,
)
SEED_LABELS = np.array(
    [
        [0, 0, 0, 0, 0, 0, 0],
        [8, 0, 0, 4, 0, 0, 0],
        [0, 0, 0, 0, 0, 0, 0],
        [0, 0, 8, 0, 0, 4, 0],
        [0, 0, 0, 0, 0, 0, 0],
        [0, 8, 0, 0, 4, 0, 0],
    ],
    np.float32,
)
SEED_STEPS = 7

FORESHOCK, MAIN_SHOCK, AFTERSHOCK = 5.0, 8.0, 4.0  # the magnitudes of the seed's pattern
FORESHOCK_GAP = 2  # months between the two 5s (as in the seed)
DELAYS = (3, 4, 5)  # months from the second 5 to the 8 (the seed's "3 to 5 months")
AFTERSHOCK_DELAY = 3  # months from the 8 to the 4 (as in the seed)
LEAD_MONTHS = 1  # the 8 never falls on the first month of the future window (see second_foreshock_months)
MIN_STEPS = DELAYS[-1] + AFTERSHOCK_DELAY - DELAYS[0] + LEAD_MONTHS + 1  # shortest window that fits them
MAGNITUDE_SCALE = 10.0  # the network sees magnitude / 10, as in the seed

SYNTHETIC_STEPS = 20  # the DILATE paper's synthetic set: 20 input and 20 target steps
# The paper states Gaussian noise of variance 0.01; its official code (data/synthetic_dataset.py, sigma = 0.01 in
# main.py) adds sigma · random.random(), i.e. uniform noise in [0, 0.01). We follow the code: its numbers are the
# ones the paper reports.
SYNTHETIC_NOISE = 0.01


@dataclass
class Dataset:
    """Train and held-out windows, in the data's own units, plus how to show and scale them."""

    name: str
    train_features: np.ndarray
    train_labels: np.ndarray
    test_features: np.ndarray
    test_labels: np.ndarray
    scale: float  # the network works on values / scale
    time_unit: str
    value_unit: str
    test_has_event: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))  # peak metrics use these
    notes: list[str] = field(default_factory=list)

    @property
    def is_event_data(self) -> bool:
        return self.name in ("seed", "events")


def seed_windows() -> tuple[np.ndarray, np.ndarray]:
    """The seed's own windows exactly: (6, 7, 1) features and labels, in magnitudes."""
    return SEED_FEATURES[..., None].copy(), SEED_LABELS[..., None].copy()


def second_foreshock_months(steps: int) -> np.ndarray:
    """Months at which the second 5 may fall so that, for every delay, the 8 lands in the next ``steps``
    months but not on the first of them, and the 4 lands in them too (the first 5 must fit as well).

    Keeping the 8 off the first future month matters: every alignment starts by matching the first month
    with the first month, so an 8 there cannot be forgiven a shift, and the time-tolerant losses would
    learn to hedge with a bump at month 1 instead of one sharp peak."""
    lowest = max(steps - DELAYS[0] + LEAD_MONTHS, FORESHOCK_GAP)
    highest = 2 * steps - 1 - DELAYS[-1] - AFTERSHOCK_DELAY
    return np.arange(lowest, min(highest, steps - 1) + 1)


def event_windows(
    *,
    count: int,
    steps: int,
    noise: float,
    rng: np.random.Generator,
    event_share: float = 0.5,
    hint: float = 0.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Windows in the seed's spirit: in a share of them two 5s, then after 3–5 months an 8, and 3 months later a
    4; the other windows are quiet. Gaussian noise of std ``noise`` (magnitudes) on every month.

    ``hint`` is how far the history tells the delay. At 0 (the seed) the two 5s are always 2 months apart and
    the delay is drawn at random: nothing in the history says which. Above 0 the gap between the 5s announces a
    delay (gap 1, 2, 3 → 3, 4, 5 months), and with probability ``hint`` the 8 keeps that date; otherwise the
    delay is drawn at random among the three.

    Returns features (count, steps, 1), labels (count, steps, 1) and a has-event flag per window.
    """
    months = second_foreshock_months(steps)
    if months.size == 0:
        raise ValueError(
            f"steps: must be at least {MIN_STEPS} for the 8 and the 4 to fit after every delay; received {steps}"
        )
    if not 0.0 <= hint <= 1.0:
        raise ValueError(f"hint: must be between 0 and 1; received {hint}")
    features = np.zeros((count, steps), np.float32)
    labels = np.zeros((count, steps), np.float32)
    has_event = rng.random(count) < event_share
    second = rng.choice(months, size=count)
    delay = rng.choice(DELAYS, size=count)
    gap = np.full(count, FORESHOCK_GAP)
    if hint > 0:  # drawn only then, so the seed's set (hint 0) stays exactly what it was
        announced = rng.choice(DELAYS, size=count)
        kept = rng.random(count) < hint
        delay = np.where(kept, announced, delay)
        gap = announced - DELAYS[0] + 1
    for row in np.flatnonzero(has_event):
        features[row, second[row] - gap[row]] = FORESHOCK
        features[row, second[row]] = FORESHOCK
        main = second[row] + delay[row] - steps  # month of the 8 within the label window
        labels[row, main] = MAIN_SHOCK
        labels[row, main + AFTERSHOCK_DELAY] = AFTERSHOCK
    features += rng.normal(0.0, noise, features.shape).astype(np.float32)
    labels += rng.normal(0.0, noise, labels.shape).astype(np.float32)
    return features[..., None], labels[..., None], has_event


def dilate_synthetic(
    *, count: int, rng: np.random.Generator, noise: float = SYNTHETIC_NOISE
) -> tuple[np.ndarray, np.ndarray]:
    """The DILATE paper's synthetic step series, as its official code makes them: 40 steps of uniform noise in
    [0, noise); a peak of height j1 ~ U[0, 1) at i1 ∈ 1..10 and one of height j2 ~ U[0, 1) at i2 ∈ 10..18; from
    step i2 + |i2 − i1| + U{−3..3} on, a step of height j2 − j1. The first 20 steps are the input, the last 20
    the target (the step usually falls in the target: when is not quite predictable from the input).

    Returns features (count, 20, 1) and labels (count, 20, 1).
    """
    steps = 2 * SYNTHETIC_STEPS
    series = noise * rng.random((count, steps))
    first = rng.integers(1, 11, count)
    second = rng.integers(10, 19, count)
    first_height, second_height = rng.random(count), rng.random(count)
    start = second + np.abs(second - first) + rng.integers(-3, 4, count)
    rows = np.arange(count)
    series[rows, first] += first_height
    series[rows, second] += second_height
    series += (np.arange(steps)[None, :] >= start[:, None]) * (second_height - first_height)[:, None]
    series = series.astype(np.float32)[..., None]
    return series[:, :SYNTHETIC_STEPS], series[:, SYNTHETIC_STEPS:]


def load(
    name: str, *, steps: int, train_windows: int, test_windows: int, noise: float, seed: int, hint: float = 0.0
) -> Dataset:
    """The data set a run trains and scores on."""
    train_rng, test_rng = np.random.default_rng([seed, 0]), np.random.default_rng([seed, 1])
    if name == "seed":
        features, labels = seed_windows()
        return Dataset(
            name,
            features,
            labels,
            features.copy(),
            labels.copy(),
            MAGNITUDE_SCALE,
            "month",
            "magnitude",
            test_has_event=labels.max(axis=(1, 2)) > 0,
            notes=[
                "The seed has only six windows: the networks are scored on the windows they "
                "were trained on, as in the seed, and each epoch is a single gradient step "
                "(the seed took 100; raise Epochs to match).",
                "In one of the seed's windows the 8 falls on the first future month. Every "
                "alignment begins by matching the first months, so no loss can forgive that 8 a "
                "shift: the time-tolerant losses keep a bump there as a hedge and lower their "
                "peak. The generated events keep the 8 off the first month.",
            ],
        )
    if name == "events":
        train_x, train_y, _ = event_windows(count=train_windows, steps=steps, noise=noise, rng=train_rng, hint=hint)
        test_x, test_y, has_event = event_windows(count=test_windows, steps=steps, noise=noise, rng=test_rng, hint=hint)
        return Dataset(
            name, train_x, train_y, test_x, test_y, MAGNITUDE_SCALE, "month", "magnitude", test_has_event=has_event
        )
    if name == "dilate_synthetic":
        train_x, train_y = dilate_synthetic(count=train_windows, rng=train_rng)
        test_x, test_y = dilate_synthetic(count=test_windows, rng=test_rng)
        return Dataset(name, train_x, train_y, test_x, test_y, 1.0, "step", "value")
    raise ValueError(f"name: must be one of seed, events, dilate_synthetic; received {name!r}")


# The DILATE paper's Table 1, synthetic data set, Seq2Seq model, in its scaling (MSE × 100, DTW × 100, TDI × 10),
# trained with MSE, soft-DTW (its "DTW_γ") and DILATE. The paper gives each as mean ± std over 10 runs; we could not
# check the ± against the paper's text, so only the means are shown.
PAPER_SYNTHETIC_SEQ2SEQ = {
    "rows": {
        "mse": {"mse": 1.10, "dtw": 24.6, "tdi": 17.2},
        "soft_dtw": {"mse": 2.31, "dtw": 22.7, "tdi": 20.0},
        "dilate": {"mse": 1.21, "dtw": 23.1, "tdi": 14.8},
    },
    "source": "Le Guen & Thome, NeurIPS 2019, Table 1 (synthetic data set, Seq2Seq model; mean of 10 runs)",
}
# The official code (vincent-leguen/DILATE, PyTorch) as measured on a 2-core CPU like this app's: 300 epochs of
# Adam at 0.001, mean of 3 seeds; seconds of training per loss.
OFFICIAL_CODE_SYNTHETIC = {
    "rows": {
        "mse": {"mse": 1.10, "dtw": 26.3, "tdi": 18.0, "seconds": 138.0},
        "soft_dtw": {"mse": 1.75, "dtw": 20.1, "tdi": 18.7, "seconds": 200.0},
        "dilate": {"mse": 1.39, "dtw": 20.8, "tdi": 15.7, "seconds": 244.0},
    },
    "source": "the official code (vincent-leguen/DILATE), 300 epochs, mean of 3 seeds, on a 2-core CPU",
}
