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

A fourth remedy removes the feedback loop altogether: the direct multi-step decoder reads the encoder's state
and outputs all Ty steps at once (no decoder input, so nothing differs between training and inference).

The four variants share the data, the encoder's initial weights, the batch order, the loss, the optimizer and
the number of epochs. The three feedback variants differ only in the probability of feeding the truth at each
training step (1, a decaying schedule, 0). ``keras.fit`` cannot express that (the decoder's input depends on
its own output), so each trains through ``seqcore.training.train`` with a custom step, :class:`FeedbackStep`:
the decoder unrolled over the horizon in one ``tf.function``; the direct variant trains through the same
trainer with :class:`DirectStep`, the same step without a loop. Reads top to bottom: data → model (the steps)
→ train → ``run``; ``evaluate.py`` scores every epoch and the final models, and shapes what the page draws.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import keras
import numpy as np
import tensorflow as tf

from seqcore import losses, training
from seqcore.progress_events import ProgressTracker
from seqcore.result import Result
from seqcore.scenarios.teacher_forcing import DIRECT, FEEDBACK, PITFALL, VARIANTS, data, networks
from seqcore.scenarios.teacher_forcing.artifacts import Artifacts, ShownWindows
from seqcore.scenarios.teacher_forcing.config import Config
from seqcore.scenarios.teacher_forcing.evaluate import (
    Scorer,
    default_sample,
    direct_forecast,
    evaluate_variant,
    feedback_forecast,
    masked_window_mses,
    rounded,
    thinned_schedule,
    truth_with_gaps,
)
from seqcore.scenarios.teacher_forcing.schedules import truth_probability
from seqcore.training import CancelToken

VALIDATION_WINDOWS = 500
WINDOWS_PER_SERIES = 4  # each synthetic series is cut into this many non-overlapping windows
# Offered by the page's picker and streamed live: the first window of each of the first 8 validation series (a
# fixed choice; windows cut from one series are alike, so consecutive windows would show only two series).
SAMPLES_SHOWN = 8
CLIP_NORM = 1.0  # free running can produce large gradients early on; clipping keeps the four comparable


# -- data ---------------------------------------------------------------------------------------------------
def make_data(cfg: Config) -> tuple[data.Windows, data.Windows]:
    """Training and validation windows from separate series (validation is never trained on)."""
    train_rng, validation_rng = (np.random.default_rng([cfg.seed, stream]) for stream in (0, 1))
    common = dict(
        input_length=cfg.input_length,
        horizon=cfg.horizon,
        kind=cfg.series,
        noise=cfg.noise,
        mask_rate=cfg.mask_rate,
        windows_per_series=WINDOWS_PER_SERIES,
    )
    return (
        data.make_windows(count=cfg.train_windows, rng=train_rng, **common),
        data.make_windows(count=VALIDATION_WINDOWS, rng=validation_rng, **common),
    )


def shown_windows(count: int) -> np.ndarray:
    """The validation windows the page offers: the first of each of the first ``SAMPLES_SHOWN`` series."""
    return np.arange(0, count, WINDOWS_PER_SERIES)[:SAMPLES_SHOWN]


def schedule_for(variant: str, cfg: Config, total_steps: int) -> np.ndarray:
    """Probability of feeding the truth at each training step for a feedback ``variant``."""
    if variant == "teacher_forcing":
        return np.ones(total_steps)
    if variant == "free_running":
        return np.zeros(total_steps)
    return truth_probability(cfg.schedule, total=total_steps, end=cfg.final_truth_probability)


