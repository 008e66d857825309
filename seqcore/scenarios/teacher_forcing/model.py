"""Teacher forcing: why a seq2seq forecaster scores well in training and badly at inference.

Pitfall: an LSTM encoder–decoder trained with teacher forcing is always fed the true previous value, so its
validation loss measures one-step-ahead skill. At inference there is no truth to feed: each prediction goes back
in as the next input, small errors compound along the horizon, and the same model on the same validation
windows scores several times worse (the seed: 0.045 in training, 0.16 at inference). The inference model is not
built wrong — fed the true values, it reproduces the training model to float precision.
Fix: train the way the model will be used. Scheduled sampling (Bengio et al. 2015) starts with teacher forcing
and, step by step, feeds the model its own predictions more and more often; free running always does. Both
must learn to recover from their own errors, and their inference error is much lower.
Reference: seed 001 (``shared/seeds``), an encoder–decoder with a masked MSE whose inference model "never goes
below 0.14"; S. Bengio et al., "Scheduled Sampling for Sequence Prediction with RNNs", NeurIPS 2015.

The three variants share the data, the initial weights, the batch order and the number of epochs; they differ
only in the probability of feeding the truth at each training step (1, a decaying schedule, 0). One custom
training step serves all three: the decoder is unrolled over the horizon inside one ``tf.function``.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import keras
import numpy as np
import tensorflow as tf

from seqcore.losses import masked_mse
from seqcore.result import Result
from seqcore.scenarios.teacher_forcing import data, networks
from seqcore.scenarios.teacher_forcing.config import VARIANTS, Config
from seqcore.scenarios.teacher_forcing.schedules import truth_probability
from seqcore.training import CancelToken, ProgressTracker

VALIDATION_WINDOWS = 500
WINDOWS_PER_SERIES = 4  # each synthetic series is cut into this many non-overlapping windows
SAMPLES_SHOWN = 8  # validation windows kept for the page's picker
SCHEDULE_POINTS = 200  # the truth-probability curve is thinned to at most this many points
CLIP_NORM = 1.0  # free running can produce large gradients early on; clipping keeps the three comparable


# -- data ---------------------------------------------------------------------------------------------------
def make_data(cfg: Config) -> tuple[data.Windows, data.Windows]:
    """Training and validation windows from separate series (validation is never trained on)."""
    train_rng, validation_rng = (np.random.default_rng([cfg.seed, stream]) for stream in (0, 1))
    common = dict(input_length=cfg.input_length, horizon=cfg.horizon, kind=cfg.series, noise=cfg.noise,
                  mask_rate=cfg.mask_rate, windows_per_series=WINDOWS_PER_SERIES)
    return (data.make_windows(count=cfg.train_windows, rng=train_rng, **common),
            data.make_windows(count=VALIDATION_WINDOWS, rng=validation_rng, **common))


def schedule_for(variant: str, cfg: Config, total_steps: int) -> np.ndarray:
    """Probability of feeding the truth at each training step for ``variant``."""
    if variant == "teacher_forcing":
        return np.ones(total_steps)
    if variant == "free_running":
        return np.zeros(total_steps)
    return truth_probability(cfg.schedule, total=total_steps, end=cfg.final_truth_probability)


# -- train --------------------------------------------------------------------------------------------------
class Trainer:
    """One variant's layers, optimizer and compiled (traced once) training and scoring steps."""

    def __init__(self, cfg: Config, total_steps: int) -> None:
        self.cfg = cfg
        self.layers = networks.build_layers(units=cfg.units, seed=cfg.seed)
        self.training = networks.training_model(self.layers, input_length=cfg.input_length, horizon=cfg.horizon)
        schedule = keras.optimizers.schedules.CosineDecay(cfg.learning_rate, decay_steps=total_steps, alpha=0.05)
        self.optimizer = keras.optimizers.Adam(schedule, global_clipnorm=CLIP_NORM)
        self.variables = self.training.trainable_variables
        self.optimizer.build(self.variables)  # its slots exist before tracing: the step is traced only once
        signature = [tf.TensorSpec([None, cfg.input_length, 1]), tf.TensorSpec([None, cfg.horizon, 1]),
                     tf.TensorSpec([None, cfg.horizon, 2]), tf.TensorSpec([])]
        self.train_step = tf.function(self._train_step, input_signature=signature + [tf.TensorSpec([2], tf.int32)])
        self.score = tf.function(self._score, input_signature=signature)

    def _forecast(self, history, decoder_inputs, probability, coin_seed):
        coins = tf.random.stateless_uniform(tf.shape(decoder_inputs)[:2], coin_seed) < probability
        return networks.unroll(self.layers, history, decoder_inputs, coins)

    def _train_step(self, history, decoder_inputs, targets, probability, coin_seed):
        with tf.GradientTape() as tape:
            forecast = self._forecast(history, decoder_inputs, probability, coin_seed)
            loss = tf.reduce_mean(masked_mse(targets, forecast))
        gradients = tape.gradient(loss, self.variables)
        self.optimizer.apply_gradients(zip(gradients, self.variables))
        return loss

    def _score(self, history, decoder_inputs, targets, probability):
        """Mean masked MSE when fed the truth with ``probability`` (1: teacher-forced, 0: free running)."""
        forecast = self._forecast(history, decoder_inputs, probability, tf.constant([0, 0]))
        return tf.reduce_mean(masked_mse(targets, forecast))


