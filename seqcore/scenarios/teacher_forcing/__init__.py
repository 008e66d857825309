"""Teacher forcing (seed 001): an encoder–decoder that scores well in training and badly at inference."""

from seqcore.scenarios import Scenario
from seqcore.scenarios.teacher_forcing.config import Config, seed_preset

SCENARIO = Scenario(
    name="teacher_forcing",
    title="Teacher forcing",
    summary="Trained only on true previous values, a forecaster fed its own predictions does several times worse.",
    Config=Config,
    runner="seqcore.scenarios.teacher_forcing.model:run",
    version="1",
    seed_preset=seed_preset,
    headline=("teacher_forcing/teacher_forced_mse", "teacher_forcing/free_running_mse", "teacher_forcing/gap",
              "scheduled_sampling/free_running_mse", "free_running/free_running_mse",
              "check/inference_matches_training"),
)
