"""Teacher forcing, evaluate: score each variant on the validation windows, and shape what the page draws.

Every epoch, :class:`Scorer` runs the model both ways — fed the truth and fed its own predictions — for the two
logged MSEs and the live chart's snapshot; after training, :func:`evaluate_variant` adds the error per horizon
step and the check that inference matches the forward pass the training loss scored. Also the masked MSEs, the
window the page opens on and the thinned schedule curve. ``model.py`` trains and calls these; this module never
imports it (the direct variant's training step arrives as an argument).
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from seqcore.scenarios.teacher_forcing import DIRECT, data, networks
from seqcore.scenarios.teacher_forcing.artifacts import Schedule
from seqcore.scenarios.teacher_forcing.config import Config

# The page opens on the shown window whose free-running error (teacher forcing's model) is at this percentile
# of the shown windows: a typical bad case where the gap is plain to see — not the worst window.
DEFAULT_PERCENTILE = 75
DIGITS = 4  # live snapshots and shown values are rounded to this many decimals (the data's amplitude is ~1)
SNAPSHOT_HISTORY = 40  # history steps in a live snapshot: the context the chart needs, bounded for long histories
SCHEDULE_POINTS = 200  # the truth-probability curve is thinned to at most this many points


def rounded(values: np.ndarray, digits: int = DIGITS) -> list:
    """Plain nested lists rounded to ``digits`` (via float64, so no float32 noise such as 0.26669999957)."""
    return np.round(np.asarray(values, np.float64), digits).tolist()


def truth_with_gaps(targets: np.ndarray) -> list[list[float | None]]:
    """Target values as lists, ``None`` where a step is missing (charts leave a gap, CSV an empty cell)."""
    return [
        [None if missing else round(float(value), DIGITS) for value, missing in zip(window[:, 0], window[:, 1])]
        for window in targets
    ]


def masked_step_mse(targets: np.ndarray, forecast: np.ndarray) -> np.ndarray:
    """MSE at each horizon step over the windows where that step is present, shape (Ty,)."""
    present = 1.0 - targets[..., 1]
    squared = np.square(targets[..., 0] - forecast[..., 0]) * present
    return squared.sum(axis=0) / np.maximum(present.sum(axis=0), 1.0)


def masked_window_mses(targets: np.ndarray, forecast: np.ndarray) -> np.ndarray:
    """Each window's masked MSE (what ``MaskedMSE`` computes per sample), shape (n,)."""
    present = 1.0 - targets[..., 1]
    squared = np.square(targets[..., 0] - forecast[..., 0]) * present
    return squared.sum(axis=1) / np.maximum(present.sum(axis=1), 1.0)


def masked_window_mse(targets: np.ndarray, forecast: np.ndarray) -> float:
    """The training loss's number: each window's masked MSE, averaged over windows."""
    return float(np.mean(masked_window_mses(targets, forecast)))


def feedback_forecast(layers: networks.SharedLayers):
    """``forecast(history, decoder_inputs, feed_truth)`` for a feedback variant: the decoder fed the truth at
    every step (``feed_truth`` True) or its own predictions (False)."""
    return lambda history, decoder_inputs, feed_truth: networks.unroll(
        layers, history, decoder_inputs, tf.fill(tf.shape(decoder_inputs)[:2], feed_truth)
    )


def direct_forecast(model: keras.Model):
    """The same signature for the direct variant: nothing is fed, so both ways give the same forecast."""
    return lambda history, decoder_inputs, feed_truth: model(history, training=False)


class Scorer:
    """After every epoch, one pass over the validation windows both ways — fed the truth and fed its own
    predictions — gives the two logged MSEs (``evaluate``) and the shown windows' forecasts (``snapshot``)."""

    def __init__(self, forecast, validation: data.Windows, shown: np.ndarray) -> None:
        """``forecast(history, decoder_inputs, feed_truth)``: :func:`feedback_forecast` or :func:`direct_forecast`."""
        self.validation = validation
        self.shown = shown
        self.inputs = (tf.constant(validation.history), tf.constant(validation.decoder_inputs))
        self._forecast = tf.function(
            forecast,
            input_signature=[
                tf.TensorSpec([None, validation.history.shape[1], 1]),
                tf.TensorSpec([None, validation.decoder_inputs.shape[1], 1]),
                tf.TensorSpec([], tf.bool),
            ],
        )
        self.forced = self.free = None
        history = validation.history[shown, -SNAPSHOT_HISTORY:, 0]
        self._context = {"history": rounded(history), "truth": truth_with_gaps(validation.targets[shown])}

    def evaluate(self) -> dict[str, float]:
        self.forced = np.asarray(self._forecast(*self.inputs, tf.constant(True)))
        self.free = np.asarray(self._forecast(*self.inputs, tf.constant(False)))
        return {
            "validation_teacher_forced": masked_window_mse(self.validation.targets, self.forced),
            "validation_free_running": masked_window_mse(self.validation.targets, self.free),
        }

    def snapshot(self) -> dict:
        """The live chart's data: the shown windows' history and truth, and both forecasts (rounded). Before
        the first ``evaluate`` (the trainer's snapshot of the untrained model) only the shown windows are run."""
        if self.forced is None:
            history, decoder_inputs = (tf.gather(values, self.shown) for values in self.inputs)
            forced = np.asarray(self._forecast(history, decoder_inputs, tf.constant(True)))
            free = np.asarray(self._forecast(history, decoder_inputs, tf.constant(False)))
        else:
            forced, free = self.forced[self.shown], self.free[self.shown]
        return {**self._context, "teacher_forced": rounded(forced[:, :, 0]), "free_running": rounded(free[:, :, 0])}