def train_variant(cfg: Config, variant: str, train: data.Windows, validation: data.Windows,
                  tracker: ProgressTracker, cancel: CancelToken | None) -> tuple[Trainer, list[dict], np.ndarray]:
    """Train one variant; per epoch log the training loss and both validation MSEs.

    ``val_teacher_forced_mse`` feeds the decoder the true previous values (what a teacher-forced validation
    loss reports); ``val_free_running_mse`` feeds it its own predictions (what inference gets).
    """
    steps_per_epoch = -(-len(train) // cfg.batch_size)
    total_steps = cfg.epochs * steps_per_epoch
    probabilities = schedule_for(variant, cfg, total_steps).astype(np.float32)
    trainer = Trainer(cfg, total_steps)
    held_out = [tf.constant(a) for a in (validation.history, validation.decoder_inputs, validation.targets)]
    order_rng = np.random.default_rng([cfg.seed, 2])  # the same batch order for every variant
    history, step = [], 0
    for epoch in range(1, cfg.epochs + 1):
        if cancel is not None:
            cancel.raise_if_cancelled()
        order = order_rng.permutation(len(train))
        arrays = [tf.constant(a[order]) for a in (train.history, train.decoder_inputs, train.targets)]
        losses = []
        for start in range(0, len(train), cfg.batch_size):
            batch = [a[start:start + cfg.batch_size] for a in arrays]
            losses.append(trainer.train_step(*batch, tf.constant(probabilities[step]),
                                             tf.constant([cfg.seed, step], tf.int32)))
            step += 1
        logs = {"loss": float(np.mean(losses)),
                "val_teacher_forced_mse": float(trainer.score(*held_out, tf.constant(1.0))),
                "val_free_running_mse": float(trainer.score(*held_out, tf.constant(0.0)))}
        history.append(logs)
        tracker.report(variant, epoch, cfg.epochs, logs)
    return trainer, history, probabilities


# -- evaluate -----------------------------------------------------------------------------------------------
def masked_step_mse(targets: np.ndarray, forecast: np.ndarray) -> np.ndarray:
    """MSE at each horizon step over the windows where that step is present, shape (Ty,)."""
    present = 1.0 - targets[..., 1]
    squared = np.square(targets[..., 0] - forecast[..., 0]) * present
    return squared.sum(axis=0) / np.maximum(present.sum(axis=0), 1.0)


def masked_window_mse(targets: np.ndarray, forecast: np.ndarray) -> float:
    """The training loss's number: each window's masked MSE, averaged over windows."""
    present = 1.0 - targets[..., 1]
    squared = np.square(targets[..., 0] - forecast[..., 0]) * present
    return float(np.mean(squared.sum(axis=1) / np.maximum(present.sum(axis=1), 1.0)))


def teacher_forced_by_steps(layers: networks.SharedLayers, windows: data.Windows) -> np.ndarray:
    """The encoder and decoder-step models in a Python loop, fed the true previous values (n, Ty, 1)."""
    encoder = networks.encoder_model(layers, input_length=windows.history.shape[1])
    step_model = networks.decoder_step_model(layers)
    state_h, state_c = (np.asarray(s) for s in encoder(windows.history, training=False))
    outputs = []
    for step in range(windows.decoder_inputs.shape[1]):
        previous = windows.decoder_inputs[:, step:step + 1]
        output, state_h, state_c = (np.asarray(t) for t in step_model([previous, state_h, state_c],
                                                                       training=False))
        outputs.append(output)
    return np.concatenate(outputs, axis=1)


def evaluate_variant(trainer: Trainer, validation: data.Windows) -> dict:
    """Both MSEs, the error per horizon step and the consistency check, with the kept samples' forecasts."""
    cfg = trainer.cfg
    inference = networks.inference_model(trainer.layers, input_length=cfg.input_length, horizon=cfg.horizon)
    forced = np.asarray(trainer.training([validation.history, validation.decoder_inputs], training=False))
    free = np.asarray(inference(validation.history, training=False))
    by_steps = teacher_forced_by_steps(trainer.layers, validation)
    teacher_mse = masked_window_mse(validation.targets, forced)
    free_mse = masked_window_mse(validation.targets, free)
    return {"inference": inference, "teacher_forced_mse": teacher_mse, "free_running_mse": free_mse,
            "gap": free_mse / max(teacher_mse, 1e-12), "by_step": masked_step_mse(validation.targets, free),
            "check": float(np.max(np.abs(forced - by_steps))),
            "forced_samples": forced[:SAMPLES_SHOWN, :, 0], "free_samples": free[:SAMPLES_SHOWN, :, 0]}


def _thin(values: np.ndarray, steps_per_epoch: int) -> dict:
    """At most ``SCHEDULE_POINTS`` points of a per-step curve, x in epochs."""
    index = np.unique(np.linspace(0, len(values) - 1, min(len(values), SCHEDULE_POINTS)).round().astype(int))
    return {"epoch": np.round((index + 1) / steps_per_epoch, 4), "probability": np.round(values[index], 4)}


def run(cfg: Config, progress=None, cancel: CancelToken | None = None) -> Result:
    """Train all three variants on the same windows; score them on the same validation windows."""
    started = time.perf_counter()
    tracker = ProgressTracker(progress, list(VARIANTS))
    train, validation = make_data(cfg)

    def train_and_evaluate(variant: str) -> dict:
        trainer, history, probabilities = train_variant(cfg, variant, train, validation, tracker, cancel)
        return {"history": history, "probabilities": probabilities, **evaluate_variant(trainer, validation)}

    # The variants are independent: train them side by side (TensorFlow releases the GIL).
    with ThreadPoolExecutor(max_workers=len(VARIANTS)) as pool:
        done = dict(zip(VARIANTS, pool.map(train_and_evaluate, VARIANTS)))

    metric_values: dict[str, float] = {}
    for variant in VARIANTS:
        for name in ("teacher_forced_mse", "free_running_mse", "gap"):
            metric_values[f"{variant}/{name}"] = float(done[variant][name])
        for step, value in enumerate(done[variant]["by_step"], start=1):
            metric_values[f"{variant}/mse_step_{step}"] = float(value)
    metric_values["check/inference_matches_training"] = max(done[v]["check"] for v in VARIANTS)

    steps_per_epoch = -(-len(train) // cfg.batch_size)
    shown = slice(0, SAMPLES_SHOWN)
    artifacts = {
        "input_length": cfg.input_length,
        "horizon": cfg.horizon,
        "horizon_steps": list(range(1, cfg.horizon + 1)),
        "mse_by_step": {v: np.round(done[v]["by_step"], 6) for v in VARIANTS},
        "schedule": {v: _thin(done[v]["probabilities"], steps_per_epoch) for v in VARIANTS},
        "check": {v: done[v]["check"] for v in VARIANTS},
        "samples": {
            "history": np.round(validation.history[shown, :, 0], 4),
            "truth": np.round(validation.targets[shown, :, 0], 4),
            "missing": validation.targets[shown, :, 1].astype(int),
            "teacher_forced": {v: np.round(done[v]["forced_samples"], 4) for v in VARIANTS},
            "free_running": {v: np.round(done[v]["free_samples"], 4) for v in VARIANTS},
        },
    }
    return Result(scenario="teacher_forcing", config=cfg.to_dict(), metrics=metric_values,
                  history={v: done[v]["history"] for v in VARIANTS}, artifacts=artifacts,
                  models={v: done[v]["inference"] for v in VARIANTS}, seconds=time.perf_counter() - started)
