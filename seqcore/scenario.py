"""The Scenario record (one per page) and the Variant record (one per model a page compares).

A scenario's package declares both once in its ``__init__.py`` — with no TensorFlow import, so the sidebar,
the URL, the cache key and a cached page stay light — and every chart, table, select box and download of the
app reads names, colours and dashes from here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from seqcore.progress_events import ProgressFn
from seqcore.result import Result
from seqcore.training import CancelToken

# Colours by role, the same on every page: the pitfall warm, the fixes cool, references neutral.
PITFALL_RED = "#d62728"
FIX_BLUE = "#1f77b4"
FIX_GREEN = "#2ca02c"
FIX_PURPLE = "#9467bd"
REFERENCE_BROWN = "#8c564b"
REFERENCE_GREY = "#7f7f7f"
DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
MARKERS = ("circle", "square", "diamond", "triangle-up", "x", "star")


@dataclass(frozen=True)
class Variant:
    """One model (or estimator) a page compares: its key in metrics and the URL, and how a person sees it.

    The dash and marker mean colour is never the only cue (red against green reads the same to many people).
    """

    key: str  # identifier: metric keys "<key>/<metric>", model files, URL values
    name: str  # the human name in every legend, table, select box and download
    colour: str
    dash: str = "solid"
    marker: str = "circle"

    def line(self, **extra: Any) -> dict:
        """Plotly ``line=`` for this variant."""
        return {"color": self.colour, "dash": self.dash, **extra}

    def markers(self, **extra: Any) -> dict:
        """Plotly ``marker=`` for this variant."""
        return {"color": self.colour, "symbol": self.marker, **extra}


@dataclass(frozen=True)
class Scenario:
    """A page's library side: its parameters, its variants, its artifacts record and its run."""

    name: str
    title: str
    summary: str  # one sentence: the pitfall, in plain words
    Config: type
    Artifacts: type  # the typed record of what the page draws (a seqcore.records.Record)
    variants: tuple[Variant, ...]
    runner: Callable[..., Result]  # run(cfg, progress=None, cancel=None) -> Result; imports TensorFlow when called
    version: str  # bump when a change to the code changes results: old cache entries stop matching
    seed_preset: Callable[[], Any]  # the seed's own set-up as a Config (for the benchmark)
    predictions_table: Callable[[Result], tuple[list[str], list[list[Any]]]]  # CSV header + rows
    # live_chart(snapshots by variant key, *, sample, title) -> plotly Figure: the page's main labels-vs-
    # predictions chart drawn from the trainer's snapshots (live during a run, replayed after it)
    live_chart: Callable[..., Any]
    headline: tuple[str, ...] = field(default=())  # metric keys the benchmark prints
    # Named set-ups the page offers beside its default (``run --preset NAME``); the bundle ships their runs too.
    presets: dict[str, Callable[[], Any]] = field(default_factory=dict)

    def variant(self, key: str) -> Variant:
        for variant in self.variants:
            if variant.key == key:
                return variant
        raise ValueError(f"variant: must be one of {', '.join(v.key for v in self.variants)}; received {key!r}")

    def variant_name(self, key: str) -> str:
        """The human name for a variant key (a key that names no variant is shown as it is)."""
        return next((v.name for v in self.variants if v.key == key), key)

    def preset(self, name: str) -> Any:
        """The Config of a named set-up: "default", "seed" (the seed's own, for the benchmark) or one of ``presets``."""
        if name == "default":
            return self.Config()
        if name == "seed":
            return self.seed_preset()
        if name in self.presets:
            return self.presets[name]()
        names = ", ".join(["default", "seed", *self.presets])
        raise ValueError(f"preset: must be one of {names} for {self.name}; received {name!r}")

    def run(self, cfg: Any = None, progress: ProgressFn | None = None, cancel: CancelToken | None = None) -> Result:
        cfg = self.Config() if cfg is None else cfg
        if not isinstance(cfg, self.Config):
            raise ValueError(f"cfg: must be a {self.name} Config; received {type(cfg).__name__}")
        return self.runner(cfg, progress=progress, cancel=cancel)