# -- model: the custom training steps -----------------------------------------------------------------------
class ForecastStep:
    """One variant's training step, a custom step for :func:`seqcore.training.train`.

    Called with ``((history, decoder_inputs), targets)`` for one batch; :meth:`forecast` (the subclass's)
    is the forward pass the loss scores. The rest is the same for every variant: the loss is
    :class:`seqcore.losses.MaskedMSE` (missing targets add nothing); Adam with cosine decay and gradient
    clipping. The step keeps its own counter (a ``tf.Variable``), so the ``tf.function`` is traced once for
    the whole run.
    """

    def __init__(self, variables: list, *, learning_rate, input_length: int, horizon: int) -> None:
        self.variables = variables
        self.loss = losses.MaskedMSE()
        self.optimizer = keras.optimizers.Adam(learning_rate, global_clipnorm=CLIP_NORM)
        self.optimizer.build(variables)  # its slots exist before tracing: the step is traced only once
        self.steps_taken = tf.Variable(0, dtype=tf.int32, trainable=False, name="steps_taken")
        self._train = tf.function(
            self._train_step,
            input_signature=[
                tf.TensorSpec([None, input_length, 1]),
                tf.TensorSpec([None, horizon, 1]),
                tf.TensorSpec([None, horizon, 2]),
            ],
        )

    def __call__(self, inputs, targets) -> dict[str, tf.Tensor]:
        history, decoder_inputs = inputs
        return {"loss": self._train(history, decoder_inputs, targets)}

    def forecast(self, history, decoder_inputs, step):
        raise NotImplementedError

    def _train_step(self, history, decoder_inputs, targets):
        step = self.steps_taken.read_value()
        with tf.GradientTape() as tape:
            forecast = self.forecast(history, decoder_inputs, step)
            loss = self.loss(targets, forecast)
        gradients = tape.gradient(loss, self.variables)
        self.optimizer.apply_gradients(zip(gradients, self.variables))
        self.steps_taken.assign_add(1)
        return loss


class FeedbackStep(ForecastStep):
    """The decoder unrolled over the horizon: at each decoder step a seeded coin per window feeds the true
    previous value with this training step's probability, else the model's own previous prediction."""

    def __init__(self, layers: networks.SharedLayers, variables: list, probabilities: np.ndarray, *, seed: int, **kw):
        self.layers = layers
        self.probabilities = tf.constant(probabilities, tf.float32)
        self.seed = tf.constant(int(seed), tf.int32)
        super().__init__(variables, **kw)

    def forecast(self, history, decoder_inputs, step):
        probability = self.probabilities[tf.minimum(step, tf.shape(self.probabilities)[0] - 1)]
        coins = tf.random.stateless_uniform(tf.shape(decoder_inputs)[:2], tf.stack([self.seed, step]))
        return networks.unroll(self.layers, history, decoder_inputs, coins < probability)


class DirectStep(ForecastStep):
    """The direct decoder's step: the model itself, run in training mode on the history; the decoder inputs
    (the true previous values) are never read — at inference there are none."""

    def __init__(self, model: keras.Model, **kw):
        self.model = model
        super().__init__(model.trainable_variables, **kw)

    def forecast(self, history, decoder_inputs, step):
        return self.model(history, training=True)


# -- train --------------------------------------------------------------------------------------------------
def train_variant(
    cfg: Config,
    variant: str,
    train: data.Windows,
    validation: data.Windows,
    shown: np.ndarray,
    tracker: ProgressTracker,
    cancel: CancelToken | None,
) -> dict:
    """Train one variant; per epoch log the training loss and both validation MSEs.

    ``validation_teacher_forced`` feeds the decoder the true previous values (what a teacher-forced validation
    loss reports); ``validation_free_running`` feeds it its own predictions (what inference gets). The direct
    variant feeds nothing, so its two numbers are the same.
    """
    total_steps = cfg.epochs * training.steps_per_epoch(len(train), cfg.batch_size)
    common = dict(
        learning_rate=training.cosine_schedule(cfg.learning_rate, total_steps),
        input_length=cfg.input_length,
        horizon=cfg.horizon,
    )
    if variant == DIRECT:
        direct = networks.direct_model(
            units=cfg.units, input_length=cfg.input_length, horizon=cfg.horizon, seed=cfg.seed
        )
        step = DirectStep(direct, **common)
        built = {"model": direct, "step": step, "probabilities": None}
        forecast = direct_forecast(direct)
    else:
        probabilities = schedule_for(variant, cfg, total_steps)
        layers = networks.build_layers(units=cfg.units, seed=cfg.seed)  # the same initial weights for every variant
        training_model = networks.training_model(layers, input_length=cfg.input_length, horizon=cfg.horizon)
        step = FeedbackStep(layers, training_model.trainable_variables, probabilities, seed=cfg.seed, **common)
        built = {"layers": layers, "training_model": training_model, "step": step, "probabilities": probabilities}
        forecast = feedback_forecast(layers)
    scorer = Scorer(forecast, validation, shown)
    history = training.train(
        step,
        (train.history, train.decoder_inputs),
        train.targets,
        variants=variant,
        epochs=cfg.epochs,
        batch_size=cfg.batch_size,
        seed=cfg.seed,
        tracker=tracker,
        cancel=cancel,
        evaluate=scorer.evaluate,
        snapshot=scorer.snapshot,
    )
    return {**built, "history": history[variant]}


