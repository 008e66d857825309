"""Event timing: why a model trained with MSE predicts a blur where a person would predict a sharp 8.

Pitfall: two 5s are followed 3 to 5 months later by an 8 and then a 4, and the history only hints at which
delay this time (the gap between the 5s, right 7 times in 10 by default; not at all in the seed). Trained with
MSE, the network's best answer is the per-month average over the possible delays — a low smear — because MSE
compares month t with month t only: a sharp 8 one month off is punished twice (a miss and a false alarm).
Fix: a loss that compares shapes under the best alignment in time. Soft-DTW (Cuturi & Blondel, ICML 2017) is
a smooth dynamic time warping: a sharp 8 one month off costs almost nothing, so nothing teaches it when. DILATE
(Le Guen & Thome, NeurIPS 2019) adds a temporal term that charges the soft alignment for how far it has to warp,
so the peak is sharp and at the month the hint announces. Without a hint the two coincide: no loss can time the 8.
Reference: seed 000 (``shared/seeds``); the losses live in ``seqcore.losses``, the metrics (DTW, TDI, peak
errors) in ``seqcore.metrics``.

All three variants share one network (``networks.py``: the seed's bidirectional LSTM with a per-month linear head,
or the DILATE paper's GRU encoder–decoder) and its seed; only the loss differs, so each is a compiled keras model
trained by ``seqcore.training.train`` (a ``KerasStep``).
The network sees values / scale (magnitude / 10, as in the seed); predictions and every metric are reported in
the data's own units (magnitudes, months). Reads top to bottom: data → model → train → evaluate.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import keras
import numpy as np
import tensorflow as tf

from seqcore import losses, metrics, training
from seqcore.result import Result
from seqcore.scenarios.event_timing import VARIANTS, data, networks
from seqcore.scenarios.event_timing.artifacts import (
    Alignment,
    Artifacts,
    PaperTable,
    PeakPositions,
    Peaks,
    ShownWindows,
)
from seqcore.scenarios.event_timing.config import Config
from seqcore.training import CancelToken, KerasStep, ProgressTracker

SHOWN_WINDOWS = 6  # held-out windows whose forecasts and alignments the page can draw (and streamed live)
PART_WINDOWS = 200  # training windows on which the DILATE parts are measured after every epoch
PEAK_STEPS, PEAK_HEIGHT = 1, 1.0  # a predicted peak "hits" within 1 month and 1 magnitude of the true one
PAPER_SCALING = {"mse": 100, "dtw": 100, "tdi": 10}  # the paper's Table 1 reports MSE × 100, DTW × 100, TDI × 10
DIGITS = 3  # shown values are rounded to this many decimals (magnitudes; the paper's values are ~1)


# -- data ---------------------------------------------------------------------------------------------------
def load_data(cfg: Config) -> data.Dataset:
    return data.load(
        cfg.dataset,
        steps=cfg.steps,
        train_windows=cfg.train_windows,
        test_windows=cfg.test_windows,
        noise=cfg.noise,
        seed=cfg.seed,
        hint=cfg.hint,
    )


def shown_windows(dataset: data.Dataset) -> np.ndarray:
    """Which held-out windows the page offers: event windows first (the interesting ones), then a quiet one;
    more quiet ones only where there are too few events."""
    order = np.arange(len(dataset.test_labels))
    if dataset.is_event_data:
        events, quiet = order[dataset.test_has_event], order[~dataset.test_has_event]
        order = np.concatenate([events[: SHOWN_WINDOWS - 1], quiet[:1], events[SHOWN_WINDOWS - 1 :], quiet[1:]])
    return np.sort(order[:SHOWN_WINDOWS]) if dataset.name == "seed" else order[:SHOWN_WINDOWS]


def rounded(values: np.ndarray, digits: int = DIGITS) -> list:
    """Plain nested lists rounded to ``digits`` (via float64, so no float32 noise)."""
    return np.round(np.asarray(values, np.float64), digits).tolist()


# -- model --------------------------------------------------------------------------------------------------
def build_model(cfg: Config, steps: int) -> keras.Model:
    """The configured network (``networks.py``): the seed's BiLSTM or the paper's GRU encoder–decoder."""
    if cfg.network == "seq2seq_gru":
        return networks.seq2seq_gru(units=cfg.units, history_steps=steps, future_steps=steps, seed=cfg.seed)
    return networks.bilstm(units=cfg.units, steps=steps, seed=cfg.seed)


def make_loss(variant: str, cfg: Config) -> keras.losses.Loss:
    if variant == "mse":
        return keras.losses.MeanSquaredError()
    if variant == "soft_dtw":
        return losses.SoftDTW(gamma=cfg.gamma)
    if variant == "dilate":
        return losses.Dilate(alpha=cfg.alpha, gamma=cfg.gamma)
    raise ValueError(f"variant: must be one of {', '.join(v.key for v in VARIANTS)}; received {variant!r}")


# -- train --------------------------------------------------------------------------------------------------
@tf.function  # one trace per (shape, α, γ); shapes are never relaxed: the DP needs the number of steps
def _mean_dilate_parts(y_true, y_pred, alpha, gamma):
    _, shape, temporal = losses.dilate(y_true, y_pred, alpha, gamma)
    return tf.reduce_mean(shape), tf.reduce_mean(temporal)


def dilate_parts(y_true: np.ndarray, y_pred: np.ndarray, alpha: float, gamma: float) -> tuple[float, float]:
    """Mean DILATE shape and temporal parts of a batch of predictions (compiled once per α, γ and shape)."""
    shape, temporal = _mean_dilate_parts(tf.constant(y_true), tf.constant(y_pred), float(alpha), float(gamma))
    return float(shape), float(temporal)


class Probe:
    """After every epoch, one forward pass over a fixed sample of training windows and the shown held-out
    windows: DILATE's two parts on the first (``evaluate``: every variant measured on both), the live
    chart's forecasts on the second (``snapshot``)."""

    def __init__(
        self, model: keras.Model, cfg: Config, dataset: data.Dataset, x: np.ndarray, y: np.ndarray, chosen: np.ndarray
    ) -> None:
        self.model, self.cfg, self.scale = model, cfg, dataset.scale
        self.targets = y[:PART_WINDOWS]
        self.inputs = np.concatenate([x[:PART_WINDOWS], dataset.test_features[chosen] / dataset.scale]).astype(
            np.float32
        )
        self.forecast = None
        self._context = {
            "history": rounded(dataset.test_features[chosen, :, 0]),
            "truth": rounded(dataset.test_labels[chosen, :, 0]),
            "time_unit": dataset.time_unit,
            "value_unit": dataset.value_unit,
        }

    def evaluate(self) -> dict[str, float]:
        predicted = np.asarray(self.model.predict_on_batch(self.inputs))
        self.forecast = predicted[len(self.targets) :, :, 0] * self.scale
        shape, temporal = dilate_parts(self.targets, predicted[: len(self.targets)], self.cfg.alpha, self.cfg.gamma)
        return {"shape": shape, "temporal": temporal}

    def snapshot(self) -> dict:
        """The live chart's data: the shown windows' history and true future, and this variant's forecast. Before
        the first ``evaluate`` (the trainer's snapshot of the untrained model) only the shown windows are run."""
        if self.forecast is None:
            shown = self.inputs[len(self.targets) :]
            self.forecast = np.asarray(self.model.predict_on_batch(shown))[:, :, 0] * self.scale
        return {**self._context, "predicted": rounded(self.forecast)}


