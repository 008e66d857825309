"""Sine frequency: the three learned estimators' networks, built by name, and how series are fed to them."""

from __future__ import annotations

import math

import keras
import numpy as np

from seqcore.scenarios.sine_frequency import LEARNED, data
from seqcore.scenarios.sine_frequency.config import Config
from seqcore.training import LayerSeeds

HIDDEN_UNITS = 100  # the accepted answer's hidden layer; also the dense network's width
DROPOUT = 0.1  # the accepted answer's rate


def frames(series: np.ndarray, samples_per_step: int) -> np.ndarray:
    """(count, length) → (count, steps, samples_per_step): the LSTM reads that many samples per step.

    The front is padded with zeros to a whole number of steps (a quiet start, not a change to the sine).
    """
    series = np.asarray(series, np.float32)
    count, length = series.shape
    steps = math.ceil(length / samples_per_step)
    padded = np.zeros((count, steps * samples_per_step), np.float32)
    padded[:, steps * samples_per_step - length :] = series
    return padded.reshape(count, steps, samples_per_step)


# -- networks -------------------------------------------------------------------------------------------------
def _to_frequency(cfg: Config) -> keras.layers.Layer:
    """A fixed layer from the head's scale to cycles per series: −1 … 1 ↦ 1 … max (or identity, unscaled)."""
    if not cfg.scale_targets:
        return keras.layers.Identity(name="to_frequency")
    half = (cfg.max_frequency - data.MIN_FREQUENCY) / 2
    return keras.layers.Rescaling(half, offset=data.MIN_FREQUENCY + half, name="to_frequency")


def build_naive_lstm(cfg: Config) -> keras.Model:
    """The question's network: LSTM → Dense(1, ReLU), raw frequencies out."""
    seeds = LayerSeeds(cfg.seed)
    series = keras.Input(shape=(cfg.lstm_steps(), cfg.samples_per_step), name="series")
    hidden = keras.layers.LSTM(cfg.lstm_units, name="lstm", **seeds.recurrent())(series)
    frequency = keras.layers.Dense(1, activation="relu", name="head", **seeds.dense())(hidden)
    return keras.Model(series, frequency, name="naive_lstm")


def build_fixed_lstm(cfg: Config) -> keras.Model:
    """The accepted answer's network: LSTM → Dense(100, ReLU) → Dropout(0.1) → Dense(1) (→ fixed rescale)."""
    seeds = LayerSeeds(cfg.seed + 1)
    series = keras.Input(shape=(cfg.lstm_steps(), cfg.samples_per_step), name="series")
    hidden = keras.layers.LSTM(cfg.lstm_units, name="lstm", **seeds.recurrent())(series)
    hidden = keras.layers.Dense(HIDDEN_UNITS, activation="relu", name="hidden", **seeds.dense())(hidden)
    hidden = keras.layers.Dropout(DROPOUT, name="dropout", **seeds.dropout())(hidden)
    head = keras.layers.Dense(1, name="head", **seeds.dense())(hidden)
    return keras.Model(series, _to_frequency(cfg)(head), name="fixed_lstm")


def build_dense(cfg: Config) -> keras.Model:
    """Another answer's point: no recurrence needed — two ReLU layers on the raw samples (→ fixed rescale)."""
    seeds = LayerSeeds(cfg.seed + 2)
    series = keras.Input(shape=(cfg.series_length,), name="series")
    hidden = keras.layers.Dense(HIDDEN_UNITS, activation="relu", name="hidden_1", **seeds.dense())(series)
    hidden = keras.layers.Dense(HIDDEN_UNITS, activation="relu", name="hidden_2", **seeds.dense())(hidden)
    head = keras.layers.Dense(1, name="head", **seeds.dense())(hidden)
    return keras.Model(series, _to_frequency(cfg)(head), name="dense")


def build(cfg: Config, variant: str) -> tuple[keras.Model, str]:
    """A learned variant's model and its loss (the question used MAE; the answers MSE)."""
    if variant == "naive_lstm":
        return build_naive_lstm(cfg), "mae"
    if variant == "fixed_lstm":
        return build_fixed_lstm(cfg), "mse"
    if variant == "dense":
        return build_dense(cfg), "mse"
    raise ValueError(f"variant: must be one of {', '.join(LEARNED)}; received {variant!r}")


def model_inputs(cfg: Config, variant: str, series: np.ndarray) -> np.ndarray:
    return np.asarray(series, np.float32) if variant == "dense" else frames(series, cfg.samples_per_step)


def predict(model: keras.Model, inputs: np.ndarray) -> np.ndarray:
    return np.asarray(model.predict_on_batch(inputs), float).reshape(-1)
