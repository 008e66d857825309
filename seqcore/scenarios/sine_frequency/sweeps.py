"""Sine frequency: the SNR sweep the page draws — RMSE against SNR, beside the Cramér–Rao bound. (Error against
the max frequency is the generic sweep panel's: ``seqcore.sweep``.)"""

from __future__ import annotations

import numpy as np

from seqcore import metrics
from seqcore.scenarios.sine_frequency import LEARNED, VARIANTS, data, estimators
from seqcore.scenarios.sine_frequency.config import SNR_LEVELS_DB, Config
from seqcore.scenarios.sine_frequency.networks import model_inputs, predict

KEYS = tuple(v.key for v in VARIANTS)
FINE_SNR_DB = (-10, 0, 10, 20, 30, 40)  # where the page draws the FFT estimators and the bound


def snr_sweep(cfg: Config, models: dict, test: data.SineSet) -> dict:
    """RMSE of every estimator on the held-out series with fresh noise at each SNR, and the bound there."""
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
    return out
