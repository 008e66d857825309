"""Binary labels on a sine wave: which loss and label encoding a many-to-many RNN classifier needs.

Pitfall: the seed labels each step of a 2 Hz sine (1 kHz, windows of 20) with the class of the next sample,
1 for negative and 2 for positive. A one-unit linear head trained with MSE on those numbers works after a
fashion — its output is a number near 1 or 2, thresholded at 1.5, not a probability, and it strays outside
[1, 2]. Swapping in sparse softmax cross-entropy on the same one-unit head fails: sparse labels are class
indices, one unit has only index 0, and a softmax over one unit is constantly 1 (``broken.py`` records exactly
what TensorFlow says).
Fix: labels 0/1 and a loss made for them — two softmax units with one-hot targets (the seed's answer), or one
sigmoid unit with binary cross-entropy. Both output a probability that the next sample is positive, and the
reliability bins show how far to trust it.
Reference: seed 002 (``shared/seeds``), a many-to-many TensorFlow RNN on binary time-series labels.

All four variants share the recurrent body (same cell, width and seeded initial weights), the data and the batch
order; only the head, the loss and the target encoding differ (``encodings.HEADS``). The three that train are
updated together in one custom step (``joint.py``) through :func:`seqcore.training.train`; the broken one goes
through the same trainer on its own, so its error cannot stop the others. Reads top to bottom: data → model →
live predictions → train → ``run``; the page's records of the finished run are built in ``records.py``.
"""

from __future__ import annotations

import time

import keras
import numpy as np

from seqcore import training
from seqcore.progress_events import ProgressTracker
from seqcore.result import Result
from seqcore.scenarios.binary_labels import VARIANTS, broken, data, evaluation
from seqcore.scenarios.binary_labels.artifacts import Artifacts, Histogram, Reliability, Setup, SignChange
from seqcore.scenarios.binary_labels.config import Config
from seqcore.scenarios.binary_labels.encodings import BROKEN, HEADS, encode_targets, head, read_outputs
from seqcore.scenarios.binary_labels.joint import JointStep
from seqcore.scenarios.binary_labels.records import broken_record, default_sample, rounded, sample_records
from seqcore.training import CancelToken, LayerSeeds

KEYS = tuple(variant.key for variant in VARIANTS)
TRAINED = tuple(key for key in KEYS if HEADS[key].trains)  # trained together in one compiled step
CALIBRATED = ("mse_raw",) + tuple(key for key in KEYS if HEADS[key].probabilistic)  # reliability bins

SAMPLES_SHOWN = 8  # held-out windows whose steps the page draws ...
MAX_SHOWN_STEPS = 400  # ... at most this many window-steps in all, so a live snapshot stays under 20 KB
LOSS_CURVE_WINDOWS = 256  # held-out windows scored each epoch for the live curves
TRAIN_DRAWS, HELD_OUT_DRAW = 0, 1  # data streams: default_rng([seed, stream])


# -- data ---------------------------------------------------------------------------------------------------
def pick_samples(labels: np.ndarray, clean: np.ndarray, count: int = SAMPLES_SHOWN) -> list[int]:
    """Held-out windows worth drawing: sign changes at spread-out steps (rising and falling), then one
    all-positive and one all-negative window, each the deepest inside its half period (``clean``: the noiseless
    wave of every window), where the MSE model's output overshoots its label."""
    windows, steps = labels.shape
    change = np.abs(np.diff(labels.astype(np.int16), axis=1)) > 0
    first_change = np.where(change.any(axis=1), change.argmax(axis=1) + 1, -1)
    chosen: list[int] = []
    for position in np.unique(np.linspace(1, steps - 1, max(count - 2, 1)).round().astype(int)):
        rising = len(chosen) % 2 == 0
        candidates = np.flatnonzero((first_change == position) & (labels[:, position] == int(rising)))
        if len(candidates) == 0:
            candidates = np.flatnonzero(first_change == position)
        if len(candidates):
            chosen.append(int(candidates[0]))
    for flag in (1, 0):
        steady = np.flatnonzero((first_change < 0) & (labels[:, 0] == flag))
        if len(steady):
            chosen.append(int(steady[np.argmax(np.abs(clean[steady]).mean(axis=1))]))
    return chosen[:count]


