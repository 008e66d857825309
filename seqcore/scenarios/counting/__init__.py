"""Counting (seed 003): many-to-one vs many-to-many, and carrying LSTM state across chunks.

data   → ``data.py``: random 0/1 sequences; targets are the total (many-to-one) or the running count (many-to-many)
model  → ``model.py``: Dense → LSTM → Dense (+ a fixed rescale to counts), one per variant; twins for streaming
loss   → MSE of the count (keras' own), trained by ``seqcore.training.train`` with a ``KerasStep``
metric → ``model.py``: MSE of the count at every length 1..40 on held-out sequences; streaming equals whole
chart  → ``plots.py``: one sequence step by step (live and replayed), error against length, hidden state, stream

No TensorFlow here: the sidebar, the URL, the cache key and a cached page stay light; ``run`` imports the model.
"""

from __future__ import annotations

from seqcore.progress_events import ProgressFn
from seqcore.result import Result
from seqcore.scenario import FIX_BLUE, PITFALL_RED, Scenario, Variant
from seqcore.scenarios.counting.artifacts import Artifacts
from seqcore.scenarios.counting.config import Config, seed_preset
from seqcore.scenarios.counting.data import MAX_STREAM_BITS, MAX_STREAM_CHUNKS, MAX_STREAM_TEXT, parse_chunks
from seqcore.training import CancelToken

VARIANTS = (
    Variant("many_to_one", "many-to-one", PITFALL_RED, dash="dash", marker="x"),
    Variant("many_to_many", "many-to-many", FIX_BLUE, dash="solid", marker="circle"),
)
REPORTED_LENGTHS = (1, 5, 10, 20, 30, 40)  # metric keys "<variant>/mse_len_<L>"
HEADLINE_LENGTH = 5  # the page's headline: the error at a length shorter than the training length
SAMPLES_SHOWN = 8  # held-out sequences drawn step by step (and streamed live while training)
# The streaming box takes twice the longest text parse_chunks accepts, so a paste that is too long reaches it and
# is refused with a reason, instead of being cut short by the text box without a word.
STREAM_INPUT_CHARS = 2 * MAX_STREAM_TEXT

__all__ = [
    "SCENARIO",
    "VARIANTS",
    "Config",
    "Artifacts",
    "REPORTED_LENGTHS",
    "HEADLINE_LENGTH",
    "SAMPLES_SHOWN",
    "STREAM_INPUT_CHARS",
    "MAX_STREAM_BITS",
    "MAX_STREAM_CHUNKS",
    "MAX_STREAM_TEXT",
    "parse_chunks",
    "run",
]


def run(cfg: Config, progress: ProgressFn | None = None, cancel: CancelToken | None = None) -> Result:
    """Train both variants on the same data and seed; sweep length; check streaming (imports TensorFlow)."""
    from seqcore.scenarios.counting import model

    return model.run(cfg, progress=progress, cancel=cancel)


def predictions_table(result: Result) -> tuple[list[str], list[list]]:
    """The shown sequences step by step: input bit, true count, and each variant's count (one CSV row a step)."""
    samples = result.artifacts.samples
    header = ["sequence", "step", "bit", "true_count", *(f"count_{v.key}" for v in VARIANTS)]
    rows = []
    for s, bits in enumerate(samples.bits):
        for t, bit in enumerate(bits):
            rows.append(
                [
                    s + 1,
                    t + 1,
                    int(bit),
                    int(samples.counts[s][t]),
                    *(float(samples.predicted[v.key][s][t]) for v in VARIANTS),
                ]
            )
    return header, rows


def live_chart(snapshots: dict[str, dict], *, sample: int = 0, title: str = "") -> object:
    """The page's main chart — one sequence step by step — from the trainer's snapshots (live or replayed)."""
    from seqcore.scenarios.counting.plots import sample_steps  # plotly only when a chart is drawn

    return sample_steps(snapshots, VARIANTS, sample=sample, title=title)


SCENARIO = Scenario(
    name="counting",
    title="Counting",
    summary="Trained only on the final total, an LSTM counts right at one length and wrong at every other.",
    Config=Config,
    Artifacts=Artifacts,
    variants=VARIANTS,
    runner=run,
    version="2",  # 2: the one trainer, live snapshots, typed artifacts
    seed_preset=seed_preset,
    predictions_table=predictions_table,
    live_chart=live_chart,
    headline=("many_to_one/mse_len_5", "many_to_one/mse_len_40", "many_to_many/mse_len_20", "stream/max_abs_diff"),
)
