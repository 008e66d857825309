"""Binary labels: parameters (no TensorFlow here, so the sidebar and the cache key stay light)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from seqcore.config import ConfigBase, param

CELLS = ("simple_rnn", "lstm")
MIN_WINDOWS = 16  # a series must give at least this many training windows
NYQUIST_FRACTION = 0.45  # a frequency at or above the Nyquist limit is clamped to this share of the sample rate
# What a run costs, fitted to CPU seconds measured on the 2-core box (all four variants together): each gradient
# step has a fixed cost plus one loop iteration per window step, and each sample-step of the windows (trained
# and scored) costs more with width; an LSTM costs about 2.5× a plain RNN. The cap keeps any run near 30 s of
# training on one core (the hosted demo allows ~60 s a run).
MAX_SECONDS = 30.0
STEP_US = 1570.0  # fixed cost of one gradient step
STEP_PER_TIME_US = 167.0  # each step of the window adds an iteration, forward and backward, to every step
SAMPLE_US = 1.1  # one sample-step of one window ...
SAMPLE_PER_UNIT_US = 0.038  # ... plus this per recurrent unit
LSTM_COST = 2.5


@dataclass(frozen=True)
class Config(ConfigBase):
    # The seed samples its wave at 1 kHz.
    sample_rate: int = param(
        1000, label="Sample rate (Hz)", low=10, high=10_000, help="Samples per second of the input wave."
    )
    # The seed's 2 Hz wave: 500 samples a period, so a sign change is 1 step in 250.
    frequency: float = param(
        2.0,
        label="Frequency (Hz)",
        low=0.01,
        high=10_000.0,
        step=0.5,
        help="Frequency of the sine wave. It must stay below half the sample rate (the Nyquist limit).",
    )
    # The seed's series: one second of samples (sample_rate of them).
    series_length: int = param(
        1000,
        label="Series length (samples)",
        low=100,
        high=5000,
        step=100,
        help="Samples in the training series; the held-out series is as long and follows it.",
    )
    # The seed's window: 20 steps, every offset of the series used as a window start.
    window_length: int = param(
        20,
        label="Window (steps)",
        low=2,
        high=200,
        help="Steps per training window; the network labels every step (many to many).",
    )
    # The seed labels each step with the class of the next sample: the task is a one-step forecast.
    label_shift: int = param(
        1,
        label="Label shift (steps)",
        low=0,
        high=50,
        help="The label at step t is the class of sample t + shift (1 when negative, "
        "2 when positive). 0 would ask for the sign of the sample being read.",
    )
    # 0: the seed's clean wave. Raise it to see calibration matter.
    input_noise: float = param(
        0.0,
        label="Input noise (σ)",
        low=0.0,
        high=2.0,
        step=0.05,
        help="Standard deviation of Gaussian noise added to the input, in wave "
        "amplitudes. Labels stay the signs of the clean wave.",
    )
    # 0: the seed's clean labels.
    label_noise: float = param(
        0.0,
        label="Label noise (share)",
        low=0.0,
        high=0.45,
        step=0.01,
        help="Share of training labels flipped at random. Held-out labels stay clean.",
    )
    # The seed used a plain RNN cell; an LSTM is the common alternative. Every variant shares it.
    cell: str = param(
        "simple_rnn",
        label="Recurrent cell",
        choices=CELLS,
        help="The recurrent body shared by every variant; only the head and loss differ.",
    )
    # 16 units are plenty for a sign-of-next-sample task; the seed used 100 (and ReLU).
    units: int = param(16, label="Units", low=2, high=128, help="Width of the recurrent body.")
    # 12 epochs (192 steps) put the cross-entropy variants at ≥ 0.994 held-out accuracy over seeds 0-7
    # (MSE reaches ~0.98 here; the seed's 8000 small steps take it to ~0.995 at 13× the time).
    epochs: int = param(
        12,
        label="Epochs",
        low=1,
        high=200,
        help="Passes over the training windows (the seed made 10 passes of 800 small steps).",
    )
    # 64 windows a step: 16 steps per epoch instead of the seed's 800 steps of 10 windows.
    batch_size: int = param(64, label="Batch size", low=4, high=512, help="Windows per gradient step.")
    # Adam at 0.02, 20× the seed's rate, decayed: the larger, fewer steps are what makes the default fast.
    # (0.03 with fewer epochs was unstable for the sigmoid head on some seeds.)
    learning_rate: float = param(
        0.02,
        label="Learning rate",
        low=0.0001,
        high=0.1,
        step=0.0005,
        help="Adam's starting rate; it decays to 5% of this by the last step.",
    )
    # Same seed → same data, same initial weights, same batches, same metrics.
    seed: int = param(0, label="Seed", low=0, high=1_000_000, help="Seeds data, noise, weights and batch order.")

    # -- derived sizes (used by data, model and the page) ---------------------------------------------------
    @property
    def windows(self) -> int:
        """Training windows: one starting at every offset whose labels still fall inside the series."""
        return self.series_length - self.window_length - self.label_shift + 1

    @property
    def seconds(self) -> float:
        """Estimated CPU seconds of training and scoring (see :data:`MAX_SECONDS`)."""
        cost = LSTM_COST if self.cell == "lstm" else 1.0
        windows = max(self.windows, 0)
        steps = self.epochs * math.ceil(windows / self.batch_size)
        per_step = STEP_US + STEP_PER_TIME_US * self.window_length
        per_sample = SAMPLE_US + SAMPLE_PER_UNIT_US * self.units
        return cost * (steps * per_step + windows * self.window_length * (self.epochs + 1) * per_sample) * 1e-6

    def work(self) -> float:
        """The estimated CPU seconds: the page scales the default run's measured time by it."""
        return self.seconds

    def constrain(self):
        cfg, warnings = self, []
        if cfg.label_shift < 1:
            cfg = cfg.replace(label_shift=1)
            warnings.append(
                "Label shift (label_shift): 0 labels each step with the sign of the sample the "
                "network is reading, so there is nothing to forecast; using 1, the seed's shift."
            )
        nyquist = cfg.sample_rate / 2
        if cfg.frequency >= nyquist:
            clamped = round(NYQUIST_FRACTION * cfg.sample_rate, 3)
            warnings.append(
                f"Frequency (frequency): {cfg.frequency:g} Hz is at or above the Nyquist limit "
                f"({nyquist:g} Hz, half the {cfg.sample_rate} Hz sample rate): the samples could not "
                f"tell that wave from a slower one; using {clamped:g} Hz."
            )
            cfg = cfg.replace(frequency=clamped)
        period = cfg.sample_rate / cfg.frequency  # samples per period
        if cfg.series_length < period:
            high = type(cfg).specs_by_name()["series_length"].high
            needed = int(math.ceil(period))
            if needed <= high:
                warnings.append(
                    f"Series length (series_length): {cfg.series_length} samples is less than one "
                    f"period of a {cfg.frequency:g} Hz wave, so one class would be missing; "
                    f"using {needed}."
                )
                cfg = cfg.replace(series_length=needed)
            else:
                raised = round(cfg.sample_rate / cfg.series_length * 1.001, 4)
                warnings.append(
                    f"Frequency (frequency): {cfg.frequency:g} Hz does not complete one period in "
                    f"{cfg.series_length} samples, so one class would be missing; using {raised:g} Hz."
                )
                cfg = cfg.replace(frequency=raised)
        if cfg.windows < MIN_WINDOWS:
            longest = max(2, cfg.series_length - cfg.label_shift - MIN_WINDOWS + 1)
            warnings.append(
                f"Window (window_length): {cfg.window_length} steps (plus the label shift "
                f"{cfg.label_shift}) leaves fewer than {MIN_WINDOWS} windows in a series of "
                f"{cfg.series_length} samples; using {longest} steps."
            )
            cfg = cfg.replace(window_length=longest)
        if cfg.seconds > MAX_SECONDS:
            cfg, warnings = _within_work_cap(cfg, warnings, math.ceil(cfg.sample_rate / cfg.frequency))
        return cfg, warnings

    @classmethod
    def specs_by_name(cls):
        return {spec.name: spec for spec in cls.specs()}