def teacher_forced_by_steps(layers: networks.SharedLayers, windows: data.Windows) -> np.ndarray:
    """The encoder and decoder-step models in a Python loop, fed the true previous values (n, Ty, 1)."""
    encoder = networks.encoder_model(layers, input_length=windows.history.shape[1])
    step_model = networks.decoder_step_model(layers)
    state_h, state_c = (np.asarray(s) for s in encoder(windows.history, training=False))
    outputs = []
    for step in range(windows.decoder_inputs.shape[1]):
        previous = windows.decoder_inputs[:, step : step + 1]
        output, state_h, state_c = (np.asarray(t) for t in step_model([previous, state_h, state_c], training=False))
        outputs.append(output)
    return np.concatenate(outputs, axis=1)


def evaluate_variant(cfg: Config, variant: str, trained: dict, validation: data.Windows) -> dict:
    """Both MSEs, the error per horizon step and the consistency check, from the final models.

    The check compares the forward pass the training loss scored, fed the truth, with the inference model: for
    a feedback variant, the training model against the encoder and the step-by-step decoder; for the direct
    variant, its training step's forward pass (in training mode) against the inference model.
    """
    if variant == DIRECT:
        inference = trained["model"]
        forced = direct_training_forecast(trained["step"], validation)
        free = np.asarray(inference(validation.history, training=False))
        check = float(np.max(np.abs(forced - free)))
    else:
        inference = networks.inference_model(trained["layers"], input_length=cfg.input_length, horizon=cfg.horizon)
        inputs = [validation.history, validation.decoder_inputs]
        forced = np.asarray(trained["training_model"](inputs, training=False))
        free = np.asarray(inference(validation.history, training=False))
        check = float(np.max(np.abs(forced - teacher_forced_by_steps(trained["layers"], validation))))
    teacher_mse = masked_window_mse(validation.targets, forced)
    free_mse = masked_window_mse(validation.targets, free)
    return {
        "inference": inference,
        "teacher_forced_mse": teacher_mse,
        "free_running_mse": free_mse,
        "gap": free_mse / max(teacher_mse, 1e-12),
        "by_step": masked_step_mse(validation.targets, free),
        "check": check,
        "forced": forced,
        "free": free,
    }


def direct_training_forecast(step, windows: data.Windows) -> np.ndarray:
    """The direct variant's training forward pass — ``step`` is its :class:`model.DirectStep`, and its
    ``forecast`` what the loss scores — given the true previous values as the other variants' training passes
    are (n, Ty, 1)."""
    forecast = step.forecast(tf.constant(windows.history), tf.constant(windows.decoder_inputs), tf.constant(0))
    return np.asarray(forecast)


def default_sample(errors: np.ndarray, percentile: float = DEFAULT_PERCENTILE) -> int:
    """The index whose error is at ``percentile`` of ``errors`` (the nearest rank from below, so 75 of 8
    windows is the 6th smallest): a fixed rule, never the most flattering window."""
    order = np.argsort(errors, kind="stable")
    return int(order[int(np.floor(percentile / 100 * (len(errors) - 1) + 0.5))])


def thinned_schedule(values: np.ndarray, steps_per_epoch: int) -> Schedule:
    """At most ``SCHEDULE_POINTS`` points of a per-step curve, x in epochs."""
    index = np.unique(np.linspace(0, len(values) - 1, min(len(values), SCHEDULE_POINTS)).round().astype(int))
    return Schedule(epoch=rounded((index + 1) / steps_per_epoch), probability=rounded(values[index]))
