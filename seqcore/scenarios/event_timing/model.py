"""Event timing: why a model trained with MSE predicts a blur where a person would predict a sharp 8.

Pitfall: two 5s are followed 3 to 5 months later by an 8 and then a 4, and nothing in the history says which
delay this time. Trained with MSE, the network's best answer is the per-month average over the possible
delays — a low smear — because MSE compares month t with month t only: a sharp 8 one month off is punished
twice (a miss and a false alarm), a flat 2.7 everywhere only a little.
Fix: a loss that compares shapes under the best alignment in time. Soft-DTW (Cuturi & Blondel, ICML 2017) is
a smooth dynamic time warping: a sharp 8 one month off costs almost nothing. DILATE (Le Guen & Thome, NeurIPS
2019) adds a temporal term that charges the soft alignment for how far it has to warp, so the peak is sharp
and, on average, at the right month.
Reference: seed 000 (``shared/seeds``); the losses live in ``seqcore.losses``, the metrics (DTW, TDI, peak
errors) in ``seqcore.metrics``.

All three variants share the seed's network — a bidirectional LSTM with a per-month linear head — and its seed;
only the loss differs. The network sees values / scale (magnitude / 10, as in the seed); predictions and
every metric are reported in the data's own units (magnitudes, months).
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import keras
import numpy as np
import tensorflow as tf

from seqcore import losses, metrics
from seqcore.result import Result
from seqcore.scenarios.event_timing import data
from seqcore.scenarios.event_timing.config import Config
from seqcore.training import CancelToken, LayerSeeds, ProgressTracker

VARIANTS = ("mse", "soft_dtw", "dilate")
SHOWN_WINDOWS = 6  # held-out windows whose predictions and alignments the page can draw
PART_WINDOWS = 200  # training windows on which the DILATE parts are measured after every epoch
PEAK_STEPS, PEAK_HEIGHT = 1, 1.0  # a predicted peak "hits" within 1 month and 1 magnitude of the true one


# -- model --------------------------------------------------------------------------------------------------
def build_model(cfg: Config, steps: int) -> keras.Model:
    """The seed's network: a bidirectional LSTM over the history, then one linear output per future step."""
    seeds = LayerSeeds(cfg.seed)
    history = keras.Input(shape=(steps, 1), name="history")
    hidden = keras.layers.Bidirectional(keras.layers.LSTM(cfg.units, return_sequences=True, **seeds.recurrent()),
                                        backward_layer=keras.layers.LSTM(cfg.units, return_sequences=True,
                                                                         go_backwards=True,
                                                                         **seeds.recurrent()),
                                        name="bilstm")(history)
    future = keras.layers.Dense(1, name="head", **seeds.dense())(hidden)
    return keras.Model(history, future, name="event_timing")


def make_loss(variant: str, cfg: Config) -> keras.losses.Loss:
    if variant == "mse":
        return keras.losses.MeanSquaredError()
    if variant == "soft_dtw":
        return losses.SoftDTW(gamma=cfg.gamma)
    if variant == "dilate":
        return losses.Dilate(alpha=cfg.alpha, gamma=cfg.gamma)
    raise ValueError(f"variant: must be one of {', '.join(VARIANTS)}; received {variant!r}")


# -- train --------------------------------------------------------------------------------------------------
@tf.function  # one trace per (shape, α, γ); shapes are never relaxed: the DP needs the number of steps
def _mean_dilate_parts(y_true, y_pred, alpha, gamma):
    _, shape, temporal = losses.dilate(y_true, y_pred, alpha, gamma)
    return tf.reduce_mean(shape), tf.reduce_mean(temporal)


def dilate_parts(y_true: np.ndarray, y_pred: np.ndarray, alpha: float, gamma: float) -> tuple[float, float]:
    """Mean DILATE shape and temporal parts of a batch of predictions (compiled once per α, γ and shape)."""
    shape, temporal = _mean_dilate_parts(tf.constant(y_true), tf.constant(y_pred), float(alpha), float(gamma))
    return float(shape), float(temporal)


