"""Sine frequency (seed 004): an LSTM that learns nothing, the fix, a dense net, and the FFT at the bound."""

from seqcore.scenarios import Scenario
from seqcore.scenarios.sine_frequency.config import Config, seed_preset

SCENARIO = Scenario(
    name="sine_frequency",
    title="Sine frequency",
    summary="Shown each frequency once, at one phase, with raw targets, an LSTM guesses the same number for "
            "every new sine.",
    Config=Config,
    runner="seqcore.scenarios.sine_frequency.model:run",
    version="1",
    seed_preset=seed_preset,
    headline=("naive_lstm/mae", "fixed_lstm/mae", "dense/mae", "fft/mae", "snr/fft/rmse_10",
              "snr/crlb/rmse_10"),
)
