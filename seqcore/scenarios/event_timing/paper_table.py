"""Event timing beside the DILATE paper: its Table 1 layout with our run, our spread over seeds (the shipped seed
sweep of the paper set-up), the paper's means and the official code's, and which of theirs lie outside our spread.
Pure functions of numbers (no TensorFlow, no Streamlit)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from seqcore.scenario import Variant

PAPER_COLUMNS = {"mse_x100": "MSE ×100", "dtw_x100": "DTW ×100", "tdi_x10": "TDI ×10"}


def seed_spread(document: Mapping[str, Any] | None, variants: Sequence[Variant]) -> dict[str, dict[str, tuple]]:
    """From a shipped seed sweep's runs: per variant and paper-scaled metric, (mean, sample standard deviation,
    number of runs). Empty without a document; a metric some run lacks is left out."""
    runs = (document or {}).get("runs", [])
    spread: dict[str, dict[str, tuple]] = {}
    for variant in variants:
        for metric in PAPER_COLUMNS:
            values = [run["metrics"].get(f"{variant.key}/{metric}") for run in runs]
            if len(values) >= 2 and all(isinstance(value, (int, float)) for value in values):
                spread.setdefault(variant.key, {})[metric] = (
                    float(np.mean(values)),
                    float(np.std(values, ddof=1)),
                    len(values),
                )
    return spread


def paper_rows(
    table: Mapping[str, Mapping[str, float]],
    paper: Any,
    variants: Sequence[Variant],
    spread: Mapping[str, Mapping[str, tuple]] | None = None,
) -> dict[str, dict]:
    """The paper's Table 1 layout in its scaling (MSE × 100, DTW × 100, TDI × 10): for each loss our row, our
    mean ± standard deviation over seeds (:func:`seed_spread`, when given), the paper's and the official code's
    (with its seconds of training)."""

    def row(numbers: Mapping[str, Any], keys: Sequence[str]) -> dict:
        named = {column: numbers.get(key) for column, key in zip(PAPER_COLUMNS.values(), keys)}
        return {**named, "seconds": numbers.get("seconds")}

    def mean_and_spread(numbers: Mapping[str, tuple]) -> dict:
        return {metric: f"{mean:.3g} ± {sd:.2g}" for metric, (mean, sd, _) in numbers.items()}

    ours, theirs = list(PAPER_COLUMNS), ["mse", "dtw", "tdi"]
    rows = {}
    for variant in variants:
        rows[f"{variant.name}: ours"] = row(table.get(variant.key, {}), ours)
        if spread and variant.key in spread:
            runs = max(count for _, _, count in spread[variant.key].values())
            rows[f"{variant.name}: ours, {runs} seeds"] = row(mean_and_spread(spread[variant.key]), ours)
        rows[f"{variant.name}: paper"] = row(paper.rows.get(variant.key, {}), theirs)
        rows[f"{variant.name}: official code"] = row(paper.official.get(variant.key, {}), theirs)
    return rows


def outside_spread(
    spread: Mapping[str, Mapping[str, tuple]], paper: Any, variants: Sequence[Variant], deviations: float = 2.0
) -> tuple[int, list[str]]:
    """How many of the paper's and the official code's means were compared with our spread, and a phrase for
    each that lies more than ``deviations`` of our standard deviations from our mean."""
    compared, outside = 0, []
    for variant in variants:
        for metric, (mean, sd, _) in spread.get(variant.key, {}).items():
            column = PAPER_COLUMNS[metric]
            for source, rows in (("the paper", paper.rows), ("the official code", paper.official)):
                theirs = rows.get(variant.key, {}).get(metric.split("_")[0])
                if theirs is None:
                    continue
                compared += 1
                if abs(theirs - mean) > deviations * sd:
                    outside.append(f"{variant.name}'s {column} ({source} {theirs:.3g}, ours {mean:.3g} ± {sd:.2g})")
    return compared, outside


ONE_SEED = (
    " The paper reports each number as mean ± std over 10 runs; we could not check its ± here, so only its means are "
    "shown. Ours is one seed: compare orderings, and read gaps of a few units as noise."
)


def spread_note(
    document: Mapping[str, Any], spread: Mapping[str, Mapping[str, tuple]], paper: Any, variants: Sequence[Variant]
) -> str:
    """The caption's sentences about our spread: which runs it is, and which of the references lie outside it."""
    seeds = [int(run["value"]) for run in document["runs"]]
    named = f"{seeds[0]}–{seeds[-1]}" if seeds == list(range(seeds[0], seeds[-1] + 1)) else ", ".join(map(str, seeds))
    compared, outside = outside_spread(spread, paper, variants)
    verdict = (
        f"All {compared} of the paper's and the official code's means lie within two of our standard deviations."
        if not outside
        else f"Of the paper's and the official code's {compared} means, {compared - len(outside)} lie within two of "
        f"our standard deviations; not: {'; '.join(outside)}."
    )
    return (
        f" “Ours, {len(seeds)} seeds” is the Paper set-up trained with seeds {named} (shipped with the app): mean ± "
        f"sample standard deviation, the spread from the seed alone. {verdict} The paper reports mean ± std over 10 "
        "runs; we could not check its ± here, so only its means are shown."
    )
