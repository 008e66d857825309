"""Binary labels: scoring each variant's held-out predictions (NumPy only).

Inputs are the 0/1 held-out labels and, per variant, the predicted positive flags and P(positive) from
:func:`encodings.read_outputs`. Accuracy counts a step right when the predicted flag equals the label (the
broken variant's flag is -1, never right). Log loss is reported only where the head's output is a
probability by construction; the Brier score everywhere (see :func:`encodings.mse_probability` for how the MSE
head's output is read as a probability).
"""

from __future__ import annotations

import numpy as np

from seqcore import metrics
from seqcore.scenarios.binary_labels.encodings import MSE_THRESHOLD, PROBABILISTIC

RELIABILITY_BINS = 10
MSE_RANGE = (1.0, 2.0)  # the seed's two label values: outputs outside them are overshoot


def per_step_accuracy(labels: np.ndarray, predicted: np.ndarray) -> np.ndarray:
    """Share of windows right at each step (steps,): step 1 has seen one sample, the last step all of them."""
    labels, predicted = np.asarray(labels), np.asarray(predicted)
    if labels.shape != predicted.shape or labels.ndim != 2:
        raise ValueError(f"predicted: must be (windows, steps) like labels {labels.shape}; received {predicted.shape}")
    return np.mean(labels == predicted, axis=0)


def sign_change_accuracy(labels: np.ndarray, current_positive: np.ndarray, predicted: np.ndarray) -> dict:
    """Accuracy on the steps whose label differs from the sign of the sample being read — the hard steps,
    where the wave is about to cross zero — and how many such steps there are."""
    labels, current_positive, predicted = (np.asarray(a) for a in (labels, current_positive, predicted))
    changing = labels != current_positive
    count = int(changing.sum())
    share = float(np.mean(predicted[changing] == labels[changing])) if count else float("nan")
    return {"steps": count, "accuracy": share}


def reliability_bins(labels: np.ndarray, probabilities: np.ndarray, bins: int = RELIABILITY_BINS) -> dict:
    """Calibration table: for ``bins`` equal-width bins of predicted P(positive), the mean prediction, the share
    of positives actually seen and the count. Empty bins are left out. Also the expected calibration error
    (count-weighted mean gap between prediction and frequency)."""
    if bins < 1:
        raise ValueError(f"bins: must be at least 1; received {bins}")
    labels = np.asarray(labels, np.float64).ravel()
    probabilities = np.asarray(probabilities, np.float64).ravel()
    if labels.shape != probabilities.shape:
        raise ValueError(f"probabilities: must match labels' size {labels.size}; received {probabilities.size}")
    index = np.minimum((probabilities * bins).astype(int), bins - 1)
    rows = {"bin_low": [], "bin_high": [], "mean_predicted": [], "observed": [], "count": []}
    gap = 0.0
    for b in range(bins):
        inside = index == b
        count = int(inside.sum())
        if count == 0:
            continue
        mean_predicted = float(probabilities[inside].mean())
        observed = float(labels[inside].mean())
        gap += count * abs(mean_predicted - observed)
        rows["bin_low"].append(b / bins)
        rows["bin_high"].append((b + 1) / bins)
        rows["mean_predicted"].append(round(mean_predicted, 5))
        rows["observed"].append(round(observed, 5))
        rows["count"].append(count)
    rows["expected_calibration_error"] = round(gap / max(labels.size, 1), 6)
    return rows


def outside_range_share(outputs: np.ndarray, low: float = MSE_RANGE[0], high: float = MSE_RANGE[1]) -> float:
    """Share of raw MSE outputs below ``low`` or above ``high``: values no label ever takes."""
    outputs = np.asarray(outputs, np.float64)
    return float(np.mean((outputs < low) | (outputs > high)))


def variant_metrics(
    variant: str, labels: np.ndarray, predicted: np.ndarray, probabilities: np.ndarray, raw: np.ndarray | None = None
) -> dict[str, float]:
    """The flat ``<variant>/<metric>`` numbers for one variant on the held-out windows."""
    steps = per_step_accuracy(labels, predicted)
    out = {
        f"{variant}/accuracy": metrics.accuracy(labels, predicted),
        f"{variant}/brier": metrics.brier(labels, probabilities),
        f"{variant}/accuracy_at_step_1": float(steps[0]),
        f"{variant}/accuracy_at_step_{len(steps)}": float(steps[-1]),
    }
    if variant in PROBABILISTIC:
        out[f"{variant}/log_loss"] = metrics.log_loss(labels, probabilities)
    if variant == "mse_raw":
        if raw is None:
            raise ValueError("raw: the MSE variant needs its raw outputs for outside_range_share; received None")
        out["mse_raw/outside_range_share"] = outside_range_share(raw)
    return out


def output_histogram(raw: np.ndarray, low: float = 0.0, high: float = 3.0, bins: int = 30) -> dict:
    """Histogram of raw MSE outputs on a fixed range (values beyond it land in the end bins)."""
    values = np.clip(np.asarray(raw, np.float64).ravel(), low, high)
    counts, edges = np.histogram(values, bins=bins, range=(low, high))
    return {
        "edges": np.round(edges, 4).tolist(),
        "counts": counts.tolist(),
        "threshold": MSE_THRESHOLD,
        "label_values": list(MSE_RANGE),
    }
