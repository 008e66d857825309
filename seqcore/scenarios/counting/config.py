"""Counting: parameters (no TensorFlow here, so the sidebar and the cache key stay light)."""

from __future__ import annotations

from dataclasses import dataclass

from seqcore.config import ConfigBase, param

MAX_WORK = 2_000_000  # sequences × length × epochs per model: about 30 s a model on one core


@dataclass(frozen=True)
class Config(ConfigBase):
    # The seed trains at length 20; both set-ups see only this length during training.
    train_length: int = param(
        20,
        label="Training length",
        low=2,
        high=40,
        help="Length of every training sequence. Evaluation sweeps lengths 1 to 40.",
    )
    # More sequences per epoch, fewer epochs: larger steps are what makes the default fast.
    train_sequences: int = param(
        1500,
        label="Training sequences",
        low=100,
        high=5000,
        step=100,
        help="Random 0/1 sequences in the training set (the seed used 1000).",
    )
    # 15 epochs is enough for the running-count model to reach MSE < 0.01 with scaled targets.
    epochs: int = param(15, label="Epochs", low=1, high=200, help="Passes over the training set (the seed used 100).")
    # 50 per batch: a compromise between few steps (speed) and noisy steps (quality).
    batch_size: int = param(
        50, label="Batch size", low=8, high=512, help="Sequences per gradient step (the seed used 32)."
    )
    # Adam at 0.01 with cosine decay: 10× the seed's rate, then annealed for precision.
    learning_rate: float = param(
        0.01,
        label="Learning rate",
        low=0.0001,
        high=0.1,
        step=0.0005,
        help="Adam's starting rate; it decays to 5% of this by the last step.",
    )
    # The seed's width.
    units: int = param(32, label="LSTM units", low=4, high=128, help="Width of the dense input layer and of the LSTM.")
    # Counts reach 20; a head that outputs ~1 trains faster than one that must output 20.
    scale_targets: bool = param(
        True, label="Scale targets", help="Divide counts by the training length inside the model (the seed did not)."
    )
    # Same seed → same data, same initial weights, same batches, same metrics.
    seed: int = param(0, label="Seed", low=0, high=1_000_000, help="Seeds data, weights and batch order.")

    def work(self) -> int:
        """Sequences × length × epochs: what the work cap counts, and what a run's time scales with."""
        return self.train_sequences * self.train_length * self.epochs

    def constrain(self):
        if self.work() <= MAX_WORK:
            return self, []
        epochs = max(1, MAX_WORK // (self.train_sequences * self.train_length))
        return self.replace(epochs=epochs), [
            f"Epochs (epochs): {self.epochs} epochs of {self.train_sequences} sequences of length "
            f"{self.train_length} is more work than one run may do here; using {epochs} epochs."
        ]


def seed_preset() -> Config:
    """The seed's own set-up: 1000 sequences, 100 epochs, batch 32, Adam's default rate, raw counts."""
    return Config(train_sequences=1000, epochs=100, batch_size=32, learning_rate=0.001, scale_targets=False)
