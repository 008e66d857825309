"""Teacher forcing: parameters (no TensorFlow here, so the sidebar and the cache key stay light)."""

from __future__ import annotations

from dataclasses import dataclass

from seqcore.config import ConfigBase, param
from seqcore.scenarios.teacher_forcing.data import SERIES_KINDS
from seqcore.scenarios.teacher_forcing.schedules import SCHEDULES

FEEDBACK_MODELS = 3  # teacher forcing, scheduled sampling, free running: each trains its own encoder–decoder
# (the fourth, the direct decoder, is an encoder alone: it costs about what one feedback model's history does)
# A rough model of one run's CPU time, measured on the 2-core box: a training step over 50 time steps costs
# about 8 ms plus 0.055 ms per window in the batch at 32 units (more per window for wider LSTMs).
STEP_MS, WINDOW_MS, REFERENCE_STEPS, REFERENCE_UNITS = 8.0, 0.055, 50, 32
MAX_SECONDS = 50.0  # estimated training seconds on one core; set-up and evaluation add a few more
MAX_MASK_RATE = 0.9  # at 1 every target is missing and there is nothing to learn


@dataclass(frozen=True)
class Config(ConfigBase):
    # 30 steps: most of a cycle of the slowest sine (periods 8 to 40 steps), enough to tell its phase.
    input_length: int = param(
        30,
        label="History length (Tx)",
        low=4,
        high=120,
        help="Steps of history the encoder LSTM reads before the forecast starts.",
    )
    # 20 steps: long enough for fed-back errors to pile up, short enough to train in seconds.
    horizon: int = param(20, label="Horizon (Ty)", low=1, high=60, help="Steps the decoder predicts, one at a time.")
    # Plain sines by default: the gap between training and inference is then the model's fault alone.
    series: str = param(
        "sines",
        label="Series",
        choices=SERIES_KINDS,
        help="Sum of two sines with random periods and phases; optionally plus a trend, "
        "or switching to new sines at a random step (regime change).",
    )
    # Precise inputs are what a teacher-forced model learns to lean on: σ = 0.03 shows the trap clearly.
    noise: float = param(
        0.03,
        label="Noise",
        low=0.0,
        high=1.0,
        step=0.01,
        help="Standard deviation of the Gaussian noise added to every step.",
    )
    # The seed masked some target steps; 10% keeps the mask visible without starving the loss.
    mask_rate: float = param(
        0.1,
        label="Missing targets",
        low=0.0,
        high=MAX_MASK_RATE,
        step=0.05,
        help="Share of target steps marked missing: the masked MSE skips them (at 1 nothing would be left to learn).",
    )
    # 3000 windows (the seed had 67k): with scaled data and a larger rate this is enough to show the gap.
    train_windows: int = param(
        3000,
        label="Training windows",
        low=100,
        high=20_000,
        step=100,
        help="Windows the four models train on; 500 other windows validate them.",
    )
    # Equal epochs for all four variants, so the comparison is fair; 12 keep the default run near 10 s.
    epochs: int = param(
        12,
        label="Epochs",
        low=1,
        high=200,
        help="Passes over the training windows, the same for every variant (the seed: 10).",
    )
    # 256 per step: a step costs little more than one of 64, and 144 steps still let the schedule decay.
    batch_size: int = param(
        256, label="Batch size", low=8, high=1024, help="Windows per gradient step (the seed used keras' default, 32)."
    )
    # Adam at 0.02 with cosine decay: 20× keras' default rate for the larger batches, annealed for precision.
    learning_rate: float = param(
        0.02,
        label="Learning rate",
        low=0.0001,
        high=0.1,
        step=0.0005,
        help="Adam's starting rate; it decays to 5% of this by the last step.",
    )
    # 32 units is plenty for two sines.
    units: int = param(
        32,
        label="LSTM units",
        low=4,
        high=128,
        help="Width of the encoder and decoder LSTMs (their states are handed over).",
    )
    # Bengio et al. found the inverse sigmoid decay best on most tasks.
    schedule: str = param(
        "inverse_sigmoid",
        label="Sampling schedule",
        choices=SCHEDULES,
        help="How scheduled sampling's probability of feeding the truth decays over training.",
    )
    # Ending at 0 makes the last steps of scheduled sampling free running, as the model runs at inference.
    final_truth_probability: float = param(
        0.0,
        label="Final truth probability",
        low=0.0,
        high=1.0,
        step=0.05,
        help="Where the scheduled-sampling probability of feeding the truth ends (it starts at 1).",
    )
    # Same seed → same data, same initial weights, same batches and coins, same metrics.
    seed: int = param(
        0, label="Seed", low=0, high=1_000_000, help="Seeds data, weights, batch order and the sampling coins."
    )

    def seconds_per_epoch(self) -> float:
        """Estimated CPU seconds for one epoch of all four variants (see ``STEP_MS``)."""
        steps = -(-self.train_windows // self.batch_size)
        width = (self.units / REFERENCE_UNITS) ** 1.4
        per_step_ms = (STEP_MS + WINDOW_MS * self.batch_size * width) / REFERENCE_STEPS  # one recurrent time step
        time_steps = FEEDBACK_MODELS * (self.input_length + self.horizon) + self.input_length  # + the direct model
        return steps * time_steps * per_step_ms / 1000.0

    def estimated_seconds(self) -> float:
        return self.epochs * self.seconds_per_epoch()

    def work(self) -> float:
        """The estimated seconds the work cap counts: the page scales the default run's measured time by it."""
        return self.estimated_seconds()

    def constrain(self):
        if self.estimated_seconds() <= MAX_SECONDS:
            return self, []
        fixed, warnings = self, []
        if fixed.seconds_per_epoch() > MAX_SECONDS:  # even one epoch is too long: fewer windows first
            share = MAX_SECONDS / fixed.seconds_per_epoch()
            windows = max(100, int(self.train_windows * share) // 100 * 100)
            # The cost counts whole batches, so a share of the windows may not be a share of the cost: step down
            # until it fits, so that the link of the result comes back unchanged.
            while windows > 100 and fixed.replace(train_windows=windows).seconds_per_epoch() > MAX_SECONDS:
                windows -= 100
            if windows < self.train_windows:
                fixed = fixed.replace(train_windows=windows)
                warnings.append(
                    f"Training windows (train_windows): one epoch of {self.train_windows} windows at "
                    f"this size is more work than one run may do here; using {windows}."
                )
        epochs = max(1, min(self.epochs, int(MAX_SECONDS // fixed.seconds_per_epoch())))
        if epochs < self.epochs:
            fixed = fixed.replace(epochs=epochs)
            warnings.append(
                f"Epochs (epochs): {self.epochs} epochs of {fixed.train_windows} windows of "
                f"{self.input_length} + {self.horizon} steps for four models is more work than one "
                f"run may do here (about {self.estimated_seconds():.0f} s); using {epochs} epochs."
            )
        return fixed, warnings


def seed_preset() -> Config:
    """The seed's pattern: 20k windows, 10 epochs, batch 32, Adam's default rate (for the benchmark)."""
    return Config(train_windows=20_000, epochs=10, batch_size=32, learning_rate=0.001)