def run(cfg: Config, progress=None, cancel: CancelToken | None = None) -> Result:
    """Train all four variants on the same windows; score them on the same validation windows."""
    started = time.perf_counter()
    keys = [variant.key for variant in VARIANTS]
    tracker = ProgressTracker(progress, keys)
    train, validation = make_data(cfg)
    shown = shown_windows(len(validation))

    def train_and_evaluate(variant: str) -> dict:
        trained = train_variant(cfg, variant, train, validation, shown, tracker, cancel)
        return {**trained, **evaluate_variant(cfg, variant, trained, validation)}

    # The variants are independent: train them side by side (TensorFlow releases the GIL).
    with ThreadPoolExecutor(max_workers=len(keys)) as pool:
        done = dict(zip(keys, pool.map(train_and_evaluate, keys)))

    metric_values: dict[str, float] = {}
    pitfall_free = max(float(done[PITFALL]["free_running_mse"]), 1e-12)
    for variant in keys:
        for name in ("teacher_forced_mse", "free_running_mse", "gap"):
            metric_values[f"{variant}/{name}"] = float(done[variant][name])
        # The comparison the remedies are for: inference error against teacher forcing's inference error.
        metric_values[f"{variant}/vs_teacher_forcing"] = float(done[variant]["free_running_mse"]) / pitfall_free
        for step, value in enumerate(done[variant]["by_step"], start=1):
            metric_values[f"{variant}/mse_step_{step}"] = float(value)
    metric_values["check/inference_matches_training"] = max(done[v]["check"] for v in keys)

    shown_errors = {v: masked_window_mses(validation.targets[shown], done[v]["free"][shown]) for v in keys}
    steps_per_epoch = training.steps_per_epoch(len(train), cfg.batch_size)
    artifacts = Artifacts(
        input_length=cfg.input_length,
        horizon=cfg.horizon,
        mse_by_step={v: rounded(done[v]["by_step"], 6) for v in keys},
        schedule={v: thinned_schedule(done[v]["probabilities"], steps_per_epoch) for v in FEEDBACK},
        check={v: done[v]["check"] for v in keys},
        shown=ShownWindows(
            index=shown.tolist(),
            history=rounded(validation.history[shown, :, 0]),
            truth=truth_with_gaps(validation.targets[shown]),
            teacher_forced={v: rounded(done[v]["forced"][shown, :, 0]) for v in keys},
            free_running={v: rounded(done[v]["free"][shown, :, 0]) for v in keys},
            free_running_mse={v: rounded(shown_errors[v], 6) for v in keys},
        ),
        default_sample=default_sample(shown_errors[PITFALL]),
        replay=tracker.replay(),
    )
    return Result(
        scenario="teacher_forcing",
        config=cfg.to_dict(),
        metrics=metric_values,
        history={v: done[v]["history"] for v in keys},
        artifacts=artifacts,
        models={v: done[v]["inference"] for v in keys},
        seconds=time.perf_counter() - started,
    )
