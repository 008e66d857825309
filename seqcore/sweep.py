"""Sweeps of one parameter: 3 to 7 ordinary runs that differ in one number, and a metric drawn against it.

A sweep is planned from untrusted input (a URL's ``sweep=horizon&values=5,10,20,40``, a text box, a command
line) by :func:`plan_sweep`, which never raises: each point is the base configuration with that one value, made
by ``Config.from_params`` (so bounds and work caps clamp it, with warnings that name the parameter), and the
whole sweep's work is capped (:data:`SWEEP_WORK_FACTOR` × the default run). Each point is an ordinary run: the
same cache key, the same link, the same queue as a run from the sidebar. :func:`default_values` proposes the
values to sweep.

This module plans; the sweeps each page's story needs and how their metrics read are :mod:`seqcore.sweep_stories`,
running a sweep and the pretrained story sweeps are :mod:`seqcore.sweep_results`, the figure is
:mod:`seqcore.sweep_figure`, the panel :mod:`seqcore.ui.sweep`.
No Streamlit here.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from seqcore.config import MAX_VALUE_CHARS, _shown
from seqcore.store import CODE_VERSION, entry_key
from seqcore.sweep_stories import story_sweep

MIN_POINTS, MAX_POINTS = 3, 7
MAX_PIECES = 50  # values listed beyond this are refused before any of them is parsed
MAX_VALUES_CHARS = 300  # a longer list of values (a URL, a text box) is refused before it is split
SWEEP_WORK_FACTOR = 8.0  # a whole sweep may ask for at most this many default runs' work
_SEPARATORS = re.compile(r"[,;\s]+")


def numeric_specs(scenario: Any) -> list[Any]:
    """The parameters a sweep may vary: the int and float fields of the scenario's Config."""
    return [spec for spec in scenario.Config.specs() if spec.kind in ("int", "float")]


def format_value(value: float) -> str:
    """A value as a URL or a text box carries it, short, and parsing back to exactly the same number."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    short = f"{value:g}"
    return short if float(short) == value else repr(float(value))


def format_values(values: Iterable[float]) -> str:
    return ",".join(format_value(value) for value in values)


# -- the plan ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SweepPlan:
    """A checked sweep: the points (value, configuration) in increasing order of the value."""

    scenario: str
    param: str
    label: str  # the parameter's human label
    values: tuple[float, ...]
    configs: tuple[Any, ...]
    base: Any

    def work(self) -> float:
        return sum(config.work() for config in self.configs)

    def keys(self, version: str) -> list[str]:
        """Each point's cache key: a point is an ordinary run."""
        return [entry_key(self.scenario, config, version) for config in self.configs]

    def values_text(self) -> str:
        return format_values(self.values)

    def query(self) -> dict[str, str]:
        """The sweep's part of a page's address."""
        return {"sweep": self.param, "values": self.values_text()}

    def key(self, version: str) -> str:
        """The shipped file's name: scenario version, code version, base configuration, parameter and points."""
        identity = json.dumps(
            [
                version,
                CODE_VERSION,
                self.base.config_hash(),
                self.param,
                list(self.values),
                [config.config_hash() for config in self.configs],
            ]
        )
        return f"{self.scenario}-{self.param}-{hashlib.sha256(identity.encode()).hexdigest()[:16]}"


def _pieces(values: Any, head: str) -> tuple[list[str] | None, str]:
    """Untrusted values → at most MAX_PIECES short strings, or (None, why refused). Nothing long is parsed."""
    if values is None:
        return [], ""
    if isinstance(values, (bytes, bytearray)):
        values = values.decode("utf-8", "replace")
    if isinstance(values, str):
        if len(values) > MAX_VALUES_CHARS:
            return None, (
                f"{head}: the list of values is {len(values):,} characters long; a sweep takes "
                f"{MIN_POINTS} to {MAX_POINTS} values (at most {MAX_VALUES_CHARS} characters), so it "
                f"was not run."
            )
        pieces = [piece for piece in _SEPARATORS.split(values.strip()) if piece]
    else:
        try:
            items = list(itertools.islice(iter(values), MAX_PIECES + 1))
        except TypeError:
            items = [values]
        pieces = []
        for item in items:
            try:
                pieces.append(item if isinstance(item, str) else str(item))
            except ValueError:  # an int too long to turn into a string
                pieces.append("9" * (MAX_VALUE_CHARS + 1))
    if len(pieces) > MAX_PIECES:
        count = f"{len(pieces):,}" if isinstance(values, str) else f"more than {MAX_PIECES}"
        return None, (
            f"{head}: {count} values were given; a sweep takes {MIN_POINTS} to {MAX_POINTS}, so it was not run."
        )
    return pieces, ""


