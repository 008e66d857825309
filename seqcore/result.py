"""What a scenario run returns: the contract the CLI, the benchmarks and the pages rely on."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping


@dataclass
class Result:
    """Everything one run produced.

    ``metrics`` is flat, keys ``"<variant>/<metric>"``; ``history`` holds per-epoch logs by variant;
    ``artifacts`` holds the JSON-able numbers the page draws (so a cached run draws without TensorFlow);
    ``models`` maps variant → keras model (loaded lazily when the result comes from the store).
    """

    scenario: str
    config: dict[str, Any]
    metrics: dict[str, float]
    history: dict[str, list[dict[str, float]]]
    artifacts: dict[str, Any]
    models: Mapping[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
