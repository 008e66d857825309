"""Teacher forcing: seeded synthetic series, cut into encoder/decoder windows with a missing-target mask.

NumPy only. Every generator takes keyword arguments and an explicit ``np.random.Generator``.

A window is ``input_length`` steps of history (the encoder's input) followed by ``horizon`` steps to predict
(the decoder's targets). Targets travel as the seed's two-channel array: ``[..., 0]`` is the value and
``[..., 1]`` is 1 where that value is missing (not scored by the masked MSE).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SERIES_KINDS = ("sines", "trend", "regime_change")
MIN_PERIOD = 8.0  # steps per cycle of the fastest component: still smooth at one sample per step
MAX_PERIOD = 40.0  # steps per cycle of the slowest: a full cycle fits in a typical history
COMPONENTS = 2  # sines per series
AMPLITUDE_DECAY = 0.35  # each further sine is this much weaker: a main wave with a smaller one riding on it
TREND_MAX_SLOPE = 1.0  # largest total rise or fall over one window of the "trend" kind


@dataclass(frozen=True)
class Windows:
    """A set of windows, ready for the two models.

    ``history``: (n, input_length, 1) encoder input. ``targets``: (n, horizon, 2) value and missing flag.
    ``decoder_inputs``: (n, horizon, 1) what teacher forcing feeds the decoder — the start value (the last
    history value), then each true target shifted one step later; a missing target is replaced by the last
    value seen before it.
    """

    history: np.ndarray
    targets: np.ndarray
    decoder_inputs: np.ndarray

    def __len__(self) -> int:
        return len(self.history)


def _sum_of_sines(*, count: int, length: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` series, each a sum of ``COMPONENTS`` sines with random periods, phases and amplitudes.

    The first sine has an amplitude between 0.5 and 1; each further one is ``AMPLITUDE_DECAY`` times weaker.
    """
    steps = np.arange(length, dtype=np.float64)
    periods = rng.uniform(MIN_PERIOD, MAX_PERIOD, size=(count, COMPONENTS, 1))
    phases = rng.uniform(0.0, 2.0 * np.pi, size=(count, COMPONENTS, 1))
    decay = AMPLITUDE_DECAY ** np.arange(COMPONENTS).reshape(1, -1, 1)
    amplitudes = rng.uniform(0.5, 1.0, size=(count, COMPONENTS, 1)) * decay
    waves = amplitudes * np.sin(2.0 * np.pi * steps / periods + phases)
    return waves.sum(axis=1)


def synthetic_series(*, count: int, length: int, kind: str, noise: float, rng: np.random.Generator) -> np.ndarray:
    """``count`` noisy series of ``length`` steps, shape (count, length), float32.

    ``kind``: ``"sines"`` (a sum of sines), ``"trend"`` (plus a straight line with a random slope) or
    ``"regime_change"`` (the sines are replaced by new ones at a random step). ``noise`` is the standard
    deviation of the Gaussian noise added to every step.
    """
    if kind not in SERIES_KINDS:
        raise ValueError(f"kind: must be one of {', '.join(SERIES_KINDS)}; received {kind!r}")
    if count < 1 or length < 2:
        raise ValueError(f"count and length: need count >= 1 and length >= 2; received {count}, {length}")
    if noise < 0:
        raise ValueError(f"noise: must be >= 0; received {noise}")
    clean = _sum_of_sines(count=count, length=length, rng=rng)
    if kind == "trend":
        slopes = rng.uniform(-TREND_MAX_SLOPE, TREND_MAX_SLOPE, size=(count, 1))
        clean = clean + slopes * np.linspace(-0.5, 0.5, length)
    elif kind == "regime_change":
        after = _sum_of_sines(count=count, length=length, rng=rng)
        switch = rng.integers(length // 4, length, size=(count, 1))
        clean = np.where(np.arange(length) >= switch, after, clean)
    return (clean + noise * rng.standard_normal((count, length))).astype(np.float32)


def forward_fill(values: np.ndarray, missing: np.ndarray, first: np.ndarray) -> np.ndarray:
    """Replace missing entries along axis 1 by the last present one; ``first`` stands in before any.

    ``values`` and ``missing`` have shape (n, steps); ``first`` has shape (n,).
    """
    present = ~missing.astype(bool)
    index = np.where(present, np.arange(values.shape[1]), -1)
    last = np.maximum.accumulate(index, axis=1)
    padded = np.concatenate([first[:, None], values], axis=1)
    return np.take_along_axis(padded, last + 1, axis=1)


def cut_windows(
    series: np.ndarray, *, input_length: int, horizon: int, mask_rate: float, rng: np.random.Generator
) -> Windows:
    """Cut each series into non-overlapping windows and mark each target step missing with ``mask_rate``.

    Windows never overlap, so splitting series into training and validation leaves no shared step.
    """
    if input_length < 1 or horizon < 1:
        raise ValueError(f"input_length and horizon: must be >= 1; received {input_length}, {horizon}")
    if not 0.0 <= mask_rate < 1.0:
        raise ValueError(f"mask_rate: must be in [0, 1); received {mask_rate}")
    width = input_length + horizon
    per_series = series.shape[1] // width
    if per_series < 1:
        raise ValueError(
            f"series: each needs at least input_length + horizon = {width} steps; received {series.shape[1]}"
        )
    windows = series[:, : per_series * width].reshape(-1, width)
    history, future = windows[:, :input_length], windows[:, input_length:]
    missing = rng.random(future.shape) < mask_rate
    targets = np.stack([np.where(missing, 0.0, future), missing], axis=-1).astype(np.float32)
    start = history[:, -1]
    seen = forward_fill(future, missing, start)
    decoder_inputs = np.concatenate([start[:, None], seen[:, :-1]], axis=1)
    return Windows(
        history=history[..., None].astype(np.float32),
        targets=targets,
        decoder_inputs=decoder_inputs[..., None].astype(np.float32),
    )


def make_windows(
    *,
    count: int,
    input_length: int,
    horizon: int,
    kind: str,
    noise: float,
    mask_rate: float,
    windows_per_series: int,
    rng: np.random.Generator,
) -> Windows:
    """``count`` windows from ``ceil(count / windows_per_series)`` fresh series (truncated to ``count``)."""
    series_count = -(-count // windows_per_series)
    series = synthetic_series(
        count=series_count, length=windows_per_series * (input_length + horizon), kind=kind, noise=noise, rng=rng
    )
    cut = cut_windows(series, input_length=input_length, horizon=horizon, mask_rate=mask_rate, rng=rng)
    return Windows(history=cut.history[:count], targets=cut.targets[:count], decoder_inputs=cut.decoder_inputs[:count])
