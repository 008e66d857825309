"""The scenario registry: one entry per page, in the order the home page lists them."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Callable

from seqcore.result import Result
from seqcore.training import CancelToken, ProgressFn


@dataclass(frozen=True)
class Scenario:
    """A page's library side. ``runner`` is imported only when a run starts, so reading a scenario's
    ``Config`` (the sidebar, the URL, the cache key) never imports TensorFlow."""

    name: str
    title: str
    summary: str  # one sentence: the pitfall, in plain words
    Config: type
    runner: str  # "package.module:function" with signature run(cfg, progress=None, cancel=None) -> Result
    version: str  # bump when a change to the code changes results: old cache entries stop matching
    seed_preset: Callable[[], Any]  # the seed's own set-up as a Config (for the benchmark)
    headline: tuple[str, ...] = field(default=())  # metric keys the benchmark prints

    def load_runner(self) -> Callable[..., Result]:
        """Import the training code (TensorFlow with it) and return its run function."""
        module_name, function_name = self.runner.split(":")
        return getattr(importlib.import_module(module_name), function_name)

    def run(self, cfg: Any = None, progress: ProgressFn | None = None,
            cancel: CancelToken | None = None) -> Result:
        cfg = self.Config() if cfg is None else cfg
        if not isinstance(cfg, self.Config):
            raise ValueError(f"cfg: must be a {self.name} Config; received {type(cfg).__name__}")
        return self.load_runner()(cfg, progress=progress, cancel=cancel)


# Each module defines SCENARIO. Order = the order of pages in the app.
_MODULES = (
    "seqcore.scenarios.event_timing",
    "seqcore.scenarios.teacher_forcing",
    "seqcore.scenarios.binary_labels",
    "seqcore.scenarios.counting",
    "seqcore.scenarios.sine_frequency",
)

SCENARIOS: dict[str, Scenario] = {}
for _name in _MODULES:
    _scenario = importlib.import_module(_name).SCENARIO
    SCENARIOS[_scenario.name] = _scenario


def get_scenario(name: str) -> Scenario:
    if name not in SCENARIOS:
        raise ValueError(f"name: must be one of {', '.join(SCENARIOS)}; received {name!r}")
    return SCENARIOS[name]
