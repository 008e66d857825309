"""Counting (seed 003): many-to-one vs many-to-many, and carrying LSTM state across chunks."""

from seqcore.scenarios import Scenario
from seqcore.scenarios.counting.config import Config, seed_preset

SCENARIO = Scenario(
    name="counting",
    title="Counting",
    summary="Trained only on the final total, an LSTM counts right at one length and wrong at every other.",
    Config=Config,
    runner="seqcore.scenarios.counting.model:run",
    version="1",
    seed_preset=seed_preset,
    headline=("many_to_one/mse_len_5", "many_to_one/mse_len_40", "many_to_many/mse_len_20",
              "stream/max_abs_diff"),
)
