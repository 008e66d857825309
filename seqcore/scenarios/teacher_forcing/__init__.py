"""Teacher forcing (seed 001): an encoder–decoder that scores well in training and badly at inference.

data   → ``data.py``: sums of sines cut into (history, future) windows, some targets marked missing
model  → ``networks.py``: encoder LSTM → decoder LSTM → Dense head, shared by the training and inference models;
         the direct multi-step remedy: encoder LSTM → one Dense of Ty outputs, no decoder
loss   → ``seqcore.losses.MaskedMSE`` in ``model.py``'s custom steps, fed the truth with a per-step probability
metric → ``evaluate.py``: validation masked MSE fed the truth and fed its own predictions; ``model.py`` adds each
         variant's free-running error against teacher forcing's; ``verdict.py`` words the comparison from the numbers
chart  → ``plots.py``: forecasts on the shown windows (live and replayed), error along the horizon, schedules

No TensorFlow here: the sidebar, the URL, the cache key and a cached page stay light; ``run`` imports the model.
"""

from __future__ import annotations

from seqcore.progress_events import ProgressFn
from seqcore.result import Result
from seqcore.scenario import FIX_BLUE, FIX_GREEN, FIX_PURPLE, PITFALL_RED, Scenario, Variant
from seqcore.scenarios.teacher_forcing.artifacts import Artifacts
from seqcore.scenarios.teacher_forcing.config import Config, seed_preset
from seqcore.scenarios.teacher_forcing.plots import forecast_chart
from seqcore.training import CancelToken

VARIANTS = (
    Variant("teacher_forcing", "Teacher forcing", PITFALL_RED, dash="solid", marker="circle"),
    Variant("scheduled_sampling", "Scheduled sampling", FIX_BLUE, dash="dash", marker="square"),
    Variant("free_running", "Free running", FIX_GREEN, dash="dashdot", marker="diamond"),
    Variant("direct", "Direct multi-step", FIX_PURPLE, dash="longdash", marker="triangle-up"),
)
PITFALL = "teacher_forcing"  # the variant whose two numbers make the headline gap
FIXES = ("scheduled_sampling", "free_running", "direct")
FEEDBACK = ("teacher_forcing", "scheduled_sampling", "free_running")  # decoders that feed a value back
DIRECT = "direct"  # all Ty steps at once from the encoder's state: nothing fed back, no schedule

__all__ = ["SCENARIO", "VARIANTS", "PITFALL", "FIXES", "FEEDBACK", "DIRECT", "Config", "Artifacts", "run"]


def run(cfg: Config, progress: ProgressFn | None = None, cancel: CancelToken | None = None) -> Result:
    """Train the four variants on the same windows and score them on the same validation windows
    (imports TensorFlow)."""
    from seqcore.scenarios.teacher_forcing import model

    return model.run(cfg, progress=progress, cancel=cancel)


def predictions_table(result: Result) -> tuple[list[str], list[list]]:
    """The shown windows step by step: the true value (empty where missing) and each variant's forecast fed
    the truth and fed its own predictions (one CSV row a step)."""
    shown = result.artifacts.shown
    header = ["window", "step", "truth"]
    for variant in VARIANTS:
        header += [f"{variant.key}_fed_the_truth", f"{variant.key}_free_running"]
    rows = []
    for w, truth in enumerate(shown.truth):
        for t, value in enumerate(truth):
            row = [w + 1, t + 1, "" if value is None else float(value)]
            for variant in VARIANTS:
                row += [float(shown.teacher_forced[variant.key][w][t]), float(shown.free_running[variant.key][w][t])]
            rows.append(row)
    return header, rows


def live_chart(snapshots: dict[str, dict], *, sample: int = 0, title: str = "") -> object:
    """The page's main chart — one validation window, every variant's forecast — from the trainer's snapshots."""
    return forecast_chart(snapshots, VARIANTS, sample=sample, title=title, fed_the_truth=(PITFALL,))


SCENARIO = Scenario(
    name="teacher_forcing",
    title="Teacher forcing",
    summary="Trained only on true previous values, a forecaster fed its own predictions does several times worse.",
    Config=Config,
    Artifacts=Artifacts,
    variants=VARIANTS,
    runner=run,
    # 2: the one trainer (custom step), MaskedMSE, live snapshots, typed artifacts; 3: the direct multi-step
    # variant, each variant's free-running error against teacher forcing's (vs_teacher_forcing)
    version="3",
    seed_preset=seed_preset,
    predictions_table=predictions_table,
    live_chart=live_chart,
    headline=(
        "teacher_forcing/teacher_forced_mse",
        "teacher_forcing/free_running_mse",
        "teacher_forcing/gap",
        "scheduled_sampling/free_running_mse",
        "free_running/free_running_mse",
        "direct/free_running_mse",
        "check/inference_matches_training",
    ),
)