def _within_work_cap(cfg: Config, warnings: list[str], period: int) -> tuple[Config, list[str]]:
    """Shrink, in this order, epochs, the series (never below one period), the window and the width until a
    run fits :data:`MAX_SECONDS`; say what changed."""
    asked = cfg
    while cfg.seconds > MAX_SECONDS and cfg.epochs > 1:
        cfg = cfg.replace(epochs=max(1, int(cfg.epochs * 0.9)))
    shortest = max(period, MIN_WINDOWS + cfg.window_length + cfg.label_shift - 1)
    while cfg.seconds > MAX_SECONDS and cfg.series_length > shortest:
        cfg = cfg.replace(series_length=max(shortest, int(cfg.series_length * 0.8)))
    while cfg.seconds > MAX_SECONDS and cfg.window_length > 2:
        cfg = cfg.replace(window_length=max(2, int(cfg.window_length * 0.8)))
    while cfg.seconds > MAX_SECONDS and cfg.units > 2:
        cfg = cfg.replace(units=max(2, int(cfg.units * 0.8)))
    changed = [
        f"{spec.label} ({spec.name}) {getattr(asked, spec.name)} → {getattr(cfg, spec.name)}"
        for spec in Config.specs()
        if getattr(asked, spec.name) != getattr(cfg, spec.name)
    ]
    warnings.append(
        "This run is more work than one run may do here (about 30 s of training on one core); "
        "using " + ", ".join(changed) + "."
    )
    return cfg, warnings


def seed_preset() -> Config:
    """The seed's own set-up: 100 units, Adam at 0.001, steps of 10 windows, ~8000 steps (80 × 98)."""
    return Config(units=100, learning_rate=0.001, batch_size=10, epochs=80)