def _number(piece: str) -> tuple[float | None, str]:
    """A piece of text → a finite number, or (None, why not)."""
    text = piece.strip()
    if len(text) > MAX_VALUE_CHARS:
        return None, f"a {len(text):,}-character value"
    try:
        number = float(text)
    except ValueError:
        return None, f"'{_shown(text)}' (not a number)"
    if not math.isfinite(number):
        return None, f"'{_shown(text)}' (not a finite number)"
    return number, ""


def _refused(param: Any, scenario: Any) -> str:
    names = ", ".join(spec.name for spec in numeric_specs(scenario))
    shown = _shown(param if isinstance(param, str) else repr(param))
    return (
        f"Sweep ({shown}): not a numeric parameter of {scenario.title}; a sweep varies one of: {names}. "
        f"The sweep was not run."
    )


def _spread(values: list[float], count: int) -> list[float]:
    """``count`` of ``values`` (sorted) evenly spread from the first to the last."""
    last = len(values) - 1
    return [values[round(index * last / (count - 1))] for index in range(count)]


def plan_sweep(
    scenario: Any, base_config: Any, param: Any, values: str | Sequence[Any] | None, max_work: float | None = None
) -> tuple[SweepPlan | None, list[str]]:
    """Check a sweep of ``param`` over ``values`` on ``base_config``; never raises.

    Returns the plan (None when refused) and plain-language warnings that name the parameter: values that are
    not finite numbers are dropped, values outside the bounds are clamped, duplicates (after rounding and
    clamping) are run once, more than MAX_POINTS values are thinned evenly, fewer than MIN_POINTS or more work
    than ``max_work`` (default: SWEEP_WORK_FACTOR default runs) are refused (the last warning says why).
    """
    specs = {spec.name: spec for spec in scenario.Config.specs()}
    name = param.strip() if isinstance(param, str) else None
    spec = specs.get(name) if name is not None and len(name) <= MAX_VALUE_CHARS else None
    if spec is None:
        return None, [_refused(param, scenario)]
    head = f"{spec.label} ({spec.name})"
    if spec.kind not in ("int", "float"):
        return None, [
            f"{head}: is {spec.describe()}, not a number, so it cannot be swept; a sweep varies one of: "
            f"{', '.join(s.name for s in numeric_specs(scenario))}."
        ]
    pieces, why = _pieces(values, head)
    if pieces is None:
        return None, [why]
    warnings: list[str] = []
    numbers, dropped = [], []
    for piece in pieces:
        number, problem = _number(piece)
        if number is None:
            dropped.append(problem)
        else:
            numbers.append((number, piece.strip()))
    if dropped:
        more = f" and {len(dropped) - 5} more" if len(dropped) > 5 else ""
        warnings.append(f"{head}: dropped {', '.join(dropped[:5])}{more}.")
    base = base_config.to_params()
    points: dict[float, Any] = {}  # value after clamping → its configuration
    repeated = []
    for _, text in sorted(numbers, key=lambda pair: pair[0]):  # reversed or shuffled: in increasing order
        config, point_warnings = scenario.Config.from_params({**base, spec.name: text})
        warnings += [warning for warning in point_warnings if warning not in warnings]
        value = getattr(config, spec.name)
        if value in points:
            repeated.append(value)
        else:
            points[value] = config
    if repeated:
        warnings.append(
            f"{head}: {format_values(sorted(set(repeated)))} came up more than once (after rounding and "
            f"clamping); each value is run once."
        )
    ordered = sorted(points)
    if len(ordered) > MAX_POINTS:
        kept = _spread(ordered, MAX_POINTS)
        warnings.append(
            f"{head}: {len(ordered)} values is more than a sweep takes; using {MAX_POINTS} spread over "
            f"them: {format_values(kept)}."
        )
        ordered = kept
    if len(ordered) < MIN_POINTS:
        received = format_values(ordered) if ordered else "none"
        warnings.append(
            f"{head}: a sweep needs {MIN_POINTS} to {MAX_POINTS} different values; received "
            f"{len(ordered)} ({received}), so it was not run."
        )
        return None, warnings
    plan = SweepPlan(
        scenario=scenario.name,
        param=spec.name,
        label=spec.label,
        values=tuple(ordered),
        configs=tuple(points[value] for value in ordered),
        base=base_config,
    )
    default_work = max(scenario.Config().work(), 1e-9)
    if plan.work() > (SWEEP_WORK_FACTOR * default_work if max_work is None else max_work):
        warnings.append(
            f"{head}: these {len(ordered)} runs are {plan.work() / default_work:.1f}× the work of the "
            f"default run; a sweep may do at most {SWEEP_WORK_FACTOR:g}×, so it was not run. Use fewer "
            f"or smaller values, or lighter settings (fewer epochs or less data)."
        )
        return None, warnings
    return plan, warnings