def samples_shown(window_length: int) -> int:
    return max(1, min(SAMPLES_SHOWN, MAX_SHOWN_STEPS // window_length))


def epoch_data_for(cfg: Config, train: data.Stretch, variants: tuple[str, ...]):
    """The training windows for each epoch: drawn afresh (new input noise and label flips, when those are on)
    from one seeded stream, so every call — and every variant — sees the same data."""
    draws = np.random.default_rng([cfg.seed, TRAIN_DRAWS])
    first = train.draw(draws)
    noisy = cfg.input_noise > 0 or cfg.label_noise > 0

    def epoch_data(epoch: int):
        split = train.draw(draws) if noisy and epoch > 1 else first
        return split.inputs, {v: encode_targets(v, split.labels) for v in variants}

    return epoch_data


# -- model --------------------------------------------------------------------------------------------------
def build_model(cfg: Config, variant: str) -> keras.Model:
    """Recurrent body (every step returned) → per-step Dense head. The same seed gives every variant the
    same initial body."""
    output_layer = head(variant)
    seeds = LayerSeeds(cfg.seed)
    wave = keras.Input(shape=(None, 1), name="wave")
    cell = keras.layers.LSTM if cfg.cell == "lstm" else keras.layers.SimpleRNN
    hidden = cell(cfg.units, return_sequences=True, name="body", **seeds.recurrent())(wave)
    output = keras.layers.Dense(output_layer.units, activation=output_layer.activation, name="head", **seeds.dense())(
        hidden
    )
    return keras.Model(wave, output, name=variant)


def make_step(cfg: Config, variants: tuple[str, ...], windows: int, compiled: bool = True) -> JointStep:
    models = {variant: build_model(cfg, variant) for variant in variants}
    total = cfg.epochs * training.steps_per_epoch(windows, cfg.batch_size)
    return JointStep(models, learning_rate=cfg.learning_rate, total_steps=total, compiled=compiled)


# -- live predictions ---------------------------------------------------------------------------------------
def snapshot(variant: str, outputs: np.ndarray, truth: dict) -> dict:
    """What the live chart needs of one variant on the shown windows: the truth, the predicted class and (for
    heads with a number to draw) its estimate of P(next sample positive) — for MSE that is output − 1,
    unclipped, so its overshoot stays visible."""
    predicted, probability = read_outputs(variant, outputs)
    values = {**truth, "predicted": predicted.astype(int).tolist()}
    if variant == "mse_raw":
        values["estimate"] = rounded(outputs[..., 0] - 1.0)
    elif HEADS[variant].trains:
        values["estimate"] = rounded(probability)
    return values


def shown_truth(cfg: Config, held_out: data.Split, shown: list[int]) -> dict:
    """The shown windows' input and labels, and where they sit in time (a few numbers, not every time stamp)."""
    truth = {
        "input": rounded(held_out.inputs[shown, :, 0]),
        "label": held_out.labels[shown].astype(int).tolist(),
        "start_ms": [
            round((cfg.series_length + data.HELD_OUT_OFFSET + i) * 1000.0 / cfg.sample_rate, 3) for i in shown
        ],
        "step_ms": round(1000.0 / cfg.sample_rate, 6),
        "label_shift": cfg.label_shift,
    }
    if cfg.input_noise > 0:  # the noiseless wave too, so the chart can show what the noise hides
        truth["clean"] = rounded(held_out.clean[shown])
    return truth


def snapshots_of(step: JointStep, inputs: np.ndarray, truth: dict) -> dict:
    """One snapshot per variant the step trains (the snapshot itself when it trains one)."""
    outputs = step.predict(inputs)
    taken = {variant: snapshot(variant, outputs[variant], truth) for variant in step.models}
    return taken if len(taken) > 1 else next(iter(taken.values()))


# -- train --------------------------------------------------------------------------------------------------
def train_step(
    cfg: Config,
    step: JointStep,
    train: data.Stretch,
    held_out: data.Split,
    shown: list[int],
    tracker: ProgressTracker,
    cancel: CancelToken | None,
) -> dict[str, list[dict]]:
    """Train the step's models through the one trainer; per-epoch logs hold the training loss and the loss on
    a fixed slice of the held-out windows."""
    variants = tuple(step.models)
    epoch_data = epoch_data_for(cfg, train, variants)
    count_inputs, count_targets = epoch_data(1)  # tells the trainer how many windows an epoch has
    check_x = held_out.inputs[:LOSS_CURVE_WINDOWS]
    check_y = {v: encode_targets(v, held_out.labels[:LOSS_CURVE_WINDOWS]) for v in variants}
    truth = shown_truth(cfg, held_out, shown)
    return training.train(
        step,
        count_inputs,
        count_targets,
        variants=variants,
        epochs=cfg.epochs,
        batch_size=cfg.batch_size,
        seed=cfg.seed,
        tracker=tracker,
        cancel=cancel,
        evaluate=lambda: step.score(check_x, check_y),
        snapshot=lambda: snapshots_of(step, held_out.inputs[shown], truth),
        epoch_data=epoch_data,
    )


def train_broken(
    cfg: Config,
    train: data.Stretch,
    held_out: data.Split,
    shown: list[int],
    tracker: ProgressTracker,
    cancel: CancelToken | None,
):
    """Try the seed's failing set-up through the trainer; returns (its step, its history, what happened).
    When its first step raises (a CPU), nothing is trained and its one snapshot is the untrained head's
    "no class" at every step."""
    # On a CPU its first step raises: run that step eagerly, since tracing it would cost more than the step.
    step = make_step(cfg, (BROKEN,), train.windows, compiled=broken.device_name() != "CPU")
    history, record = broken.attempt_training(
        lambda: train_step(cfg, step, train, held_out, shown, tracker, cancel)[BROKEN]
    )
    if not history:  # nothing could be trained: report it done, drawn from the first epoch on
        still = snapshots_of(step, held_out.inputs[shown], shown_truth(cfg, held_out, shown))
        for epoch in sorted({1, cfg.epochs}):
            tracker.report(BROKEN, epoch, cfg.epochs, {}, still)
    return step, history, record


def run(cfg: Config, progress=None, cancel: CancelToken | None = None) -> Result:
    """Train every variant on the same windows and seed, then score them on the held-out windows."""
    started = time.perf_counter()
    tracker = ProgressTracker(progress, list(KEYS))
    train, held_out_stretch = data.make_stretches(cfg)
    held_out = held_out_stretch.draw(np.random.default_rng([cfg.seed, HELD_OUT_DRAW]))  # fixed; clean labels
    shown = pick_samples(held_out.labels, held_out.clean, samples_shown(cfg.window_length))

    broken_step, broken_history, failure = train_broken(cfg, train, held_out, shown, tracker, cancel)
    step = make_step(cfg, TRAINED, train.windows)
    history = train_step(cfg, step, train, held_out, shown, tracker, cancel)
    history[BROKEN] = broken_history

    outputs = step.predict(held_out.inputs)
    # An argmax or softmax over one unit ignores the unit's value, so the broken model's reading needs only
    # the shape of its output; its actual logits are computed for the windows the page shows.
    outputs[BROKEN] = np.zeros(held_out.labels.shape + (1,), np.float32)
    readings = {v: read_outputs(v, outputs[v]) for v in KEYS}
    broken_logits = broken_step.predict(held_out.inputs[shown])[BROKEN]

    labels = held_out.labels
    metric_values: dict[str, float] = {}
    for variant in KEYS:
        predicted, probability = readings[variant]
        raw = outputs[variant][..., 0] if variant == "mse_raw" else None
        metric_values.update(evaluation.variant_metrics(variant, labels, predicted, probability, raw=raw))

    current_positive = data.is_positive(held_out.clean)
    artifacts = Artifacts(
        setup=Setup(
            sample_rate=cfg.sample_rate,
            frequency=cfg.frequency,
            window_length=cfg.window_length,
            label_shift=cfg.label_shift,
            train_windows=int(train.windows),
            held_out_windows=int(len(labels)),
            held_out_positive_share=float(labels.mean()),
            held_out_offset_samples=cfg.series_length + data.HELD_OUT_OFFSET,
        ),
        samples=sample_records(cfg, held_out, shown, readings),
        default_sample=default_sample(labels, shown, readings["mse_raw"][1]),
        per_step_accuracy={v: np.round(evaluation.per_step_accuracy(labels, readings[v][0]), 5).tolist() for v in KEYS},
        sign_change={
            v: SignChange(**evaluation.sign_change_accuracy(labels, current_positive, readings[v][0])) for v in KEYS
        },
        reliability={v: Reliability(**evaluation.reliability_bins(labels, readings[v][1])) for v in CALIBRATED},
        mse_output_histogram=Histogram(**evaluation.output_histogram(outputs["mse_raw"][..., 0])),
        broken=broken_record(labels, shown, broken_logits, failure),
        replay=tracker.replay(),
    )
    models = {**step.models, BROKEN: broken_step.models[BROKEN]}
    return Result(
        scenario="binary_labels",
        config=cfg.to_dict(),
        metrics=metric_values,
        history={v: history[v] for v in KEYS},
        artifacts=artifacts,
        models={v: models[v] for v in KEYS},
        seconds=time.perf_counter() - started,
    )
