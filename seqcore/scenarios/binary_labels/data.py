"""Binary labels: the seed's sine wave, next-sample sign labels and sliding windows (NumPy only).

A sample is *positive* when the wave is above zero and *negative* otherwise (a sample that is zero up to
rounding counts as negative). Labels here are 0/1 "is positive" flags; each variant re-encodes them
(``encodings.py``): the seed's own labels are 1 (negative) and 2 (positive).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ZERO_TOLERANCE = 1e-9  # sin(kπ) is ~1e-16 in floating point: treat it as the zero it is
HELD_OUT_OFFSET = 0.5  # the held-out stretch starts half a sample off the training grid
HELD_OUT_FACTOR = 4  # ... and is this many times as long as the training series: with noise, the scores hinge
# on the few steps around each zero crossing, so more crossings make them steadier


def sine_wave(*, sample_rate: float, frequency: float, length: int, start: float = 0.0) -> np.ndarray:
    """``length`` samples of sin(2π f t) at t = (start + i) / sample_rate, float64."""
    if sample_rate <= 0:
        raise ValueError(f"sample_rate: must be positive; received {sample_rate}")
    if length < 1:
        raise ValueError(f"length: must be at least 1; received {length}")
    steps = start + np.arange(length, dtype=np.float64)
    return np.sin(2 * np.pi * frequency * steps / sample_rate)


def is_positive(wave: np.ndarray) -> np.ndarray:
    """1 where a sample is above zero, else 0 (int8)."""
    return (np.asarray(wave) > ZERO_TOLERANCE).astype(np.int8)


def sliding_windows(
    series: np.ndarray, *, window_length: int, label_shift: int, flags: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Every window of ``series`` and its labels: the flags ``label_shift`` steps ahead of each input step.

    ``flags`` are the per-sample classes to label with (default: the signs of ``series`` itself; pass the clean
    wave's signs when ``series`` is noisy). Returns inputs (windows, window_length, 1) float32 and labels
    (windows, window_length) int8; window ``s`` reads samples s..s+L-1 and is labelled by s+shift..s+shift+L-1.
    """
    series = np.asarray(series, dtype=np.float64)
    flags = is_positive(series) if flags is None else np.asarray(flags, dtype=np.int8)
    if flags.shape != series.shape:
        raise ValueError(f"flags: must have the series' shape {series.shape}; received {flags.shape}")
    if window_length < 1:
        raise ValueError(f"window_length: must be at least 1; received {window_length}")
    if label_shift < 0:
        raise ValueError(f"label_shift: must be 0 or more; received {label_shift}")
    count = len(series) - window_length - label_shift + 1
    if count < 1:
        raise ValueError(
            f"window_length: a window of {window_length} steps with label shift {label_shift} "
            f"needs a series of at least {window_length + label_shift} samples; received "
            f"{len(series)}"
        )
    starts = np.arange(count)[:, None] + np.arange(window_length)[None, :]
    inputs = series[starts].astype(np.float32)[..., None]
    return inputs, flags[starts + label_shift]


def flip_labels(labels: np.ndarray, *, share: float, rng: np.random.Generator) -> np.ndarray:
    """Each 0/1 label flipped independently with probability ``share``."""
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"share: must be from 0 to 1; received {share}")
    if share == 0.0:
        return labels.copy()
    flips = rng.random(labels.shape) < share
    return np.where(flips, 1 - labels, labels).astype(labels.dtype)


@dataclass(frozen=True)
class Split:
    """One draw of windows. ``labels`` are 0/1 "next sample is positive" flags, ``clean`` the noiseless input."""

    inputs: np.ndarray  # (windows, steps, 1) float32, noise included
    labels: np.ndarray  # (windows, steps) int8, flips included
    clean: np.ndarray  # (windows, steps) float32
    start_phase: np.ndarray  # (windows,) phase of each window's first sample, in periods (0..1)


@dataclass(frozen=True)
class Stretch:
    """A stretch of the wave, how it is cut into windows, and the noise each draw of it gets.

    Noise belongs to the sensor, not to the wave: every :meth:`draw` adds fresh Gaussian noise to the samples
    and flips fresh labels (per sample, before windowing, so overlapping windows agree about a sample). The
    labels are the signs of the clean wave, so noise hides the answer but never changes it.
    """

    clean: np.ndarray  # (length,) float64
    start: float  # first sample's position, in samples from t = 0
    sample_rate: float
    frequency: float
    window_length: int
    label_shift: int
    input_noise: float = 0.0
    label_noise: float = 0.0

    @property
    def windows(self) -> int:
        return len(self.clean) - self.window_length - self.label_shift + 1

    def draw(self, rng: np.random.Generator) -> Split:
        noisy = (
            self.clean + self.input_noise * rng.standard_normal(len(self.clean)) if self.input_noise > 0 else self.clean
        )
        flags = flip_labels(is_positive(self.clean), share=self.label_noise, rng=rng)
        inputs, labels = sliding_windows(
            noisy, window_length=self.window_length, label_shift=self.label_shift, flags=flags
        )
        clean_windows, _ = sliding_windows(self.clean, window_length=self.window_length, label_shift=self.label_shift)
        phase = np.mod(self.frequency * (self.start + np.arange(len(labels))) / self.sample_rate, 1.0)
        return Split(inputs=inputs, labels=labels, clean=clean_windows[..., 0], start_phase=phase)


def make_stretch(
    *,
    sample_rate: float,
    frequency: float,
    length: int,
    window_length: int,
    label_shift: int,
    start: float = 0.0,
    input_noise: float = 0.0,
    label_noise: float = 0.0,
) -> Stretch:
    """The wave from ``start`` samples in, ready to be drawn as windows (see :class:`Stretch`)."""
    if input_noise < 0:
        raise ValueError(f"input_noise: must be 0 or more; received {input_noise}")
    if not 0.0 <= label_noise <= 1.0:
        raise ValueError(f"label_noise: must be from 0 to 1; received {label_noise}")
    clean = sine_wave(sample_rate=sample_rate, frequency=frequency, length=length, start=start)
    stretch = Stretch(
        clean=clean,
        start=start,
        sample_rate=sample_rate,
        frequency=frequency,
        window_length=window_length,
        label_shift=label_shift,
        input_noise=input_noise,
        label_noise=label_noise,
    )
    if stretch.windows < 1:
        raise ValueError(
            f"window_length: a window of {window_length} steps with label shift {label_shift} "
            f"needs a series of at least {window_length + label_shift} samples; received {length}"
        )
    return stretch


def make_stretches(cfg) -> tuple[Stretch, Stretch]:
    """The training stretch (the seed's series from t = 0; label noise applies) and the held-out stretch.

    The held-out stretch follows the training series, shifted half a sample off its grid, so every held-out
    window starts at a phase no training window has; it is :data:`HELD_OUT_FACTOR` times as long. Its labels
    are never flipped; its input noise is drawn once (by the caller) and kept for every score.
    """
    common = dict(
        sample_rate=cfg.sample_rate,
        frequency=cfg.frequency,
        window_length=cfg.window_length,
        label_shift=cfg.label_shift,
        input_noise=cfg.input_noise,
    )
    train = make_stretch(start=0.0, length=cfg.series_length, label_noise=cfg.label_noise, **common)
    held_out = make_stretch(
        start=cfg.series_length + HELD_OUT_OFFSET, length=HELD_OUT_FACTOR * cfg.series_length, **common
    )
    return train, held_out