def batch_order(count: int, batch_size: int, epochs: int, seed: int) -> list[list[np.ndarray]]:
    """Seeded batches for every epoch: a fresh permutation each epoch, cut into full batches only.

    The remainder of a permutation is left out of that epoch (it is in the next ones): every step then has
    the same shape, so the training step is traced once, not twice.
    """
    rng = np.random.default_rng([seed, 7])
    size = min(batch_size, count)
    full = count // size
    return [np.split(rng.permutation(count)[:full * size], full) for _ in range(epochs)]


def train_variant(cfg: Config, variant: str, dataset: data.Dataset, tracker: ProgressTracker,
                  cancel: CancelToken | None) -> tuple[keras.Model, list[dict]]:
    """Train one variant on values / scale, one compiled step per batch; after every epoch log the mean
    training loss and DILATE's shape and temporal parts on a fixed sample of training windows."""
    model = build_model(cfg, dataset.train_features.shape[1])
    batches = batch_order(len(dataset.train_features), cfg.batch_size, cfg.epochs, cfg.seed)
    schedule = keras.optimizers.schedules.CosineDecay(cfg.learning_rate, alpha=0.05,
                                                      decay_steps=max(1, sum(len(e) for e in batches)))
    model.compile(optimizer=keras.optimizers.Adam(schedule), loss=make_loss(variant, cfg))
    x = (dataset.train_features / dataset.scale).astype(np.float32)
    y = (dataset.train_labels / dataset.scale).astype(np.float32)
    probe_x, probe_y = x[:PART_WINDOWS], y[:PART_WINDOWS]
    history = []
    for epoch, epoch_batches in enumerate(batches, start=1):
        if cancel is not None:
            cancel.raise_if_cancelled()
        step_losses = [model.train_on_batch(x[rows], y[rows], return_dict=True)["loss"] for rows in epoch_batches]
        shape, temporal = dilate_parts(probe_y, model.predict_on_batch(probe_x), cfg.alpha, cfg.gamma)
        logs = {"loss": float(np.mean(step_losses)), "shape": float(shape), "temporal": float(temporal)}
        history.append(logs)
        tracker.report(variant, epoch, cfg.epochs, logs)
    return model, history


# -- evaluate -----------------------------------------------------------------------------------------------
def score(dataset: data.Dataset, predicted: np.ndarray) -> dict[str, float]:
    """MSE, DTW and TDI on every held-out window; peak errors on the windows that hold an event."""
    truth = dataset.test_labels
    dtw_values, tdi_values, _ = metrics.dtw_alignment(truth, predicted)
    scores = {"mse": metrics.mse(truth, predicted), "dtw": float(np.mean(dtw_values)),
              "tdi": float(np.mean(tdi_values))}
    if dataset.is_event_data and dataset.test_has_event.any():
        events = dataset.test_has_event
        scores["peak_time_error"] = metrics.peak_time_error(truth[events], predicted[events])
        scores["peak_height_error"] = metrics.peak_height_error(truth[events], predicted[events])
        scores["peak_hit_rate"] = metrics.peak_hit_rate(truth[events], predicted[events], steps=PEAK_STEPS,
                                                        height=PEAK_HEIGHT)
    return scores


def shown_windows(dataset: data.Dataset) -> np.ndarray:
    """Which held-out windows the page offers: event windows first (the interesting ones), then a quiet one."""
    order = np.arange(len(dataset.test_labels))
    if dataset.is_event_data:
        events, quiet = order[dataset.test_has_event], order[~dataset.test_has_event]
        order = np.concatenate([events[:SHOWN_WINDOWS - 1], quiet[:1], events[SHOWN_WINDOWS - 1:]])
    return np.sort(order[:SHOWN_WINDOWS]) if dataset.name == "seed" else order[:SHOWN_WINDOWS]