# -- default values ---------------------------------------------------------------------------------------------
def _round(value: float, kind: str) -> float:
    if kind == "int":
        return int(round(value))
    return float(f"{value:.2g}") if value else 0.0


def default_values(scenario: Any, param: str, base_config: Any = None) -> list[float]:
    """3 to 5 values around the current value (the story's values where the page has a story sweep), within the
    bounds, fewest dropped from the top so that the sweep fits the work cap on ``base_config``."""
    specs = {spec.name: spec for spec in numeric_specs(scenario)}
    if param not in specs:
        raise ValueError(f"param: must be one of {', '.join(specs)}; received {param!r}")
    spec = specs[param]
    story = story_sweep(scenario.name, param)
    base = base_config if base_config is not None else scenario.Config()
    if story is not None:
        return list(story.values)
    centre = getattr(base, param)
    low, high = spec.low, spec.high
    if param == "seed":  # other seeds: the run-to-run spread
        ladders = [[centre + step for step in range(3)]]
    elif centre > 0:  # doubling steps; closer ones when those would be too much work
        ladders = [
            [centre * factor for factor in (0.25, 0.5, 1.0, 2.0, 4.0)],
            [centre * factor for factor in (0.5, 0.75, 1.0, 1.25, 1.5)],
            [centre + (spec.step or (1 if spec.kind == "int" else centre / 10)) * k for k in range(-2, 3)],
        ]
    else:  # zero (no noise, no shift): from nothing up over the range
        ladders = [[centre + (high - low) * share for share in (0.0, 0.125, 0.25, 0.5)]]
    candidates: list[list[float]] = []
    for ladder in ladders:
        values = sorted({_round(min(max(value, low), high), spec.kind) for value in ladder})
        if len(values) < MIN_POINTS:  # squeezed against a bound: spread over the whole range instead
            values = sorted(
                {_round(low + (high - low) * share, spec.kind) for share in (0, 0.25, 0.5, 0.75, 1)} | {centre}
            )
        for length in range(len(values), MIN_POINTS - 1, -1):  # the widest runs of values first
            candidates += [values[start : start + length] for start in range(len(values) - length + 1)]
    for strict in (True, False):  # values that need no warning first, then any that fit the work cap
        for values in candidates:
            plan, warnings = plan_sweep(scenario, base, param, values)
            if plan is not None and not (strict and warnings):
                return list(plan.values)  # as planned: clamped, rounded, cross-field rules applied
    return candidates[0]  # nothing fits the cap: the panel says why when the visitor runs it