def train_variant(
    cfg: Config,
    variant: str,
    dataset: data.Dataset,
    chosen: np.ndarray,
    tracker: ProgressTracker,
    cancel: CancelToken | None,
) -> tuple[keras.Model, list[dict]]:
    """Train one variant on values / scale; after every epoch log the training loss (its own loss) and
    DILATE's shape and temporal parts on a fixed sample of training windows."""
    x = (dataset.train_features / dataset.scale).astype(np.float32)
    y = (dataset.train_labels / dataset.scale).astype(np.float32)
    model = build_model(cfg, x.shape[1])
    total_steps = cfg.epochs * training.steps_per_epoch(len(x), cfg.batch_size)
    model.compile(
        optimizer=keras.optimizers.Adam(training.cosine_schedule(cfg.learning_rate, total_steps)),
        loss=make_loss(variant, cfg),
    )
    probe = Probe(model, cfg, dataset, x, y, chosen)
    history = training.train(
        KerasStep(model),
        x,
        y,
        variants=variant,
        epochs=cfg.epochs,
        batch_size=cfg.batch_size,
        seed=cfg.seed,
        tracker=tracker,
        cancel=cancel,
        evaluate=probe.evaluate,
        snapshot=probe.snapshot,
    )
    return model, history[variant]


# -- evaluate -----------------------------------------------------------------------------------------------
def score(dataset: data.Dataset, predicted: np.ndarray) -> dict[str, float]:
    """MSE, DTW and TDI on every held-out window; peak errors on the windows that hold an event."""
    truth = dataset.test_labels
    dtw_values, tdi_values, _ = metrics.dtw_alignment(truth, predicted)
    scores = {
        "mse": metrics.mse(truth, predicted),
        "dtw": float(np.mean(dtw_values)),
        "tdi": float(np.mean(tdi_values)),
    }
    if dataset.name == "dilate_synthetic":  # also in the paper's scaling (its Table 1), to read beside it
        scores.update({f"{name}_x{factor}": factor * scores[name] for name, factor in PAPER_SCALING.items()})
    if dataset.is_event_data and dataset.test_has_event.any():
        events = dataset.test_has_event
        scores["peak_time_error"] = metrics.peak_time_error(truth[events], predicted[events])
        scores["peak_height_error"] = metrics.peak_height_error(truth[events], predicted[events])
        scores["peak_hit_rate"] = metrics.peak_hit_rate(
            truth[events], predicted[events], steps=PEAK_STEPS, height=PEAK_HEIGHT
        )
    return scores


