"""Sine frequency: the SNR sweep the page draws — RMSE against SNR, beside the Cramér–Rao bound — and the
threshold SNR below which no estimator follows the bound. (Error against the max frequency is the generic sweep
panel's: ``seqcore.sweep``.)

The threshold. The bound describes small errors around the true frequency. With enough noise, a noise peak of
the periodogram sometimes stands higher than the sine's own, and the estimate lands anywhere in the band: a few
such outliers make the RMSE many times the bound. No estimator avoids them (the data no longer single out the
true peak), so below this SNR the bound is not reachable. It depends on the series length (longer series gather
more signal against the noise), so it is measured, not assumed: the lowest level from which on the refined
FFT's RMSE stays within ``AT_THE_BOUND`` × the bound.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from seqcore import metrics
from seqcore.scenarios.sine_frequency import AT_THE_BOUND, LEARNED, VARIANTS, data, estimators
from seqcore.scenarios.sine_frequency.config import SNR_LEVELS_DB, Config
from seqcore.scenarios.sine_frequency.networks import model_inputs, predict

KEYS = tuple(v.key for v in VARIANTS)
# Where the page draws the FFT estimators and the bound: 2 dB apart around the threshold (about −3 dB at 100
# samples, about 2 dB at 32), 10 dB apart above it, where the curves are straight lines on the log scale.
FINE_SNR_DB = (-10, -8, -6, -4, -2, 0, 2, 4, 6, 10, 20, 30, 40)


def threshold_db(levels: Sequence[float], rmse: Sequence[float], bound: Sequence[float]) -> float | None:
    """The lowest of ``levels`` (increasing) from which on ``rmse`` stays within ``AT_THE_BOUND`` × ``bound``;
    ``None`` when it is not within at the highest level."""
    threshold = None
    for level, error, floor in reversed(list(zip(levels, rmse, bound))):
        if error > AT_THE_BOUND * floor:
            break
        threshold = level
    return threshold


def snr_sweep(cfg: Config, models: dict, test: data.SineSet) -> dict:
    """RMSE of every estimator on the held-out series with fresh noise at each SNR, the bound there, and the
    threshold SNR of the refined FFT."""
    levels = sorted(set(FINE_SNR_DB) | set(SNR_LEVELS_DB))
    out = {
        "levels_db": levels,
        "learned_levels_db": list(SNR_LEVELS_DB),
        "rmse": {v: [] for v in KEYS},
        "fft_plain": [],
        "crlb": [],
    }
    for level in levels:
        noisy = test.with_noise(level, np.random.default_rng([cfg.seed, 4, level + 100]))
        out["rmse"]["fft"].append(metrics.rmse(noisy.frequencies, estimators.estimate_frequency(noisy.series)))
        out["fft_plain"].append(metrics.rmse(noisy.frequencies, estimators.periodogram_peak(noisy.series)))
        out["crlb"].append(
            estimators.crlb_rmse(noisy.frequencies, noisy.phases, length=cfg.series_length, snr_db=level)
        )
        if level in SNR_LEVELS_DB:
            for variant in LEARNED:
                predicted = predict(models[variant], model_inputs(cfg, variant, noisy.series))
                out["rmse"][variant].append(metrics.rmse(noisy.frequencies, predicted))
    out["threshold_db"] = threshold_db(levels, out["rmse"]["fft"], out["crlb"])
    return out
