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
