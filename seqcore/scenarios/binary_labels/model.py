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

All four variants share the recurrent body (same cell, width and seeded initial weights) and the batch order;
only the head, the loss and the target encoding differ (``encodings.py``).
"""

from __future__ import annotations

import time

import keras
import numpy as np
import tensorflow as tf

from seqcore.result import Result
from seqcore.scenarios.binary_labels import broken, data, evaluation
from seqcore.scenarios.binary_labels.config import Config
from seqcore.scenarios.binary_labels.encodings import (BROKEN, VARIANTS, encode_targets, encoding_table,
                                                       read_outputs, softmax)
from seqcore.scenarios.binary_labels.joint import JointTrainer
from seqcore.training import CancelToken, LayerSeeds, ProgressTracker

TRAINED = tuple(v for v in VARIANTS if v != BROKEN)  # trained together in one compiled step

SAMPLES_SHOWN = 8  # held-out windows whose steps the page draws
PROBE_WINDOWS = 4  # real windows replayed through the broken loss by hand
LOSS_CURVE_WINDOWS = 256  # held-out windows scored each epoch for the live curves

HEADS = {  # variant → (output units, output activation)
    "mse_raw": (1, None),
    "sparse_softmax_1unit": (1, None),  # logits, as in the seed's tf.nn call
    "sigmoid_bce": (1, "sigmoid"),
    "softmax_2class": (2, "softmax"),
}


# -- model --------------------------------------------------------------------------------------------------
def build_model(cfg: Config, variant: str) -> keras.Model:
    """Recurrent body (every step returned) → per-step Dense head. The same seed gives every variant the
    same initial body."""
    if variant not in HEADS:
        raise ValueError(f"variant: must be one of {', '.join(HEADS)}; received {variant!r}")
    seeds = LayerSeeds(cfg.seed)
    wave = keras.Input(shape=(None, 1), name="wave")
    cell = keras.layers.LSTM if cfg.cell == "lstm" else keras.layers.SimpleRNN
    hidden = cell(cfg.units, return_sequences=True, name="body", **seeds.recurrent())(wave)
    units, activation = HEADS[variant]
    output = keras.layers.Dense(units, activation=activation, name="head", **seeds.dense())(hidden)
    return keras.Model(wave, output, name=variant)


def loss_for(variant: str) -> keras.losses.Loss:
    if variant == "mse_raw":
        return keras.losses.MeanSquaredError()
    if variant == BROKEN:
        return keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    if variant == "sigmoid_bce":
        return keras.losses.BinaryCrossentropy()
    return keras.losses.CategoricalCrossentropy()


# -- train --------------------------------------------------------------------------------------------------
TARGET_SPECS = {  # variant → shape and dtype of one batch of targets (encodings.encode_targets)
    "mse_raw": tf.TensorSpec([None, None, 1], tf.float32),
    "sparse_softmax_1unit": tf.TensorSpec([None, None, 1], tf.int32),
    "sigmoid_bce": tf.TensorSpec([None, None, 1], tf.float32),
    "softmax_2class": tf.TensorSpec([None, None, 2], tf.float32),
}


def make_trainer(cfg: Config, models: dict[str, keras.Model], windows: int) -> JointTrainer:
    steps = cfg.epochs * int(np.ceil(windows / cfg.batch_size))
    return JointTrainer(models, {v: loss_for(v) for v in models}, learning_rate=cfg.learning_rate,
                        total_steps=steps, target_specs={v: TARGET_SPECS[v] for v in models})


def train_variants(cfg: Config, variants: tuple[str, ...], train: data.Stretch, held_out: data.Split,
                   tracker: ProgressTracker, cancel: CancelToken | None) -> tuple[dict, dict, JointTrainer]:
    """Train ``variants`` together (see ``joint.py``); returns (models, per-variant history, trainer).

    Every epoch draws the training windows afresh (new input noise and label flips, when those are on) from
    the same seeded stream, so every call sees the same data. The per-epoch logs carry the training loss and
    the loss on a fixed slice of the held-out windows.
    """
    models = {v: build_model(cfg, v) for v in variants}
    trainer = make_trainer(cfg, models, train.windows)
    draws = np.random.default_rng([cfg.seed, 0])
    fixed = None if cfg.input_noise > 0 or cfg.label_noise > 0 else train.draw(draws)

    def epoch_data(epoch: int):
        split = fixed if fixed is not None else train.draw(draws)
        return split.inputs, {v: encode_targets(v, split.labels) for v in variants}

    check_x = held_out.inputs[:LOSS_CURVE_WINDOWS]
    check_y = {v: encode_targets(v, held_out.labels[:LOSS_CURVE_WINDOWS]) for v in variants}

    def on_epoch(epoch: int, logs: dict) -> None:
        for variant, values in logs.items():
            tracker.report(variant, epoch, cfg.epochs, values)

    history = trainer.fit(epoch_data, epochs=cfg.epochs, batch_size=cfg.batch_size, seed=cfg.seed,
                          evaluate=lambda: trainer.score(check_x, check_y), on_epoch=on_epoch, cancel=cancel)
    for variant, model in models.items():
        compile_for_saving(cfg, model, variant)
    return models, history, trainer


def compile_for_saving(cfg: Config, model: keras.Model, variant: str) -> None:
    """Attach the variant's loss and a fresh, built Adam, so a saved ``.keras`` file carries them and loads
    without optimizer warnings (compiling traces nothing)."""
    model.compile(optimizer=keras.optimizers.Adam(cfg.learning_rate), loss=loss_for(variant))
    model.optimizer.build(model.trainable_variables)


def train_broken(cfg: Config, train: data.Stretch, held_out: data.Split, tracker: ProgressTracker,
                 cancel: CancelToken | None) -> tuple[keras.Model, list[dict], dict]:
    """Try the seed's failing set-up: one real training step first; train on only if TensorFlow lets it."""
    model = build_model(cfg, BROKEN)
    loss = loss_for(BROKEN)
    compile_for_saving(cfg, model, BROKEN)  # the set-up as the seed had it
    optimizer = keras.optimizers.Adam(cfg.learning_rate)
    split = train.draw(np.random.default_rng([cfg.seed, 0]))  # the first epoch's windows, as the others get
    first = np.random.default_rng(cfg.seed).permutation(len(split.labels))[:cfg.batch_size]
    x, y = split.inputs[first], encode_targets(BROKEN, split.labels[first])

    def first_step():
        with tf.GradientTape() as tape:
            value = loss(y, model(x, training=True))
        optimizer.apply(tape.gradient(value, model.trainable_variables), model.trainable_variables)
        return value

    def train_on() -> list[dict]:
        models, history, _ = train_variants(cfg, (BROKEN,), train, held_out, tracker, cancel)
        model.set_weights(models[BROKEN].get_weights())
        return history[BROKEN]

    history, record = broken.attempt_training(first_step, train_on)
    if not history:  # nothing could be trained: this variant is done
        tracker.report(BROKEN, cfg.epochs, cfg.epochs, {})
    return model, history, record


