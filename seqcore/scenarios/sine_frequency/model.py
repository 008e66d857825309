"""Reading a sine's frequency with an LSTM: why the question's network learns nothing, and what fixes it.

Pitfall: the question trains an LSTM on one sine per whole frequency (1 … 299, 2000 samples each, all starting
at phase 0) against raw frequencies, with a ReLU output and an MAE loss. Every target is seen once, so there
is nothing to generalise from; the targets are hundreds of times the scale the output layer starts at, so
Adam's small steps hardly move it; and the series are long. It ends predicting about the same number for any
sine — on sines it has not seen (a new phase), it is no better than a guess.
Fix (the accepted answer): frequencies up to 10, ten series per frequency with random phases, a hidden ReLU
layer and a little dropout — plus targets scaled to about ±1. A plain dense network on the raw samples
learns it too once it has enough series (another answer used 2000): on the answer's 100 it overfits (held-out
MAE ≈ 0.3), with 50 series per frequency it reaches ≈ 0.02. And a periodogram, refined by a least-squares
fit, needs no training at all and sits on the Cramér–Rao bound: the floor no unbiased estimator can beat.
Reference: seed 004 (``shared/seeds``), a question on estimating a sine's frequency with a Keras LSTM.

Every error is measured on held-out series (fresh random phases, and fresh frequencies on the continuous
grid), never on the training series — the seed's numbers were training errors. Frequencies are in cycles
per series throughout (``data.py``).
"""

from __future__ import annotations

import math
import time
from concurrent.futures import ThreadPoolExecutor

import keras
import numpy as np
import tensorflow as tf

from seqcore import metrics
from seqcore.result import Result
from seqcore.scenarios.sine_frequency import data, estimators
from seqcore.scenarios.sine_frequency.config import SNR_LEVELS_DB, Config
from seqcore.scenarios.sine_frequency.networks import (LEARNED, VARIANTS, build, inference_copy, model_inputs,
                                                        predict)
from seqcore.scenarios.sine_frequency.sweeps import max_frequency_sweep, snr_sweep
from seqcore.training import CancelToken, ProgressTracker

EXAMPLES_SHOWN = 6
TEST_POINTS = 20  # held-out evaluations per training run, for the training curves


# -- data ---------------------------------------------------------------------------------------------------
def training_sets(cfg: Config, max_frequency: int) -> dict[str, data.SineSet]:
    """The naive set (one zero-phase series per whole frequency) and the fixed set (the config's recipe)."""
    snr = cfg.snr_db if cfg.noise else None
    naive = data.make_set(grid="integer", max_frequency=max_frequency, per_frequency=1,
                          length=cfg.series_length, random_phase=False, snr_db=snr,
                          rng=np.random.default_rng([cfg.seed, 1, max_frequency]))
    fixed = data.make_set(grid=cfg.frequency_grid, max_frequency=max_frequency,
                          per_frequency=cfg.series_per_frequency, length=cfg.series_length,
                          random_phase=cfg.random_phase, snr_db=snr,
                          rng=np.random.default_rng([cfg.seed, 0, max_frequency]))
    return {"naive_lstm": naive, "fixed_lstm": fixed, "dense": fixed}


def held_out(cfg: Config, max_frequency: int) -> data.SineSet:
    return data.held_out_set(count=cfg.held_out_series, grid=cfg.frequency_grid, max_frequency=max_frequency,
                             length=cfg.series_length, snr_db=cfg.snr_db if cfg.noise else None,
                             rng=np.random.default_rng([cfg.seed, 2, max_frequency]))


# -- train --------------------------------------------------------------------------------------------------
class _EpochLog(keras.callbacks.Callback):
    """Per-epoch logs (plus the held-out MAE every few epochs), progress, and cancellation between epochs."""

    def __init__(self, epochs: int, test_inputs: np.ndarray, test_frequencies: np.ndarray, report,
                 cancel: CancelToken | None) -> None:
        super().__init__()
        self.epochs, self.report, self.cancel = epochs, report, cancel
        self.test_inputs, self.test_frequencies = test_inputs, test_frequencies
        self.test_every = math.ceil(epochs / TEST_POINTS)
        self.history: list[dict[str, float]] = []

    def on_epoch_end(self, epoch, logs=None):
        epoch += 1  # keras counts from 0
        entry = {"loss": float(logs["loss"]), "mae": float(logs["mae"])}
        if epoch % self.test_every == 0 or epoch == self.epochs:
            entry["test_mae"] = metrics.mae(self.test_frequencies, predict(self.model, self.test_inputs))
        self.history.append(entry)
        self.report(epoch, entry)
        if self.cancel is not None and self.cancel.cancelled:
            self.model.stop_training = True


