"""Event timing: parameters (no TensorFlow here, so the sidebar and the cache key stay light)."""

from __future__ import annotations

from dataclasses import dataclass

from seqcore.config import ConfigBase, param
from seqcore.training import steps_per_epoch

DATASETS = ("events", "seed", "dilate_synthetic")
NETWORKS = ("bilstm", "seq2seq_gru")  # the seed's BiLSTM; the DILATE paper's GRU encoder–decoder
SEED_STEPS, SYNTHETIC_STEPS = 7, 20  # fixed lengths of the seed's windows and of the paper's synthetic set
SYNTHETIC_WINDOWS = 500  # the paper's 500 train / 500 test series
MIN_EVENT_STEPS = 7  # shorter windows cannot hold the 8 (off the first month) and the 4 after every delay
# Training work per run: windows × steps² (the soft-DTW grid) × epochs, summed over the three variants, and
# gradient steps per variant (each has a fixed cost however small the batch). The synthetic set's default
# (24 M, 400 steps) takes about 20 s on two cores; the caps keep any run near a minute on one.
MAX_WORK = 40_000_000
MAX_STEPS = 2_500
# The paper's protocol is the one run allowed past that minute: its GRU encoder–decoder needs ~200 epochs to reach the
# paper's numbers (measured: DILATE's DTW is still 40 % above them after 100, 30 % after a 150-epoch schedule),
# several minutes here. The cap for that network is the protocol's own work, so a link to it opens unchanged and
# nothing heavier can be asked for.
PAPER_EPOCHS = 200
PAPER_MAX_WORK = 3 * SYNTHETIC_WINDOWS * SYNTHETIC_STEPS**2 * PAPER_EPOCHS


@dataclass(frozen=True)
class Config(ConfigBase):
    # The generated set: hundreds of windows in the seed's spirit (the seed's six are a choice away).
    dataset: str = param(
        "events",
        label="Data set",
        choices=DATASETS,
        help="Events: generated earthquake windows like the seed's; Seed: the seed's six "
        "windows exactly; DILATE synthetic: the DILATE paper's step series.",
    )
    # The seed's network by default; the paper's encoder–decoder for its protocol (see paper_preset).
    network: str = param(
        "bilstm",
        label="Network",
        choices=NETWORKS,
        help="BiLSTM: the seed's bidirectional LSTM with one output per future step; Seq2seq GRU: the "
        "DILATE paper's GRU encoder–decoder, which predicts one step at a time from its own last prediction.",
    )
    # The paper's 0.5. Searched on the events with the timing hint at 0.7 (seed 0): 0.3 gives the lowest TDI but
    # hedges the peak (peak month error no better than soft-DTW's); 0.5 and 0.6 time the peak alike, 0.5 with the
    # lower TDI.
    alpha: float = param(
        0.5,
        label="DILATE α",
        low=0.0,
        high=1.0,
        step=0.05,
        help="Weight of the shape term (soft-DTW) in DILATE; 1 − α weighs the timing term.",
    )
    # 0.1, not the paper's 0.01 (its preset uses 0.01): on the events (magnitude / 10, noise 0.02 in those units) a
    # quiet month already costs ~0.0004 a cell, and γ = 0.1 keeps the alignment smooth enough to train the peak's
    # timing. Applies to the values the network sees.
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
    # How far the history tells when the 8 comes (the gap between the two 5s announces the delay).
    # 0.7: the history tells the delay often enough that a loss which minds timing can learn it, and not so often
    # that MSE loses its blur (at 0.9 MSE already puts a sharp 8 at the announced month; at 0 no loss can time the
    # 8, and soft-DTW and DILATE coincide: both put it at the likeliest month).
    hint: float = param(
        0.7,
        label="Timing hint",
        low=0.0,
        high=1.0,
        step=0.05,
        help="Generated events only. 0: as in the seed, the 5s are always 2 months apart and nothing in the "
        "history says which delay comes. Above 0: the gap between the 5s (1, 2 or 3 months) announces a delay "
        "of 3, 4 or 5 months, kept with this probability (otherwise the delay is random).",
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
        label="Units",
        low=2,
        high=128,
        help="Units in each direction of the bidirectional LSTM (the seed used 100), or in the GRU encoder "
        "and decoder (the paper used 128).",
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
        if config.dataset != "events" and config.hint != Config.hint:
            warnings.append(
                f"Timing hint (hint): applies to the generated events only, so it is back at {Config.hint}."
            )
            config = config.replace(hint=Config.hint)
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
        limit = MAX_WORK if config.network == "bilstm" else PAPER_MAX_WORK
        epochs = max(1, min(limit // per_epoch, MAX_STEPS // config.steps_per_epoch()))
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


# The DILATE paper's synthetic experiment (Le Guen & Thome, NeurIPS 2019, Table 1; official code
# vincent-leguen/DILATE): its data, its GRU encoder–decoder (128 units, decoder head 16), batch 100, Adam, γ = 0.01,
# α = 0.5. Where we differ, to reach its numbers in fewer steps: Adam at PAPER_LEARNING_RATE instead of a constant
# 0.001, decayed by the one cosine schedule, and PAPER_EPOCHS instead of 300–500 (time to quality, measured on seed
# 0: DILATE's MSE/DTW/TDI in the paper's scaling are 1.54/27.0/12.5 after 100 of 200 epochs, 1.38/20.6/14.8 after
# 165; a 150-epoch schedule ends at 1.54/29.9/12.6).
PAPER_LEARNING_RATE = 0.005


def paper_preset() -> Config:
    """The DILATE paper's protocol on its synthetic set (the page's "paper protocol")."""
    return Config(
        dataset="dilate_synthetic",
        network="seq2seq_gru",
        units=128,
        batch_size=100,
        learning_rate=PAPER_LEARNING_RATE,
        epochs=PAPER_EPOCHS,
        alpha=0.5,
        gamma=0.01,
    )
