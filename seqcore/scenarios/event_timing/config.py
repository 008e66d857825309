"""Event timing: parameters (no TensorFlow here, so the sidebar and the cache key stay light)."""

from __future__ import annotations

from dataclasses import dataclass

from seqcore.config import ConfigBase, param
from seqcore.training import steps_per_epoch

DATASETS = ("events", "seed", "dilate_synthetic")
SEED_STEPS, SYNTHETIC_STEPS = 7, 20  # fixed lengths of the seed's windows and of the paper's synthetic set
SYNTHETIC_WINDOWS = 500  # the paper's 500 train / 500 test series
MIN_EVENT_STEPS = 7  # shorter windows cannot hold the 8 (off the first month) and the 4 after every delay
# Training work per run: windows × steps² (the soft-DTW grid) × epochs, summed over the three variants, and
# gradient steps per variant (each has a fixed cost however small the batch). The synthetic set's default
# (24 M, 400 steps) takes about 20 s on two cores; the caps keep any run near a minute on one.
MAX_WORK = 40_000_000
MAX_STEPS = 2_500


@dataclass(frozen=True)
class Config(ConfigBase):
    # The generated set: hundreds of windows in the seed's spirit (the seed's six are a choice away).
    dataset: str = param(
        "events",
        label="Data set",
        choices=DATASETS,
        help="events: generated earthquake windows like the seed's; seed: the seed's six "
        "windows exactly; dilate_synthetic: the DILATE paper's step series.",
    )
    # 0.6: a little more shape than the paper's 0.5, which lets the noisier synthetic set (see gamma) still
    # beat MSE on DTW while DILATE keeps the lowest TDI; on the events the peak stays sharp at the likeliest month.
    alpha: float = param(
        0.6,
        label="DILATE α",
        low=0.0,
        high=1.0,
        step=0.05,
        help="Weight of the shape term (soft-DTW) in DILATE; 1 − α weighs the timing term.",
    )
    # 0.1, not the paper's 0.01: with the paper's stated noise (variance 0.01) a quiet stretch already costs
    # ~0.01 a cell, so γ = 0.01 lets noise decide the alignment. Applies to the values the network sees
    # (magnitude / 10 for the earthquakes).
    gamma: float = param(
        0.1,
        label="Smoothing γ",
        low=0.001,
        high=10.0,
        step=0.001,
        help="Soft-minimum temperature of soft-DTW and DILATE: small γ is close to hard DTW, "
        "large γ averages over many alignments.",
    )
    # The seed's windows are 7 months long; applies to the generated events only.
    horizon: int = param(
        7,
        label="Horizon (months)",
        low=MIN_EVENT_STEPS,
        high=36,
        help="Months of history and months to predict in each generated window. The seed "
        "set is 7 long and the paper's synthetic set 20, whatever this says.",
    )
    # Hundreds of windows: enough that the random delay averages out in the MSE model's blur.
    windows: int = param(
        400,
        label="Training windows",
        low=20,
        high=3000,
        step=20,
        help="Generated training windows (events only); half as many are held out.",
    )
    # A little background activity on every month, in magnitudes.
    noise: float = param(
        0.2,
        label="Noise (magnitudes)",
        low=0.0,
        high=2.0,
        step=0.05,
        help="Standard deviation of Gaussian noise added to every month of the generated events.",
    )
    # 40 × 8 steps: on the events the sharp peaks form by epoch ~25; on the synthetic set DILATE already
    # beats MSE on DTW and TDI (measured on seeds 0–2).
    epochs: int = param(
        40,
        label="Epochs",
        low=1,
        high=500,
        help="Passes over the training windows (the seed took 100 full-batch steps).",
    )
    # 50 windows a step: few, larger steps.
    batch_size: int = param(50, label="Batch size", low=2, high=500, help="Windows per gradient step.")
    # Adam at 0.01, as in the seed, decayed to 5% by the last step.
    learning_rate: float = param(
        0.01,
        label="Learning rate",
        low=0.0001,
        high=0.1,
        step=0.0005,
        help="Adam's starting rate; it decays to 5% of this by the last step.",
    )
    # The seed used 100; a smaller network trains faster and still fits a 7-month pattern.
    units: int = param(
        32,
        label="BiLSTM units",
        low=2,
        high=128,
        help="Units in each direction of the bidirectional LSTM (the seed used 100).",
    )
    # Same seed → same data, same initial weights, same batches, same metrics.
    seed: int = param(0, label="Seed", low=0, high=1_000_000, help="Seeds data, weights and batch order.")

    # -- derived sizes ------------------------------------------------------------------------------------
    @property
    def steps(self) -> int:
        """Steps in each window's history and in its future."""
        return {"seed": SEED_STEPS, "dilate_synthetic": SYNTHETIC_STEPS}.get(self.dataset, self.horizon)

    @property
    def train_windows(self) -> int:
        return {"seed": 6, "dilate_synthetic": SYNTHETIC_WINDOWS}.get(self.dataset, self.windows)

    @property
    def test_windows(self) -> int:
        return {"seed": 6, "dilate_synthetic": SYNTHETIC_WINDOWS}.get(self.dataset, max(self.windows // 2, 10))

    def work(self) -> int:
        return 3 * self.train_windows * self.steps**2 * self.epochs

    def steps_per_epoch(self) -> int:
        """Gradient steps per epoch; the last, partial batch counts (the trainer trains on it)."""
        return steps_per_epoch(self.train_windows, self.batch_size)

    def constrain(self):
        config, warnings = self, []
        if config.dataset != "events" and config.horizon != Config.horizon:
            # Reset, so that the link is canonical and the run's key does not depend on an unused value.
            warnings.append(
                f"Horizon (horizon): the {config.dataset} set has {config.steps}-step windows; "
                f"the horizon applies to the generated events only, so it is back at {Config.horizon}."
            )
            config = config.replace(horizon=Config.horizon)
        per_epoch = 3 * config.train_windows * config.steps**2
        if config.dataset == "events" and per_epoch * 5 > MAX_WORK:  # too long to train even a few epochs
            longest = int((MAX_WORK / (5 * 3 * config.train_windows)) ** 0.5)
            horizon = max(MIN_EVENT_STEPS, min(config.horizon, longest))
            warnings.append(
                f"Horizon (horizon): {config.horizon} months with {config.windows} windows is more "
                f"work than one run may do here; using {horizon}."
            )
            config = config.replace(horizon=horizon)
            per_epoch = 3 * config.train_windows * config.steps**2
        epochs = max(1, min(MAX_WORK // per_epoch, MAX_STEPS // config.steps_per_epoch()))
        if epochs < config.epochs:
            warnings.append(
                f"Epochs (epochs): {config.epochs} epochs of {config.train_windows} windows of "
                f"{config.steps} steps in batches of {config.batch_size} is more work than one run "
                f"may do here; using {epochs}."
            )
            config = config.replace(epochs=epochs)
        return config, warnings


def seed_preset() -> Config:
    """The seed's own set-up: its six windows, a 100-unit BiLSTM, 100 full-batch steps of Adam at 0.01."""
    return Config(dataset="seed", units=100, epochs=100, batch_size=6, learning_rate=0.01)
