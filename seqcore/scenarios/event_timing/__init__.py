"""Event timing (seed 000): MSE's blur against time-tolerant losses (soft-DTW, DILATE)."""

from seqcore.scenarios import Scenario
from seqcore.scenarios.event_timing.config import Config, seed_preset

SCENARIO = Scenario(
    name="event_timing",
    title="Event timing",
    summary="Trained with MSE, a forecaster spreads an event it cannot time into a low blur; losses that "
            "align in time keep it sharp.",
    Config=Config,
    runner="seqcore.scenarios.event_timing.model:run",
    version="1",
    seed_preset=seed_preset,
    headline=("mse/peak_height_error", "dilate/peak_height_error", "soft_dtw/peak_height_error",
              "mse/tdi", "dilate/tdi"),
)
