"""What a scenario run returns: the contract the CLI, the benchmarks and the pages rely on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Result:
    """Everything one run produced.

    ``metrics`` is flat, keys ``"<variant>/<metric>"``; ``history`` holds per-epoch logs by variant;
    ``artifacts`` is the scenario's typed record of what the page draws (``Scenario.Artifacts``, JSON-able, so a
    cached run draws without TensorFlow);
    ``models`` maps variant → keras model (loaded lazily when the result comes from the store).
    """

    scenario: str
    config: dict[str, Any]
    metrics: dict[str, float]
    history: dict[str, list[dict[str, float]]]
    artifacts: Any  # a seqcore.records.Record: the scenario's Artifacts
    models: Mapping[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
