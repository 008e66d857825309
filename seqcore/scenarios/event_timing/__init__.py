"""Event timing (seed 000): MSE's blur against time-tolerant losses (soft-DTW, DILATE).

data   → ``data.py``: earthquake windows like the seed's (two 5s, then an 8 and a 4 after a delay their gap hints at),
         the seed's six, or the DILATE paper's synthetic steps (its generator as its official code writes it)
model  → ``networks.py``: the seed's BiLSTM with a per-month linear head, or the DILATE paper's GRU encoder–decoder
         (the ``paper`` preset: the paper's synthetic experiment); ``model.py`` trains one per variant
loss   → MSE (keras'), ``seqcore.losses.SoftDTW`` or ``Dilate``, trained by ``seqcore.training.train`` (KerasStep)
metric → ``evaluate.py`` with ``seqcore.metrics``: MSE, DTW, TDI and the peak's month and height errors on
         held-out windows
chart  → ``plots.py``: the forecasts on the shown windows (live and replayed), peaks, alignments, DILATE's parts;
         ``paper_table.py``: our numbers beside the paper's Table 1, with our spread over seeds

No TensorFlow here: the sidebar, the URL, the cache key and a cached page stay light; ``run`` imports the model.
"""

from __future__ import annotations

from seqcore.progress_events import ProgressFn
from seqcore.result import Result
from seqcore.scenario import FIX_BLUE, FIX_GREEN, PITFALL_RED, Scenario, Variant
from seqcore.scenarios.event_timing.artifacts import Artifacts
from seqcore.scenarios.event_timing.config import Config, paper_preset, seed_preset
from seqcore.scenarios.event_timing.plots import forecast_chart
from seqcore.training import CancelToken

VARIANTS = (
    Variant("mse", "MSE", PITFALL_RED, dash="solid", marker="circle"),
    Variant("soft_dtw", "soft-DTW", FIX_BLUE, dash="dash", marker="square"),
    Variant("dilate", "DILATE", FIX_GREEN, dash="dashdot", marker="diamond"),
)
PITFALL, FIX = "mse", "dilate"  # the headline compares these two

__all__ = ["SCENARIO", "VARIANTS", "PITFALL", "FIX", "Config", "Artifacts", "run"]


def run(cfg: Config, progress: ProgressFn | None = None, cancel: CancelToken | None = None) -> Result:
    """Train the three variants on the same data and seed; score them on held-out windows (imports TensorFlow)."""
    from seqcore.scenarios.event_timing import model

    return model.run(cfg, progress=progress, cancel=cancel)


def predictions_table(result: Result) -> tuple[list[str], list[list]]:
    """The shown windows month by month: history then future, and each variant's forecast of the future."""
    artifacts = result.artifacts
    shown = artifacts.windows
    header = [
        "window",
        "held_out_window",
        "part",
        artifacts.time_unit,
        "value",
        *(f"predicted_{v.key}" for v in VARIANTS),
    ]
    rows = []
    for w, held_out in enumerate(shown.index):
        for t, value in enumerate(shown.features[w]):
            rows.append([w + 1, held_out + 1, "history", t + 1, float(value), *[""] * len(VARIANTS)])
        for t, value in enumerate(shown.labels[w]):
            rows.append(
                [
                    w + 1,
                    held_out + 1,
                    "future",
                    t + 1,
                    float(value),
                    *(float(shown.predicted[v.key][w][t]) for v in VARIANTS),
                ]
            )
    return header, rows


def live_chart(snapshots: dict[str, dict], *, sample: int = 0, title: str = "") -> object:
    """The page's main chart — one window's history, true future and every variant's forecast — from the
    trainer's snapshots (live or replayed)."""
    return forecast_chart(snapshots, VARIANTS, sample=sample, title=title)


SCENARIO = Scenario(
    name="event_timing",
    title="Event timing",
    summary="Trained with MSE, a forecaster spreads an event it cannot time into a low blur; losses that "
    "align in time keep it sharp.",
    Config=Config,
    Artifacts=Artifacts,
    variants=VARIANTS,
    runner=run,
    # 2: the one trainer (KerasStep, partial batches kept), live snapshots, typed artifacts; 3: the paper's network
    # and generator (uniform noise, as its code), the timing hint, paper-scaled metrics
    version="3",
    seed_preset=seed_preset,
    presets={"paper": paper_preset},
    predictions_table=predictions_table,
    live_chart=live_chart,
    headline=(
        "mse/peak_height_error",
        "dilate/peak_height_error",
        "soft_dtw/peak_height_error",
        "mse/tdi",
        "dilate/tdi",
    ),
)
