"""Binary labels: the page's records of a finished run, built from the held-out readings.

The shown windows step by step (input, clean wave, label and every variant's reading), the window the page opens
on, and what the broken variant did — the error its training raised and the one-unit softmax replayed by hand.
The metrics themselves are ``evaluation.py``'s; ``model.py`` trains, then calls these.
"""

from __future__ import annotations

import numpy as np

from seqcore.scenarios.binary_labels import broken, data
from seqcore.scenarios.binary_labels.artifacts import Broken, Sample
from seqcore.scenarios.binary_labels.config import Config
from seqcore.scenarios.binary_labels.encodings import softmax

PROBE_WINDOWS = 4  # real windows replayed through the broken loss by hand


def rounded(values: np.ndarray, digits: int = 4) -> list:
    """Plain nested lists of numbers rounded to ``digits`` (via float64: float32 would print its noise)."""
    return np.round(np.asarray(values, np.float64), digits).tolist()


def default_sample(labels: np.ndarray, shown: list[int], mse_probability: np.ndarray) -> int:
    """The shown window the page opens on: the one the MSE model reads worst (its largest Brier score there)
    — the pitfall at its plainest. A rule on the pitfall's own output, never on a fix's."""
    error = np.mean((mse_probability[shown] - labels[shown]) ** 2, axis=1)
    return int(np.argmax(error))


def sample_records(cfg: Config, held_out: data.Split, shown: list[int], readings: dict) -> list[Sample]:
    """The steps of the shown held-out windows: input, clean wave, label and every variant's reading
    (``readings``: variant → (predicted, probability), in the page's order)."""
    out = []
    for index in shown:
        start = cfg.series_length + data.HELD_OUT_OFFSET + index
        out.append(
            Sample(
                window=index,
                start_phase=round(float(held_out.start_phase[index]), 4),
                time_ms=np.round((start + np.arange(cfg.window_length)) * 1000.0 / cfg.sample_rate, 3).tolist(),
                label_time_ms=np.round(
                    (start + cfg.label_shift + np.arange(cfg.window_length)) * 1000.0 / cfg.sample_rate, 3
                ).tolist(),
                input=rounded(held_out.inputs[index, :, 0]),
                clean=rounded(held_out.clean[index]),
                label=held_out.labels[index].astype(int).tolist(),
                predicted={v: readings[v][0][index].astype(int).tolist() for v in readings},
                probability={v: rounded(readings[v][1][index]) for v in readings},
            )
        )
    return out


def broken_record(labels: np.ndarray, shown: list[int], logits: np.ndarray, fit) -> Broken:
    probe_windows = list(range(min(PROBE_WINDOWS, len(shown))))  # shown windows first: both labels appear
    attempts, one_unit = broken.probe(labels[shown][probe_windows] + 1, logits[probe_windows])
    probabilities = softmax(logits)  # what the broken head's "probabilities" are: all exactly 1
    return Broken(
        device=broken.device_name(),
        fit=fit,
        attempts=attempts,
        softmax_one_unit=one_unit,
        softmax_range=[float(np.min(probabilities)), float(np.max(probabilities))],
        reason=broken.REASON,
    )