# -- evaluate -----------------------------------------------------------------------------------------------
def pick_samples(labels: np.ndarray, count: int = SAMPLES_SHOWN) -> list[int]:
    """Held-out windows worth drawing: sign changes at spread-out steps (rising and falling), then one
    all-positive and one all-negative window."""
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
            chosen.append(int(steady[len(steady) // 2]))
    return chosen[:count]


def sample_artifacts(cfg: Config, held_out: data.Split, indices: list[int], readings: dict) -> list[dict]:
    """The steps of a few held-out windows: input, clean wave, label and every variant's reading."""
    out = []
    for index in indices:
        start = cfg.series_length + data.HELD_OUT_OFFSET + index
        out.append({
            "window": index,
            "start_phase": round(float(held_out.start_phase[index]), 4),
            "time_ms": np.round((start + np.arange(cfg.window_length)) * 1000.0 / cfg.sample_rate, 3),
            "label_time_ms": np.round((start + cfg.label_shift + np.arange(cfg.window_length))
                                      * 1000.0 / cfg.sample_rate, 3),
            "input": np.round(held_out.inputs[index, :, 0], 4),
            "clean": np.round(held_out.clean[index], 4),
            "label": held_out.labels[index].astype(int),
            "predicted": {v: readings[v]["predicted"][index].astype(int) for v in VARIANTS},
            "probability": {v: np.round(readings[v]["probability"][index], 4) for v in VARIANTS},
            "raw": {v: np.round(readings[v]["raw"][index], 4) for v in VARIANTS},
        })
    return out


def run(cfg: Config, progress=None, cancel: CancelToken | None = None) -> Result:
    """Train every variant on the same windows and seed, then score them on the held-out windows."""
    started = time.perf_counter()
    tracker = ProgressTracker(progress, list(VARIANTS))
    train, held_out_stretch = data.make_stretches(cfg)
    held_out = held_out_stretch.draw(np.random.default_rng([cfg.seed, 1]))  # one fixed draw, clean labels

    broken_model, broken_history, failure = train_broken(cfg, train, held_out, tracker, cancel)
    models, history, trainer = train_variants(cfg, TRAINED, train, held_out, tracker, cancel)
    outputs = trainer.predict(held_out.inputs)
    models[BROKEN], history[BROKEN] = broken_model, broken_history
    # An argmax or softmax over one unit ignores the unit's value, so the broken model's reading needs only
    # the shape of its output; its actual logits are computed for the windows the page shows.
    outputs[BROKEN] = np.zeros(held_out.labels.shape + (1,), np.float32)
    done = {}
    for variant in VARIANTS:
        predicted, probability = read_outputs(variant, outputs[variant])
        done[variant] = {"raw": outputs[variant], "predicted": predicted, "probability": probability}
    shown = pick_samples(held_out.labels)
    broken_logits = np.asarray(broken_model(held_out.inputs[shown], training=False))
    done[BROKEN]["raw"][shown] = broken_logits

    labels = held_out.labels
    metric_values: dict[str, float] = {}
    for variant in VARIANTS:
        reading = done[variant]
        raw = reading["raw"][..., 0] if variant == "mse_raw" else None
        metric_values.update(evaluation.variant_metrics(variant, labels, reading["predicted"],
                                                        reading["probability"], raw=raw))

    probe_windows = shown[:PROBE_WINDOWS]  # windows with a sign change: both labels appear
    one_unit = softmax(broken_logits)  # what the broken head's "probabilities" are: all exactly 1
    broken_record = broken.probe(labels[probe_windows] + 1, broken_logits[:PROBE_WINDOWS])
    broken_record.update(fit=failure, reason=broken.REASON,
                         softmax_range=[float(np.min(one_unit)), float(np.max(one_unit))])

    readings = {v: {"predicted": done[v]["predicted"], "probability": done[v]["probability"],
                    "raw": done[v]["raw"][..., -1] if v != "softmax_2class" else done[v]["raw"][..., 1]}
                for v in VARIANTS}
    artifacts = {
        "setup": {"sample_rate": cfg.sample_rate, "frequency": cfg.frequency, "window_length": cfg.window_length,
                  "label_shift": cfg.label_shift, "train_windows": int(train.windows),
                  "held_out_windows": int(len(labels)), "held_out_positive_share": float(labels.mean()),
                  "held_out_offset_samples": cfg.series_length + data.HELD_OUT_OFFSET},
        "samples": sample_artifacts(cfg, held_out, shown, readings),
        "per_step_accuracy": {v: np.round(evaluation.per_step_accuracy(labels, done[v]["predicted"]), 5)
                              for v in VARIANTS},
        "sign_change": {v: evaluation.sign_change_accuracy(labels, data.is_positive(held_out.clean),
                                                           done[v]["predicted"]) for v in VARIANTS},
        "reliability": {v: evaluation.reliability_bins(labels, done[v]["probability"])
                        for v in ("mse_raw", "sigmoid_bce", "softmax_2class")},
        "mse_output_histogram": evaluation.output_histogram(done["mse_raw"]["raw"][..., 0]),
        "broken": broken_record,
        "encodings": encoding_table(),
    }
    return Result(scenario="binary_labels", config=cfg.to_dict(), metrics=metric_values,
                  history={v: history[v] for v in VARIANTS}, artifacts=artifacts,
                  models={v: models[v] for v in VARIANTS}, seconds=time.perf_counter() - started)