def alignment_artifacts(cfg: Config, dataset: data.Dataset, chosen: np.ndarray,
                        predictions: dict[str, np.ndarray]) -> dict:
    """For each shown window and variant: the soft alignment E (what DILATE's temporal term weighs) and the
    hard DTW path, between the true future and the prediction."""
    truth = dataset.test_labels[chosen] / dataset.scale
    soft, hard = {}, {}
    for variant, predicted in predictions.items():
        path = losses.soft_alignment(truth, predicted[chosen] / dataset.scale, cfg.gamma)
        soft[variant] = np.round(np.asarray(path), 4)
        hard[variant] = metrics.dtw_alignment(dataset.test_labels[chosen], predicted[chosen])[2]
    penalty = losses.time_penalty(truth.shape[1], truth.shape[1])
    return {"soft": soft, "hard_paths": hard, "time_penalty": np.round(penalty, 5), "gamma": cfg.gamma}


def peak_artifacts(dataset: data.Dataset, predictions: dict[str, np.ndarray]) -> dict | None:
    """Month and height of the true and of each predicted peak, for every held-out event window."""
    if not dataset.is_event_data or not dataset.test_has_event.any():
        return None
    truth = dataset.test_labels[dataset.test_has_event, :, 0]
    shown = {}
    for variant, predicted in predictions.items():
        values = predicted[dataset.test_has_event, :, 0]
        shown[variant] = {"month": np.argmax(values, axis=1), "height": np.round(values.max(axis=1), 3)}
    return {"true_month": np.argmax(truth, axis=1), "true_height": np.round(truth.max(axis=1), 3),
            "predicted": shown}


def run(cfg: Config, progress=None, cancel: CancelToken | None = None) -> Result:
    """Train the three variants on the same data and seed; score them on held-out windows."""
    started = time.perf_counter()
    dataset = data.load(cfg.dataset, steps=cfg.steps, train_windows=cfg.train_windows,
                        test_windows=cfg.test_windows, noise=cfg.noise, seed=cfg.seed)
    tracker = ProgressTracker(progress, list(VARIANTS))

    def train_and_predict(variant: str) -> dict:
        model, history = train_variant(cfg, variant, dataset, tracker, cancel)
        predicted = np.asarray(model.predict_on_batch(dataset.test_features / dataset.scale)) * dataset.scale
        return {"model": model, "history": history, "predicted": predicted}

    # The variants are independent: train them side by side (TensorFlow releases the GIL).
    with ThreadPoolExecutor(max_workers=len(VARIANTS)) as pool:
        done = dict(zip(VARIANTS, pool.map(train_and_predict, VARIANTS)))

    metric_values, table = {}, {}
    for variant in VARIANTS:
        table[variant] = score(dataset, done[variant]["predicted"])
        for name, value in table[variant].items():
            metric_values[f"{variant}/{name}"] = value
        metric_values[f"{variant}/train_loss"] = done[variant]["history"][-1]["loss"]

    chosen = shown_windows(dataset)
    predictions = {v: done[v]["predicted"] for v in VARIANTS}
    artifacts = {
        "dataset": dataset.name, "time_unit": dataset.time_unit, "value_unit": dataset.value_unit,
        "steps": int(dataset.test_labels.shape[1]), "notes": dataset.notes,
        "windows": {"index": chosen.tolist(),
                    "features": np.round(dataset.test_features[chosen, :, 0], 3),
                    "labels": np.round(dataset.test_labels[chosen, :, 0], 3),
                    "predicted": {v: np.round(predictions[v][chosen, :, 0], 3) for v in VARIANTS},
                    "has_event": (dataset.test_has_event[chosen].tolist() if dataset.is_event_data
                                  else [False] * len(chosen))},
        "table": table,
        "alignment": alignment_artifacts(cfg, dataset, chosen, predictions),
        "peaks": peak_artifacts(dataset, predictions),
        "paper": data.PAPER_SYNTHETIC_SEQ2SEQ if dataset.name == "dilate_synthetic" else None,
        "held_out_windows": int(len(dataset.test_labels)),
    }
    return Result(scenario="event_timing", config=cfg.to_dict(), metrics=metric_values,
                  history={v: done[v]["history"] for v in VARIANTS}, artifacts=artifacts,
                  models={v: done[v]["model"] for v in VARIANTS}, seconds=time.perf_counter() - started,
                  notes=list(dataset.notes))
