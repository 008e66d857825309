"""Teacher forcing: the page's words about the remedies, derived from the numbers (no TensorFlow, no Streamlit).

A remedy is judged on what inference gets — its free-running error — against two numbers of teacher forcing's:
its free-running error (what the pitfall really does) and its teacher-forced error (what its validation loss
promised). The gap is the distance between those two; a remedy "closes the gap" only when its own free-running
error comes down to about what that validation loss promised, and otherwise the page says how far it gets.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from seqcore.scenario import Variant

CLOSED = 0.9  # share of the gap a remedy must close to be said to close it
NARROWED = 0.1  # below this share (and not worse), the remedy is "about as good as teacher forcing"
WORSE = 1.1  # a free-running error above this × teacher forcing's is called worse


def gap_closed(metrics: Mapping[str, float], variant: str, pitfall: str) -> float | None:
    """The share of teacher forcing's gap that ``variant`` closes: 1 when its free-running error equals what
    teacher forcing's validation loss promised, 0 when it equals teacher forcing's own free-running error.
    ``None`` when teacher forcing shows no gap to close."""
    promised = metrics[f"{pitfall}/teacher_forced_mse"]
    actual = metrics[f"{pitfall}/free_running_mse"]
    if actual <= promised:
        return None
    return (actual - metrics[f"{variant}/free_running_mse"]) / (actual - promised)


def remedy_verdict(metrics: Mapping[str, float], variant: Variant, pitfall: str) -> str:
    """One sentence about one remedy, in plain words with its numbers."""
    free = metrics[f"{variant.key}/free_running_mse"]
    ratio = metrics[f"{variant.key}/vs_teacher_forcing"]
    promised = metrics[f"{pitfall}/teacher_forced_mse"]
    share = gap_closed(metrics, variant.key, pitfall)
    numbers = f"free-running MSE {free:#.3g}, {ratio:.0%} of teacher forcing's"  # #: 0.280, as the metrics show it
    if ratio > WORSE:
        return f"**{variant.name}** does worse than teacher forcing at inference ({numbers})."
    if share is None:
        return f"**{variant.name}**: {numbers}; teacher forcing shows no gap to close with these settings."
    if share >= CLOSED:
        return (
            f"**{variant.name}** closes the gap: fed its own predictions it does about as well as teacher "
            f"forcing's validation loss promised ({free:#.3g} against {promised:#.3g})."
        )
    if share >= NARROWED:
        return f"**{variant.name}** narrows the gap by {share:.0%} but does not close it ({numbers})."
    return f"**{variant.name}** does about as well as teacher forcing at inference ({numbers})."


def verdicts(metrics: Mapping[str, float], variants: Sequence[Variant], pitfall: str) -> list[str]:
    """A sentence per remedy (every variant but the pitfall), in the variants' order."""
    return [remedy_verdict(metrics, variant, pitfall) for variant in variants if variant.key != pitfall]


def best_remedy(metrics: Mapping[str, float], remedies: Sequence[str]) -> str:
    """The remedy with the lowest free-running error."""
    return min(remedies, key=lambda key: metrics[f"{key}/free_running_mse"])


def noise_summary(runs: Sequence[Mapping[str, Any]], variants: Sequence[Variant], pitfall: str) -> str:
    """What a noise sweep shows, in two sentences: the best remedy's free-running error against teacher
    forcing's at the least and the most noise, and teacher forcing's own gap at both. ``runs`` are a sweep's
    points ({"value", "metrics"}), in order of noise."""
    if len(runs) < 2:
        raise ValueError(f"runs: a noise sweep needs at least 2 points; received {len(runs)}")
    remedies = [v.key for v in variants if v.key != pitfall]
    name = {v.key: v.name for v in variants}

    def at(run: Mapping[str, Any]) -> tuple[str, float, float]:
        metrics = run["metrics"]
        best = best_remedy(metrics, remedies)
        ratio = metrics[f"{best}/free_running_mse"] / max(metrics[f"{pitfall}/free_running_mse"], 1e-12)
        return best, ratio, metrics[f"{pitfall}/gap"]

    (low_best, low_ratio, low_gap), (high_best, high_ratio, high_gap) = at(runs[0]), at(runs[-1])
    trend = "shrinks" if high_ratio > low_ratio else "grows"
    first, last = runs[0]["metrics"], runs[-1]["metrics"]
    rising = all(last[f"{v.key}/free_running_mse"] > first[f"{v.key}/free_running_mse"] for v in variants)
    return (
        f"Against noise (the **Noise** sweep below, default settings otherwise): at noise {runs[0]['value']:g} the "
        f"best remedy ({name[low_best].lower()}) makes {low_ratio:.0%} of teacher forcing's free-running error, "
        f"at noise {runs[-1]['value']:g} the best ({name[high_best].lower()}) makes {high_ratio:.0%}: the "
        f"remedies' advantage {trend} as the data get noisier. Teacher forcing's own gap goes from "
        f"{low_gap:.1f}× to {high_gap:.1f}×"
        + (", while every variant's free-running error grows." if rising else ".")
        # the noise is added to the targets too: its variance is a floor under every MSE
        + f" Part of every error at noise {runs[-1]['value']:g} is the noise in the true future itself "
        f"(variance {runs[-1]['value'] ** 2:.3g}), which no forecast can predict."
    )