def batches(x: np.ndarray, y: np.ndarray, *, epochs: int, batch_size: int,
            rng: np.random.Generator) -> tf.data.Dataset:
    """Every epoch's mini-batches in a seeded order, one epoch after another (keras' own shuffle is seeded
    per thread, so we draw the orders ourselves)."""
    orders = np.stack([rng.permutation(len(x)) for _ in range(epochs)])
    x, y = tf.constant(x), tf.constant(y)
    return tf.data.Dataset.from_tensor_slices(orders).flat_map(
        lambda order: tf.data.Dataset.from_tensor_slices((tf.gather(x, order), tf.gather(y, order)))
        .batch(batch_size))


def train(cfg: Config, variant: str, max_frequency: int, train_set: data.SineSet, test_inputs: np.ndarray,
          test_frequencies: np.ndarray, report, cancel: CancelToken | None) -> tuple[keras.Model, list[dict]]:
    """Seeded mini-batch training: one ``fit`` over all epochs, a whole epoch per graph call.

    Each epoch logs the training loss and the training MAE (cycles per series, dropout on); every few epochs
    (``TEST_POINTS`` in all, and the last) it also logs the held-out MAE, ``test_mae`` — measured only, never
    used to choose anything. Raises :class:`Cancelled` when ``cancel`` is set (checked between epochs).
    """
    if cancel is not None:
        cancel.raise_if_cancelled()
    model, loss = build(cfg, variant, max_frequency)
    x = model_inputs(cfg, variant, train_set.series)
    y = train_set.frequencies.reshape(-1, 1).astype(np.float32)
    steps_per_epoch = math.ceil(len(x) / cfg.batch_size)
    schedule = keras.optimizers.schedules.CosineDecay(cfg.learning_rate, decay_steps=cfg.epochs * steps_per_epoch,
                                                      alpha=0.02)
    model.compile(optimizer=keras.optimizers.Adam(schedule), loss=loss, metrics=["mae"],
                  steps_per_execution=steps_per_epoch)
    rng = np.random.default_rng([cfg.seed, 3, max_frequency, LEARNED.index(variant)])
    log = _EpochLog(cfg.epochs, test_inputs, test_frequencies, report, cancel)
    model.fit(batches(x, y, epochs=cfg.epochs, batch_size=cfg.batch_size, rng=rng), epochs=cfg.epochs,
              steps_per_epoch=steps_per_epoch, shuffle=False, verbose=0, callbacks=[log])
    if cancel is not None:
        cancel.raise_if_cancelled()
    return model, log.history


# -- evaluate -----------------------------------------------------------------------------------------------
def train_all(cfg: Config, max_frequency: int, tracker: ProgressTracker, cancel: CancelToken | None,
              pool: ThreadPoolExecutor, label: str = "") -> dict:
    """Start the three learned variants (side by side) at one max frequency; return futures + their sets."""
    sets = training_sets(cfg, max_frequency)
    test = held_out(cfg, max_frequency)
    futures = {}
    for variant in LEARNED:
        name = f"{variant}{label}"
        test_inputs = model_inputs(cfg, variant, test.series)
        report = (lambda name: lambda epoch, logs: tracker.report(name, epoch, cfg.epochs, logs))(name)
        futures[variant] = pool.submit(train, cfg, variant, max_frequency, sets[variant], test_inputs,
                                       test.frequencies, report, cancel)
    return {"futures": futures, "test": test}


