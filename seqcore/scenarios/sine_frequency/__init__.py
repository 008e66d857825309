"""Sine frequency (seed 004): an LSTM that learns nothing, the fix, a dense net, and the FFT at the bound.

data   → ``data.py``: seeded sines sin(2π f t + φ) (+ noise at an SNR); train sets per variant, a held-out set
model  → ``networks.py``: naive LSTM, fixed LSTM, dense net; ``estimators.py``: periodogram + fit (no training)
loss   → MAE of the raw frequency (naive, as the question) or MSE of the scaled one (fixes), via ``seqcore.training``
metric → ``model.py`` / ``snr.py``: held-out MAE and RMSE, RMSE against SNR beside the Cramér–Rao bound and
         the threshold SNR below which no estimator follows the bound
chart  → ``plots.py``: estimated against true frequency (live and replayed), errors, examples, SNR, training curves

No TensorFlow here: the sidebar, the URL, the cache key and a cached page stay light; ``run`` imports the model.
"""

from __future__ import annotations

from seqcore.progress_events import ProgressFn
from seqcore.result import Result
from seqcore.scenario import FIX_BLUE, FIX_GREEN, PITFALL_RED, REFERENCE_BROWN, Scenario, Variant
from seqcore.scenarios.sine_frequency.artifacts import Artifacts
from seqcore.scenarios.sine_frequency.config import (
    SEED_SWEEP_TRAIN_MAE,
    SNR_LEVELS_DB,
    Config,
    seed_preset,
)
from seqcore.training import CancelToken

VARIANTS = (
    Variant("naive_lstm", "naive LSTM", PITFALL_RED, dash="dot", marker="x"),
    Variant("fixed_lstm", "fixed LSTM", FIX_BLUE, dash="solid", marker="circle"),
    Variant("dense", "dense network", FIX_GREEN, dash="dash", marker="square"),
    Variant("fft", "FFT, refined", REFERENCE_BROWN, dash="dashdot", marker="diamond"),
)
LEARNED = ("naive_lstm", "fixed_lstm", "dense")  # the variants that train; "fft" needs no training
UNIT = "cycles per series"  # f full periods between the first and the last sample
EXAMPLES_SHOWN = 6  # held-out series drawn one at a time, spread from low to high frequency
SNAPSHOT_POINTS = 200  # held-out series in the live chart (and its replay): a fixed, evenly spread subset
FFT_PLAIN_NAME = "FFT peak + parabola only"  # the periodogram without the least-squares step (SNR chart)
CRLB_NAME = "Cramér–Rao bound"
AT_THE_BOUND = 1.1  # an RMSE within this factor of the bound "follows the bound" (the threshold's test)

__all__ = [
    "SCENARIO",
    "VARIANTS",
    "LEARNED",
    "Config",
    "Artifacts",
    "UNIT",
    "EXAMPLES_SHOWN",
    "SNAPSHOT_POINTS",
    "FFT_PLAIN_NAME",
    "CRLB_NAME",
    "AT_THE_BOUND",
    "SNR_LEVELS_DB",
    "SEED_SWEEP_TRAIN_MAE",
    "run",
]


def run(cfg: Config, progress: ProgressFn | None = None, cancel: CancelToken | None = None) -> Result:
    """Train the learned estimators, run the FFT estimator, compare all on held-out series (imports TensorFlow)."""
    from seqcore.scenarios.sine_frequency import model

    return model.run(cfg, progress=progress, cancel=cancel)


def predictions_table(result: Result) -> tuple[list[str], list[list]]:
    """Every held-out series: its true frequency and each estimator's estimate, in cycles per series."""
    held = result.artifacts.held_out
    header = ["series", "true_frequency", *(f"estimate_{v.key}" for v in VARIANTS)]
    rows = [
        [i + 1, float(true), *(float(held.predicted[v.key][i]) for v in VARIANTS)] for i, true in enumerate(held.true)
    ]
    return header, rows


def live_chart(snapshots: dict[str, dict], *, sample: int = 0, title: str = "") -> object:
    """The page's main chart — estimated against true frequency, a panel per estimator — from the trainer's
    snapshots (live or replayed). ``sample`` is not used: every shown series is drawn at once."""
    from seqcore.scenarios.sine_frequency.plots import estimated_vs_true  # plotly only when a chart is drawn

    return estimated_vs_true(snapshots, VARIANTS, title=title)


SCENARIO = Scenario(
    name="sine_frequency",
    title="Sine frequency",
    summary="Shown each frequency once, at one phase, with raw targets, an LSTM guesses the same number for "
    "every new sine.",
    Config=Config,
    Artifacts=Artifacts,
    variants=VARIANTS,
    runner=run,
    # 2: the one trainer (seeded batch orders of its own convention), live snapshots, typed artifacts; 3: the
    # page's own max-frequency sweep is gone (its param, metrics and artifact): the sweep panel draws it; 4: every
    # estimator scored at 30 and 40 dB too, the SNR chart 2 dB apart below 10 dB with its threshold
    version="4",
    seed_preset=seed_preset,
    predictions_table=predictions_table,
    live_chart=live_chart,
    headline=("naive_lstm/mae", "fixed_lstm/mae", "dense/mae", "fft/mae", "snr/fft/rmse_10", "snr/crlb/rmse_10"),
)
