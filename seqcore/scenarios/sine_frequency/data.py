"""Sine frequency: seeded sine series, noise at a given SNR, and the train / held-out sets (NumPy only).

Units. A series has ``length`` samples spread evenly over one "series time" t = 0 … 1, both ends included
(the seed's convention: ``sin(f · linspace(0, 2π, N))``), so a frequency ``f`` is in **cycles per series**:
``f`` full periods fit between the first and the last sample. One sample step is 1 / (length − 1) of the
series, so the highest frequency the samples can carry (Nyquist) is (length − 1) / 2 cycles per series.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

GRIDS = ("integer", "continuous")
MIN_FREQUENCY = 1.0  # the seed's lowest frequency; every set draws from [1, max_frequency]


def nyquist(length: int) -> float:
    """The Nyquist frequency in cycles per series for ``length`` samples spanning one series."""
    if length < 2:
        raise ValueError(f"length: must be at least 2 samples; received {length}")
    return (length - 1) / 2


def series_time(length: int) -> np.ndarray:
    """Sample times in series units: ``length`` points from 0 to 1, both ends included."""
    return np.linspace(0.0, 1.0, length)


def sine_series(frequencies, phases, *, length: int) -> np.ndarray:
    """``sin(2π f t + φ)`` for each (f, φ) pair; shape (count, length), float64."""
    frequencies = np.asarray(frequencies, float).reshape(-1, 1)
    phases = np.asarray(phases, float).reshape(-1, 1)
    if frequencies.shape != phases.shape:
        raise ValueError(f"phases: must have one phase per frequency ({len(frequencies)}); received {len(phases)}")
    return np.sin(2 * np.pi * frequencies * series_time(length)[None, :] + phases)


def noise_sigma(snr_db: float) -> float:
    """Noise standard deviation for a unit-amplitude sine: SNR = (1/2) / σ², in decibels."""
    if not np.isfinite(snr_db):
        raise ValueError(f"snr_db: must be a finite number of decibels; received {snr_db}")
    return float(np.sqrt(0.5 / 10 ** (snr_db / 10)))


def add_noise(series: np.ndarray, snr_db: float | None, rng: np.random.Generator) -> np.ndarray:
    """``series`` plus white Gaussian noise at ``snr_db`` (``None``: the series unchanged)."""
    if snr_db is None:
        return np.array(series, float)
    return series + noise_sigma(snr_db) * rng.standard_normal(np.shape(series))


def draw_frequencies(*, grid: str, max_frequency: float, per_frequency: int, rng: np.random.Generator) -> np.ndarray:
    """Target frequencies of a set.

    ``integer``: each whole frequency 1 … max_frequency, ``per_frequency`` times (the accepted answer's set).
    ``continuous``: the same number of frequencies, uniform on [1, max_frequency] (another answer's set).
    """
    if grid not in GRIDS:
        raise ValueError(f"grid: must be one of {', '.join(GRIDS)}; received {grid!r}")
    if per_frequency < 1:
        raise ValueError(f"per_frequency: must be at least 1; received {per_frequency}")
    if max_frequency < MIN_FREQUENCY + 1:
        raise ValueError(f"max_frequency: must be at least {MIN_FREQUENCY + 1}; received {max_frequency}")
    whole = np.arange(MIN_FREQUENCY, np.floor(max_frequency) + 1)
    if grid == "integer":
        return np.repeat(whole, per_frequency)
    return rng.uniform(MIN_FREQUENCY, max_frequency, size=len(whole) * per_frequency)


def draw_phases(count: int, *, random_phase: bool, rng: np.random.Generator) -> np.ndarray:
    """Uniform phases on [0, 2π) (or all zero: every series starts at sin 0 = 0, rising, as in the seed)."""
    return rng.uniform(0.0, 2 * np.pi, size=count) if random_phase else np.zeros(count)


@dataclass(frozen=True)
class SineSet:
    """Series with their true frequencies (cycles per series) and phases (radians)."""

    series: np.ndarray  # (count, length) float32, noise included
    clean: np.ndarray  # (count, length) float32, without noise
    frequencies: np.ndarray  # (count,) float32
    phases: np.ndarray  # (count,) float64

    def __len__(self) -> int:
        return len(self.frequencies)

    def with_noise(self, snr_db: float | None, rng: np.random.Generator) -> SineSet:
        """The same clean series with fresh noise at ``snr_db`` (``None``: noiseless)."""
        noisy = add_noise(self.clean, snr_db, rng).astype(np.float32)
        return SineSet(noisy, self.clean, self.frequencies, self.phases)


def make_set(
    *,
    grid: str,
    max_frequency: float,
    per_frequency: int,
    length: int,
    random_phase: bool,
    snr_db: float | None,
    rng: np.random.Generator,
) -> SineSet:
    """One seeded set: frequencies, phases, series, noise — in that order from ``rng``."""
    frequencies = draw_frequencies(grid=grid, max_frequency=max_frequency, per_frequency=per_frequency, rng=rng)
    phases = draw_phases(len(frequencies), random_phase=random_phase, rng=rng)
    clean = sine_series(frequencies, phases, length=length)
    noisy = add_noise(clean, snr_db, rng)
    return SineSet(noisy.astype(np.float32), clean.astype(np.float32), frequencies.astype(np.float32), phases)


def held_out_set(
    *, count: int, grid: str, max_frequency: float, length: int, snr_db: float | None, rng: np.random.Generator
) -> SineSet:
    """``count`` fresh series, never trained on, from their own generator.

    Phases are always random: a sine met in the wild starts anywhere, whatever the training set did. On the
    integer grid the frequencies cycle through 1 … max_frequency (each equally often) and the phases and the
    noise are new; on the continuous grid the frequencies are new draws as well.
    """
    if count < 1:
        raise ValueError(f"count: must be at least 1; received {count}")
    whole = np.arange(MIN_FREQUENCY, np.floor(max_frequency) + 1)
    if grid == "integer":
        frequencies = np.resize(whole, count)
    elif grid == "continuous":
        frequencies = rng.uniform(MIN_FREQUENCY, max_frequency, size=count)
    else:
        raise ValueError(f"grid: must be one of {', '.join(GRIDS)}; received {grid!r}")
    phases = draw_phases(count, random_phase=True, rng=rng)
    clean = sine_series(frequencies, phases, length=length)
    noisy = add_noise(clean, snr_db, rng)
    return SineSet(noisy.astype(np.float32), clean.astype(np.float32), frequencies.astype(np.float32), phases)
