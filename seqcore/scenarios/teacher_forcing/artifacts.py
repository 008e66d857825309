"""Teacher forcing: the typed record of what the page draws (stored as JSON with the run; no TensorFlow here).

Per-variant values are dicts keyed by variant key (``"teacher_forcing"``, …); the page names them with the
scenario's :class:`~seqcore.scenario.Variant` records. Values are in the series' own units (amplitude ≈ 1).
"""

from __future__ import annotations

from dataclasses import dataclass

from seqcore.records import Record


@dataclass(frozen=True)
class ShownWindows(Record):
    """The validation windows the page offers (one from each of the first few series: a fixed choice), with the
    final models' forecasts.

    ``truth`` holds ``None`` where a target step is missing (not scored by the masked MSE).
    """

    index: list[int]  # 0-based positions among the validation windows
    history: list[list[float]]  # (windows, Tx): what the encoder reads
    truth: list[list[float | None]]  # (windows, Ty)
    teacher_forced: dict[str, list[list[float]]]  # by variant: the decoder fed the true previous values
    free_running: dict[str, list[list[float]]]  # by variant: fed its own predictions, as at inference
    free_running_mse: dict[str, list[float]]  # by variant: each shown window's masked MSE, free running


@dataclass(frozen=True)
class Schedule(Record):
    """A variant's probability of feeding the truth over training (thinned), x in epochs."""

    epoch: list[float]
    probability: list[float]


@dataclass(frozen=True)
class Artifacts(Record):
    input_length: int
    horizon: int
    mse_by_step: dict[str, list[float]]  # by variant: free-running masked MSE at each horizon step 1..Ty
    schedule: dict[str, Schedule]
    check: dict[str, float]  # by variant: largest |training model − step-by-step decoder| fed the truth
    shown: ShownWindows
    # The window the page opens on: among the shown ones, the one whose free-running error for teacher
    # forcing is at the 75th percentile (a typical bad case, not the worst one: see evaluate.DEFAULT_PERCENTILE).
    default_sample: int
    replay: dict[str, list[dict]]  # the trainer's live snapshots by variant, thinned (the epoch slider)
