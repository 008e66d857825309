"""Binary labels: the typed record of what the page draws (stored as JSON with the run; no TensorFlow here).

Per-variant numbers are dicts keyed by variant key (``"mse_raw"``, …); the page names them with the
scenario's :class:`~seqcore.scenario.Variant` records.
"""

from __future__ import annotations

from dataclasses import dataclass

from seqcore.records import Record


@dataclass(frozen=True)
class Setup(Record):
    """The run's data, as the page describes it."""

    sample_rate: int
    frequency: float
    window_length: int
    label_shift: int
    train_windows: int
    held_out_windows: int
    held_out_positive_share: float
    held_out_offset_samples: float  # where the held-out stretch starts, in samples from t = 0


@dataclass(frozen=True)
class Sample(Record):
    """One held-out window the page shows, step by step (also the rows of the predictions CSV)."""

    window: int  # its index among all held-out windows
    start_phase: float  # phase of its first sample, in periods (0..1)
    time_ms: list[float]  # time of each input sample
    label_time_ms: list[float]  # time of the sample each label names (label_shift later)
    input: list[float]  # what the network reads, noise included
    clean: list[float]  # the noiseless wave
    label: list[int]  # 1: the next sample is positive
    predicted: dict[str, list[int]]  # by variant: 1 positive, 0 negative, -1 no valid class
    probability: dict[str, list[float]]  # by variant: P(next sample positive) as the metrics read it


@dataclass(frozen=True)
class SignChange(Record):
    """Accuracy on the hard steps: those whose next sample has the other sign than the one being read."""

    steps: int
    accuracy: float


@dataclass(frozen=True)
class Reliability(Record):
    """Calibration bins of one variant (empty bins left out) and its expected calibration error."""

    bin_low: list[float]
    bin_high: list[float]
    mean_predicted: list[float]
    observed: list[float]
    count: list[int]
    expected_calibration_error: float


@dataclass(frozen=True)
class Histogram(Record):
    """Where the MSE head's raw outputs land, against the label values and the threshold."""

    edges: list[float]
    counts: list[int]
    threshold: float
    label_values: list[float]


@dataclass(frozen=True)
class Attempt(Record):
    """One try at the seed's failing loss: the code, and the error TensorFlow raised or the loss it returned."""

    attempt: str
    code: str
    outcome: str  # "error" or "value"
    message: str
    error_type: str | None = None
    loss: float | None = None
    loss_text: str | None = None
    epochs_completed: int | None = None  # for the training attempt


@dataclass(frozen=True)
class OneUnitSoftmax(Record):
    """A softmax over one unit, on real logits: always exactly 1, so label 0 costs and teaches nothing."""

    logits: list[float]
    softmax: list[float]
    loss_with_label_0: float
    largest_gradient: float


@dataclass(frozen=True)
class Broken(Record):
    """What TensorFlow does with the seed's sparse softmax cross-entropy on one output unit."""

    device: str  # "CPU" or "GPU": a GPU returns NaN where a CPU raises
    fit: Attempt  # the training attempt through the trainer
    attempts: list[Attempt]  # the loss called by hand, step by step
    softmax_one_unit: OneUnitSoftmax
    softmax_range: list[float]  # smallest and largest softmax output of the broken head on the shown windows
    reason: str  # why, in two sentences


@dataclass(frozen=True)
class Artifacts(Record):
    """Everything the Binary labels page draws."""

    setup: Setup
    samples: list[Sample]
    default_sample: int  # 0-based: the shown window the page opens on (see records.default_sample)
    per_step_accuracy: dict[str, list[float]]
    sign_change: dict[str, SignChange]
    reliability: dict[str, Reliability]  # the variants with a probability to calibrate
    mse_output_histogram: Histogram
    broken: Broken
    replay: dict[str, list[dict]]  # the trainer's live snapshots by variant, thinned (see model.snapshot)