def run(cfg: Config, progress=None, cancel: CancelToken | None = None) -> Result:
    """Train the learned estimators, run the FFT estimator, compare all on held-out series; SNR and sweep."""
    started = time.perf_counter()
    sweep_maxima = [f for f in cfg.sweep_frequencies() if f != cfg.max_frequency]
    names = [f"{v}{_label(f)}" for f in [None, *sweep_maxima] for v in LEARNED]
    tracker = ProgressTracker(progress, names)
    with ThreadPoolExecutor(max_workers=len(LEARNED)) as pool:
        main = train_all(cfg, cfg.max_frequency, tracker, cancel, pool)
        swept = {f: train_all(cfg, f, tracker, cancel, pool, _label(f)) for f in sweep_maxima}
        trained = {v: main["futures"][v].result() for v in LEARNED}
        swept_models = {f: {v: job["futures"][v].result()[0] for v in LEARNED} for f, job in swept.items()}
    models = {v: trained[v][0] for v in LEARNED}
    history = {v: trained[v][1] for v in LEARNED}
    test = main["test"]

    predictions = {v: predict(models[v], model_inputs(cfg, v, test.series)) for v in LEARNED}
    predictions["fft"] = estimators.estimate_frequency(test.series)
    metric_values = {}
    for variant in VARIANTS:
        metric_values[f"{variant}/mae"] = metrics.mae(test.frequencies, predictions[variant])
        metric_values[f"{variant}/rmse"] = metrics.rmse(test.frequencies, predictions[variant])

    snr = snr_sweep(cfg, models, test)
    for variant in VARIANTS:
        levels = snr["levels_db"] if variant == "fft" else snr["learned_levels_db"]
        for level, value in zip(levels, snr["rmse"][variant]):
            if level in SNR_LEVELS_DB:
                metric_values[f"snr/{variant}/rmse_{level}"] = value
    for level, value in zip(snr["levels_db"], snr["crlb"]):
        if level in SNR_LEVELS_DB:
            metric_values[f"snr/crlb/rmse_{level}"] = value

    sweep = max_frequency_sweep(cfg, metric_values, swept, swept_models) if cfg.sweep_frequencies() else None
    if sweep is not None:
        for variant in VARIANTS:
            for f, value in zip(sweep["max_frequencies"], sweep["mae"][variant]):
                metric_values[f"sweep/{variant}/mae_max_{f}"] = value

    artifacts = _artifacts(cfg, test, predictions, snr, sweep)
    return Result(scenario="sine_frequency", config=cfg.to_dict(), metrics=metric_values, history=history,
                  artifacts=artifacts, models={v: inference_copy(m) for v, m in models.items()},
                  seconds=time.perf_counter() - started)


def _label(max_frequency: int | None) -> str:
    return "" if max_frequency is None else f" (max {max_frequency})"


def _artifacts(cfg: Config, test: data.SineSet, predictions: dict, snr: dict, sweep: dict | None) -> dict:
    """Everything the page draws, rounded and small (no TensorFlow needed to draw a cached run)."""
    rnd = lambda values, digits=4: np.round(np.asarray(values, float), digits)  # noqa: E731
    by_frequency = np.argsort(test.frequencies, kind="stable")  # examples spread from low to high frequency
    shown = by_frequency[np.linspace(0, len(test) - 1, min(EXAMPLES_SHOWN, len(test))).astype(int)]
    return {
        "unit": "cycles per series",
        "series_length": cfg.series_length,
        "nyquist": data.nyquist(cfg.series_length),
        "max_frequency": cfg.max_frequency,
        "training_series": {"naive_lstm": cfg.max_frequency, "fixed_lstm": cfg.training_series(),
                            "dense": cfg.training_series()},
        "held_out": {"true": rnd(test.frequencies), "predicted": {v: rnd(p) for v, p in predictions.items()}},
        "examples": {"time": rnd(data.series_time(cfg.series_length), 5),
                     "series": rnd(test.series[shown], 3), "true": rnd(test.frequencies[shown]),
                     "estimated": {v: rnd(p[shown]) for v, p in predictions.items()}},
        "snr": {"levels_db": snr["levels_db"], "learned_levels_db": snr["learned_levels_db"],
                "rmse": {v: rnd(values, 6) for v, values in snr["rmse"].items()},
                "fft_plain": rnd(snr["fft_plain"], 6), "crlb": rnd(snr["crlb"], 6)},
        "sweep": None if sweep is None else {
            "max_frequencies": sweep["max_frequencies"], "seed_train_mae": sweep["seed_train_mae"],
            "mae": {v: rnd(values) for v, values in sweep["mae"].items()}},
    }