def alignment_artifacts(
    cfg: Config, dataset: data.Dataset, chosen: np.ndarray, predictions: dict[str, np.ndarray]
) -> Alignment:
    """For each shown window and variant: the soft alignment E (what DILATE's temporal term weighs) and the
    hard DTW path, between the true future and the prediction."""
    truth = dataset.test_labels[chosen] / dataset.scale
    soft, hard = {}, {}
    for variant, predicted in predictions.items():
        path = losses.soft_alignment(truth, predicted[chosen] / dataset.scale, cfg.gamma)
        soft[variant] = rounded(path, 4)
        paths = metrics.dtw_alignment(dataset.test_labels[chosen], predicted[chosen])[2]
        hard[variant] = [[[int(i), int(j)] for i, j in path] for path in paths]
    return Alignment(soft=soft, hard_paths=hard, gamma=float(cfg.gamma))


def peak_artifacts(dataset: data.Dataset, predictions: dict[str, np.ndarray]) -> Peaks | None:
    """Month and height of the true and of each predicted peak, for every held-out event window."""
    if not dataset.is_event_data or not dataset.test_has_event.any():
        return None
    truth = dataset.test_labels[dataset.test_has_event, :, 0]
    predicted = {}
    for variant, values in predictions.items():
        values = values[dataset.test_has_event, :, 0]
        predicted[variant] = PeakPositions(month=np.argmax(values, axis=1).tolist(), height=rounded(values.max(axis=1)))
    return Peaks(
        true_month=np.argmax(truth, axis=1).tolist(), true_height=rounded(truth.max(axis=1)), predicted=predicted
    )


def default_sample(has_event: list[bool]) -> int:
    """The window the page opens on: the first shown one that holds an event (where MSE's blur shows)."""
    return next((i for i, event in enumerate(has_event) if event), 0)


def run(cfg: Config, progress=None, cancel: CancelToken | None = None) -> Result:
    """Train the three variants on the same data and seed; score them on held-out windows."""
    started = time.perf_counter()
    dataset = load_data(cfg)
    keys = [variant.key for variant in VARIANTS]
    tracker = ProgressTracker(progress, keys)
    chosen = shown_windows(dataset)

    def train_and_predict(variant: str) -> dict:
        model, history = train_variant(cfg, variant, dataset, chosen, tracker, cancel)
        predicted = np.asarray(model.predict_on_batch(dataset.test_features / dataset.scale)) * dataset.scale
        return {"model": model, "history": history, "predicted": predicted}

    # The variants are independent: train them side by side (TensorFlow releases the GIL).
    with ThreadPoolExecutor(max_workers=len(keys)) as pool:
        done = dict(zip(keys, pool.map(train_and_predict, keys)))

    metric_values, table = {}, {}
    for variant in keys:
        table[variant] = score(dataset, done[variant]["predicted"])
        for name, value in table[variant].items():
            metric_values[f"{variant}/{name}"] = value
        metric_values[f"{variant}/train_loss"] = done[variant]["history"][-1]["loss"]

    predictions = {v: done[v]["predicted"] for v in keys}
    has_event = dataset.test_has_event[chosen].tolist() if dataset.is_event_data else [False] * len(chosen)
    paper = data.PAPER_SYNTHETIC_SEQ2SEQ if dataset.name == "dilate_synthetic" else None
    artifacts = Artifacts(
        dataset=dataset.name,
        time_unit=dataset.time_unit,
        value_unit=dataset.value_unit,
        steps=int(dataset.test_labels.shape[1]),
        windows=ShownWindows(
            index=chosen.tolist(),
            features=rounded(dataset.test_features[chosen, :, 0]),
            labels=rounded(dataset.test_labels[chosen, :, 0]),
            predicted={v: rounded(predictions[v][chosen, :, 0]) for v in keys},
            has_event=has_event,
        ),
        table=table,
        alignment=alignment_artifacts(cfg, dataset, chosen, predictions),
        peaks=peak_artifacts(dataset, predictions),
        paper=PaperTable(
            rows=paper["rows"],
            source=paper["source"],
            official=data.OFFICIAL_CODE_SYNTHETIC["rows"],
            official_source=data.OFFICIAL_CODE_SYNTHETIC["source"],
        )
        if paper
        else None,
        held_out_windows=int(len(dataset.test_labels)),
        default_sample=default_sample(has_event),
        replay=tracker.replay(),
    )
    return Result(
        scenario="event_timing",
        config=cfg.to_dict(),
        metrics=metric_values,
        history={v: done[v]["history"] for v in keys},
        artifacts=artifacts,
        models={v: done[v]["model"] for v in keys},
        seconds=time.perf_counter() - started,
        notes=list(dataset.notes),
    )
