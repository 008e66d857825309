"""Evaluation metrics in NumPy: what the pages report, kept apart from training losses (``losses.py``)."""

from __future__ import annotations

import numpy as np

EPSILON = 1e-7  # keeps log-loss finite for a probability of exactly 0 or 1


def mse(y_true, y_pred) -> float:
    return float(np.mean(np.square(np.asarray(y_true, float) - np.asarray(y_pred, float))))


def mae(y_true, y_pred) -> float:
    return float(np.mean(np.abs(np.asarray(y_true, float) - np.asarray(y_pred, float))))


def rmse(y_true, y_pred) -> float:
    return float(np.sqrt(mse(y_true, y_pred)))


def accuracy(labels, predicted_labels) -> float:
    return float(np.mean(np.asarray(labels) == np.asarray(predicted_labels)))


def log_loss(labels, probabilities) -> float:
    """Binary cross-entropy of P(label = 1) against 0/1 labels."""
    p = np.clip(np.asarray(probabilities, float), EPSILON, 1 - EPSILON)
    y = np.asarray(labels, float)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def brier(labels, probabilities) -> float:
    """Mean squared difference between P(label = 1) and the 0/1 label."""
    return mse(labels, probabilities)


# -- timing-aware metrics (event timing page; the DILATE paper's evaluation) -------------------------------


def _batch_of_series(values, argument: str) -> np.ndarray:
    """(steps,), (batch, steps) or (batch, steps, features) → float array (batch, steps, features)."""
    array = np.asarray(values, float)
    if array.ndim == 1:
        array = array[None, :]
    if array.ndim == 2:
        array = array[..., None]
    if array.ndim != 3 or array.shape[1] == 0:
        raise ValueError(
            f"{argument}: must have shape (steps,), (batch, steps) or (batch, steps, features) "
            f"with at least one step; received shape {np.shape(values)}"
        )
    return array


def _pair(y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    true, pred = _batch_of_series(y_true, "y_true"), _batch_of_series(y_pred, "y_pred")
    if true.shape[0] != pred.shape[0] or true.shape[2] != pred.shape[2]:
        raise ValueError(
            f"y_pred: must have as many series and features as y_true {true.shape}; received shape {pred.shape}"
        )
    return true, pred


def dtw_alignment(y_true, y_pred) -> tuple[np.ndarray, np.ndarray, list[list[tuple[int, int]]]]:
    """Hard DTW with a squared-Euclidean cost, per series pair.

    Returns ``(dtw, tdi, paths)``: ``dtw`` is the square root of the smallest summed squared cost over monotone
    alignments (what tslearn's ``dtw_path`` returns, and what the DILATE paper reports); ``tdi`` is that path's
    time distortion Σ (i − j)² / (n m) (n = m: the horizon²); ``paths`` lists the matched (i, j) pairs from
    (0, 0) to (n − 1, m − 1). Ties go to the diagonal, then up, then left, as in tslearn.
    """
    true, pred = _pair(y_true, y_pred)
    batch, n, m = true.shape[0], true.shape[1], pred.shape[1]
    cost = np.sum(np.square(true[:, :, None, :] - pred[:, None, :, :]), axis=-1)
    total = np.full((batch, n + 1, m + 1), np.inf)
    total[:, 0, 0] = 0.0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            best = np.minimum(np.minimum(total[:, i - 1, j - 1], total[:, i - 1, j]), total[:, i, j - 1])
            total[:, i, j] = cost[:, i - 1, j - 1] + best
    paths, distortion = [], np.zeros(batch)
    for b in range(batch):
        i, j = n, m
        path = [(i - 1, j - 1)]
        while (i, j) != (1, 1):
            options = (total[b, i - 1, j - 1], total[b, i - 1, j], total[b, i, j - 1])
            move = int(np.argmin(options))
            i, j = (i - 1, j - 1) if move == 0 else (i - 1, j) if move == 1 else (i, j - 1)
            path.append((i - 1, j - 1))
        path.reverse()
        paths.append(path)
        distortion[b] = sum((p - q) ** 2 for p, q in path) / float(n * m)
    return np.sqrt(total[:, n, m]), distortion, paths


def dtw(y_true, y_pred) -> float:
    """Mean over series of the hard DTW (see :func:`dtw_alignment`): shape error, forgiving shifts in time."""
    return float(np.mean(dtw_alignment(y_true, y_pred)[0]))


def tdi(y_true, y_pred) -> float:
    """Mean time distortion index of the optimal DTW path: 0 when the best match is the identity (no shift)."""
    return float(np.mean(dtw_alignment(y_true, y_pred)[1]))


def peak_errors(y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    """Per series: |step of the predicted peak − step of the true peak| and |predicted peak − true peak|.

    Univariate series only; the first step wins a tie (the true series has one clear peak in event data).
    """
    true, pred = _pair(y_true, y_pred)
    if true.shape[2] != 1:
        raise ValueError(f"y_true: peak errors need one feature per step; received {true.shape[2]}")
    true, pred = true[..., 0], pred[..., 0]
    time_error = np.abs(np.argmax(pred, axis=1) - np.argmax(true, axis=1)).astype(float)
    height_error = np.abs(pred.max(axis=1) - true.max(axis=1))
    return time_error, height_error


def peak_time_error(y_true, y_pred) -> float:
    """Mean distance in steps (months) between the predicted and the true peak."""
    return float(np.mean(peak_errors(y_true, y_pred)[0]))


def peak_height_error(y_true, y_pred) -> float:
    """Mean absolute difference between the predicted and the true peak value."""
    return float(np.mean(peak_errors(y_true, y_pred)[1]))


def peak_hit_rate(y_true, y_pred, *, steps: int = 1, height: float = 1.0) -> float:
    """Share of series whose predicted peak is within ``steps`` of the true one in time and ``height`` in value."""
    time_error, height_error = peak_errors(y_true, y_pred)
    return float(np.mean((time_error <= steps) & (height_error <= height)))
