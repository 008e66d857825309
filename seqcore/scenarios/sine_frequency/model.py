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
fit, needs no training at all and sits on the Cramér–Rao bound — the floor no unbiased estimator can beat —
from a threshold SNR up (below it outliers dominate and no estimator follows the bound: ``snr.py``).
Reference: seed 004 (``shared/seeds``), a question on estimating a sine's frequency with a Keras LSTM.

Reads data → train → evaluate. Every learned variant trains through the one trainer (``seqcore.training.train``
with a ``KerasStep``: keras' compiled step on each seeded batch), the three side by side in
threads; each streams its estimates on a fixed held-out subset after every epoch for the page's live chart.
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

from seqcore import metrics
from seqcore.progress_events import ProgressTracker
from seqcore.result import Result
from seqcore.scenarios.sine_frequency import EXAMPLES_SHOWN, LEARNED, SNAPSHOT_POINTS, UNIT, data, estimators
from seqcore.scenarios.sine_frequency.artifacts import Artifacts, Examples, HeldOut, SnrSweep
from seqcore.scenarios.sine_frequency.config import SNR_LEVELS_DB, Config
from seqcore.scenarios.sine_frequency.networks import build, model_inputs, predict
from seqcore.scenarios.sine_frequency.snr import KEYS, snr_sweep
from seqcore.training import CancelToken, KerasStep, cosine_schedule, steps_per_epoch, train

TEST_POINTS = 20  # held-out evaluations per training run, for the training curves
LR_FLOOR = 0.02  # the learning rate decays to 2% of its start by the last step
DIGITS = 4  # estimates in artifacts and live snapshots


# -- data ---------------------------------------------------------------------------------------------------
def training_sets(cfg: Config) -> dict[str, data.SineSet]:
    """The naive set (one zero-phase series per whole frequency) and the fixed set (the config's recipe)."""
    snr = cfg.snr_db if cfg.noise else None
    naive = data.make_set(
        grid="integer",
        max_frequency=cfg.max_frequency,
        per_frequency=1,
        length=cfg.series_length,
        random_phase=False,
        snr_db=snr,
        rng=np.random.default_rng([cfg.seed, 1, cfg.max_frequency]),
    )
    fixed = data.make_set(
        grid=cfg.frequency_grid,
        max_frequency=cfg.max_frequency,
        per_frequency=cfg.series_per_frequency,
        length=cfg.series_length,
        random_phase=cfg.random_phase,
        snr_db=snr,
        rng=np.random.default_rng([cfg.seed, 0, cfg.max_frequency]),
    )
    return {"naive_lstm": naive, "fixed_lstm": fixed, "dense": fixed}


def held_out(cfg: Config) -> data.SineSet:
    return data.held_out_set(
        count=cfg.held_out_series,
        grid=cfg.frequency_grid,
        max_frequency=cfg.max_frequency,
        length=cfg.series_length,
        snr_db=cfg.snr_db if cfg.noise else None,
        rng=np.random.default_rng([cfg.seed, 2, cfg.max_frequency]),
    )


def shown_subset(count: int) -> np.ndarray:
    """The held-out rows the live chart draws: at most SNAPSHOT_POINTS, evenly spread (all of the default 200)."""
    return np.unique(np.linspace(0, count - 1, min(count, SNAPSHOT_POINTS)).round().astype(int))


# -- train --------------------------------------------------------------------------------------------------
class HeldOutWatch:
    """What the trainer asks after each epoch: the held-out MAE every few epochs (``TEST_POINTS`` in all, the
    first and the last) — measured only, never used to choose anything — and a snapshot of the estimates on the shown
    subset for the live chart (about 3 KB)."""

    def __init__(
        self, model: keras.Model, inputs: np.ndarray, frequencies: np.ndarray, epochs: int, shown: np.ndarray
    ) -> None:
        self.model, self.inputs, self.frequencies, self.epochs = model, inputs, frequencies, epochs
        self.every = math.ceil(epochs / TEST_POINTS)
        self.shown = shown
        self.epoch = 0
        self.predicted: tuple[int, np.ndarray] | None = None  # the last held-out estimates and their epoch

    def evaluate(self) -> dict[str, float]:
        self.epoch += 1  # called once after every epoch, before the snapshot
        if self.epoch % self.every and self.epoch not in (1, self.epochs):  # the first too: curves start there
            return {}
        self.predicted = (self.epoch, predict(self.model, self.inputs))
        return {"test_mae": metrics.mae(self.frequencies, self.predicted[1])}

    def snapshot(self) -> dict:
        fresh = self.predicted is not None and self.predicted[0] == self.epoch  # not before training (epoch 0)
        shown = self.predicted[1][self.shown] if fresh else predict(self.model, self.inputs[self.shown])
        return estimates_snapshot(self.frequencies[self.shown], shown)


def estimates_snapshot(true: np.ndarray, estimated: np.ndarray) -> dict:
    return {
        "true": np.round(np.asarray(true, float), DIGITS).tolist(),
        "predicted": np.round(np.asarray(estimated, float), DIGITS).tolist(),
    }


def train_variant(
    cfg: Config,
    variant: str,
    train_set: data.SineSet,
    test: data.SineSet,
    tracker: ProgressTracker,
    cancel: CancelToken | None,
) -> tuple[keras.Model, list[dict]]:
    """One learned variant through the one trainer; returns the trained model and its per-epoch logs.

    Each epoch logs the training loss and the training MAE (cycles per series, dropout on) and, every few
    epochs, the held-out MAE ``test_mae``, and streams a snapshot for the live chart. Raises ``Cancelled``
    when ``cancel`` is set.
    """
    model, loss = build(cfg, variant)
    x = model_inputs(cfg, variant, train_set.series)
    y = train_set.frequencies.reshape(-1, 1).astype(np.float32)
    steps = steps_per_epoch(len(x), cfg.batch_size)
    model.compile(
        optimizer=keras.optimizers.Adam(cosine_schedule(cfg.learning_rate, cfg.epochs * steps, LR_FLOOR)),
        loss=loss,
        metrics=["mae"],
    )
    watch = HeldOutWatch(
        model, model_inputs(cfg, variant, test.series), test.frequencies, cfg.epochs, shown_subset(len(test))
    )
    history = train(
        KerasStep(model),
        x,
        y,
        variants=variant,
        epochs=cfg.epochs,
        batch_size=cfg.batch_size,
        seed=cfg.seed,
        stream=(cfg.max_frequency, LEARNED.index(variant)),
        tracker=tracker,
        cancel=cancel,
        evaluate=watch.evaluate,
        snapshot=watch.snapshot,
    )
    return model, history[variant]


# -- evaluate -----------------------------------------------------------------------------------------------
def run(cfg: Config, progress=None, cancel: CancelToken | None = None) -> Result:
    """Train the learned estimators (side by side), run the FFT estimator, compare all on held-out series."""
    started = time.perf_counter()
    tracker = ProgressTracker(progress, list(LEARNED))
    if cancel is not None:
        cancel.raise_if_cancelled()
    sets = training_sets(cfg)
    test = held_out(cfg)
    with ThreadPoolExecutor(max_workers=len(LEARNED)) as pool:
        futures = {
            variant: pool.submit(train_variant, cfg, variant, sets[variant], test, tracker, cancel)
            for variant in LEARNED
        }
        trained = {v: futures[v].result() for v in LEARNED}
    models = {v: trained[v][0] for v in LEARNED}
    history = {v: trained[v][1] for v in LEARNED}

    predictions = {v: predict(models[v], model_inputs(cfg, v, test.series)) for v in LEARNED}
    predictions["fft"] = estimators.estimate_frequency(test.series)
    metric_values = {}
    for variant in KEYS:
        metric_values[f"{variant}/mae"] = metrics.mae(test.frequencies, predictions[variant])
        metric_values[f"{variant}/rmse"] = metrics.rmse(test.frequencies, predictions[variant])

    snr = snr_sweep(cfg, models, test)
    for variant in KEYS:
        levels = snr["levels_db"] if variant == "fft" else snr["learned_levels_db"]
        for level, value in zip(levels, snr["rmse"][variant]):
            if level in SNR_LEVELS_DB:
                metric_values[f"snr/{variant}/rmse_{level}"] = value
    for level, value in zip(snr["levels_db"], snr["crlb"]):
        if level in SNR_LEVELS_DB:
            metric_values[f"snr/crlb/rmse_{level}"] = value

    # The FFT does not train: its one snapshot stands from the first epoch on, beside the learned ones'.
    replay = tracker.replay()
    shown = shown_subset(len(test))
    replay["fft"] = [{"epoch": 1, **estimates_snapshot(test.frequencies[shown], predictions["fft"][shown])}]
    artifacts = _artifacts(cfg, test, predictions, snr, replay)
    return Result(
        scenario="sine_frequency",
        config=cfg.to_dict(),
        metrics=metric_values,
        history=history,
        artifacts=artifacts,
        models=models,  # the store saves them without optimizer state
        seconds=time.perf_counter() - started,
    )


def _artifacts(
    cfg: Config, test: data.SineSet, predictions: dict, snr: dict, replay: dict[str, list[dict]]
) -> Artifacts:
    """Everything the page draws, rounded and small (no TensorFlow needed to draw a cached run)."""

    def rounded(values, digits: int = DIGITS) -> list:
        return np.round(np.asarray(values, float), digits).tolist()

    by_frequency = np.argsort(test.frequencies, kind="stable")  # examples spread from low to high frequency
    shown = by_frequency[np.linspace(0, len(test) - 1, min(EXAMPLES_SHOWN, len(test))).astype(int)]
    return Artifacts(
        unit=UNIT,
        series_length=cfg.series_length,
        nyquist=data.nyquist(cfg.series_length),
        max_frequency=cfg.max_frequency,
        training_series={
            "naive_lstm": cfg.max_frequency,
            "fixed_lstm": cfg.training_series(),
            "dense": cfg.training_series(),
        },
        held_out=HeldOut(true=rounded(test.frequencies), predicted={v: rounded(p) for v, p in predictions.items()}),
        examples=Examples(
            time=rounded(data.series_time(cfg.series_length), 5),
            series=rounded(test.series[shown], 3),
            true=rounded(test.frequencies[shown]),
            estimated={v: rounded(p[shown]) for v, p in predictions.items()},
        ),
        snr=SnrSweep(
            levels_db=list(snr["levels_db"]),
            learned_levels_db=list(snr["learned_levels_db"]),
            rmse={v: rounded(values, 6) for v, values in snr["rmse"].items()},
            fft_plain=rounded(snr["fft_plain"], 6),
            crlb=rounded(snr["crlb"], 6),
            threshold_db=snr["threshold_db"],
        ),
        replay=replay,
    )
