"""Event timing: the typed record of what the page draws (stored as JSON with the run; no TensorFlow here).

Per-variant values are dicts keyed by variant key (``"mse"``, ``"soft_dtw"``, ``"dilate"``); the page names them
with the scenario's :class:`~seqcore.scenario.Variant` records. Values are in the data's own units (magnitudes
and months for the earthquakes, the paper's values and steps for its synthetic set).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from seqcore.records import Record


@dataclass(frozen=True)
class ShownWindows(Record):
    """The held-out windows the page offers (event windows first), with the final models' forecasts."""

    index: list[int]  # 0-based positions among the held-out windows
    features: list[list[float]]  # (windows, steps): the history the network reads
    labels: list[list[float]]  # (windows, steps): the true future
    predicted: dict[str, list[list[float]]]  # by variant: the forecast of the future
    has_event: list[bool]


@dataclass(frozen=True)
class Alignment(Record):
    """For each shown window and variant, between the true future and the forecast: the soft alignment E (what
    DILATE's temporal term weighs) and the hard DTW path."""

    soft: dict[str, list[list[list[float]]]]  # by variant: (windows, steps, steps)
    hard_paths: dict[str, list[list[list[int]]]]  # by variant: per window, the (true step, predicted step) pairs
    gamma: float


@dataclass(frozen=True)
class PeakPositions(Record):
    month: list[int]  # 0-based step of the highest value in each held-out event window
    height: list[float]


@dataclass(frozen=True)
class Peaks(Record):
    """Where and how high the true and each variant's predicted peak are, in every held-out event window."""

    true_month: list[int]
    true_height: list[float]
    predicted: dict[str, PeakPositions]


@dataclass(frozen=True)
class PaperTable(Record):
    """The DILATE paper's Table 1 for its synthetic set and the official code's numbers, in the paper's scaling
    (MSE × 100, DTW × 100, TDI × 10), beside which the page sets ours."""

    rows: dict[str, dict[str, float]]  # by variant: {"mse": ..., "dtw": ..., "tdi": ...}
    source: str
    official: dict[str, dict[str, float]]  # by variant: the same, plus "seconds" of training
    official_source: str


@dataclass(frozen=True)
class Artifacts(Record):
    dataset: str
    time_unit: str
    value_unit: str
    steps: int
    windows: ShownWindows
    table: dict[str, dict[str, float]]  # by variant: each measured score on the held-out windows
    alignment: Alignment
    # Optional[...], not "X | None": seqcore.records rebuilds a nested record only through typing.Union.
    peaks: Optional[Peaks]  # noqa: UP045  (None on data without events)
    paper: Optional[PaperTable]  # noqa: UP045  (only for the paper's synthetic set)
    held_out_windows: int
    default_sample: int  # the window the page opens on: the first shown window that holds an event
    replay: dict[str, list[dict]]  # the trainer's live snapshots by variant, thinned (the epoch slider)
