"""Sine frequency: the two sweeps the page draws — RMSE against SNR (with the Cramér–Rao bound) and held-out
MAE against the maximum frequency (beside the seed's training MAE)."""

from __future__ import annotations

import numpy as np

from seqcore import metrics
from seqcore.scenarios.sine_frequency import LEARNED, VARIANTS, data, estimators
from seqcore.scenarios.sine_frequency.config import SEED_SWEEP_TRAIN_MAE, SNR_LEVELS_DB, Config
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


def max_frequency_sweep(cfg: Config, metric_values: dict, swept: dict, swept_models: dict) -> dict:
    """Held-out MAE of every estimator at each sweep max frequency (the main run's numbers where it is one)."""
    sweep = {
        "max_frequencies": list(cfg.sweep_frequencies()),
        "mae": {v: [] for v in KEYS},
        "seed_train_mae": [SEED_SWEEP_TRAIN_MAE[f] for f in cfg.sweep_frequencies()],
    }
    for f in cfg.sweep_frequencies():
        if f == cfg.max_frequency:
            values = {v: metric_values[f"{v}/mae"] for v in KEYS}
        else:
            test = swept[f]["test"]
            values = {
                v: metrics.mae(test.frequencies, predict(swept_models[f][v], model_inputs(cfg, v, test.series)))
                for v in LEARNED
            }
            values["fft"] = metrics.mae(test.frequencies, estimators.estimate_frequency(test.series))
        for variant in KEYS:
            sweep["mae"][variant].append(values[variant])
    return sweep
