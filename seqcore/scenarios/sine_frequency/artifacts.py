"""Sine frequency: the typed record of what the page draws (plain lists; frequencies in cycles per series)."""

from __future__ import annotations

from dataclasses import dataclass

from seqcore.records import Record


@dataclass(frozen=True)
class HeldOut(Record):
    """Every held-out series' true frequency and each estimator's estimate."""

    true: list[float]
    predicted: dict[str, list[float]]  # variant → estimate per series


@dataclass(frozen=True)
class Examples(Record):
    """A few held-out series, spread from low to high frequency, with their estimates."""

    time: list[float]  # sample times, 0 = first sample, 1 = last
    series: list[list[float]]  # (example, sample)
    true: list[float]
    estimated: dict[str, list[float]]  # variant → estimate per example


@dataclass(frozen=True)
class SnrSweep(Record):
    """RMSE against SNR: every estimator, the plain periodogram, and the Cramér–Rao bound."""

    levels_db: list[float]  # where the FFT estimators and the bound are evaluated
    learned_levels_db: list[float]  # where the learned estimators are
    rmse: dict[str, list[float]]  # variant → RMSE at its levels
    fft_plain: list[float]
    crlb: list[float]
    # the lowest level from which on the refined FFT stays within 1.1× the bound (snr.threshold_db); below it
    # outliers dominate and no estimator follows the bound. None: not even at the highest level
    threshold_db: float | None = None


@dataclass(frozen=True)
class Artifacts(Record):
    unit: str
    series_length: int
    nyquist: float
    max_frequency: int
    training_series: dict[str, int]  # variant → series it trained on
    held_out: HeldOut
    examples: Examples
    snr: SnrSweep
    # variant → the trainer's thinned live snapshots {"epoch", "true", "predicted"} on a fixed held-out subset;
    # the FFT, which does not train, has one (at the first epoch)
    replay: dict[str, list[dict]]
