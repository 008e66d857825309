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
the data's own units (magnitudes, months). Reads top to bottom: data → model → train → ``run``; the scores
and what the page draws are built in ``evaluate.py``.
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
from seqcore.scenarios.event_timing import VARIANTS, data, networks
from seqcore.scenarios.event_timing.artifacts import Artifacts, PaperTable, ShownWindows
from seqcore.scenarios.event_timing.config import Config
from seqcore.scenarios.event_timing.evaluate import alignment_artifacts, default_sample, peak_artifacts, rounded, score
from seqcore.training import CancelToken, KerasStep

SHOWN_WINDOWS = 6  # held-out windows whose forecasts and alignments the page can draw (and streamed live)
PART_WINDOWS = 200  # training windows on which the DILATE parts are measured after every epoch


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
