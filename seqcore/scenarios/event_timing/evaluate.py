"""Event timing, evaluate: score each variant's held-out forecasts and shape what the page draws.

MSE, DTW and TDI on every held-out window (and the peak's month and height errors where there is an event), the
soft and hard alignments on the shown windows, every event's true and predicted peak, and the window the page
opens on. Values are in the data's own units (magnitudes, months). ``model.py`` trains and calls these.
"""

from __future__ import annotations

import numpy as np

from seqcore import losses, metrics
from seqcore.scenarios.event_timing import data
from seqcore.scenarios.event_timing.artifacts import Alignment, PeakPositions, Peaks
from seqcore.scenarios.event_timing.config import Config

PEAK_STEPS, PEAK_HEIGHT = 1, 1.0  # a predicted peak "hits" within 1 month and 1 magnitude of the true one
PAPER_SCALING = {"mse": 100, "dtw": 100, "tdi": 10}  # the paper's Table 1 reports MSE × 100, DTW × 100, TDI × 10
DIGITS = 3  # shown values are rounded to this many decimals (magnitudes; the paper's values are ~1)


def rounded(values: np.ndarray, digits: int = DIGITS) -> list:
    """Plain nested lists rounded to ``digits`` (via float64, so no float32 noise)."""
    return np.round(np.asarray(values, np.float64), digits).tolist()


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
