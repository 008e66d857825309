"""Binary labels (seed 002): MSE on class numbers, a one-unit sparse softmax that breaks, and the fixes."""

from seqcore.scenarios import Scenario
from seqcore.scenarios.binary_labels.config import Config, seed_preset

SCENARIO = Scenario(
    name="binary_labels",
    title="Binary labels",
    summary="Labels 1/2 on one output unit: MSE limps along, sparse softmax cross-entropy cannot work at all.",
    Config=Config,
    runner="seqcore.scenarios.binary_labels.model:run",
    version="1",
    seed_preset=seed_preset,
    headline=("mse_raw/accuracy", "mse_raw/brier", "sigmoid_bce/accuracy", "softmax_2class/accuracy",
              "softmax_2class/brier"),
)
