"""A sweep's results: running its points, and the pretrained sweeps that ship with the package.

:func:`run_sweep` trains a planned sweep's points in turn (a stored run may stand in for a point) into records
of value, configuration, metrics and seconds. The sweeps each page's story needs
(:data:`seqcore.sweep_stories.STORY_SWEEPS`) ship pretrained as small JSON files in ``seqcore/pretrained/sweeps/``
(metrics, configuration and seconds per point; no models), written by ``python -m seqcore pretrain-sweeps`` and
named by a key over the scenario's version, the base configuration, the parameter and the points, so a stale
file is never used.
"""

from __future__ import annotations

import json
import logging
import math
from pathlib import Path
from typing import Any

from seqcore.store import BUNDLED_DIR, CODE_VERSION
from seqcore.sweep import SweepPlan, plan_sweep
from seqcore.sweep_stories import STORY_SWEEPS

SHIPPED_DIR = BUNDLED_DIR / "sweeps"
SHIPPED_FORMAT = 1
REGENERATE = "run `python -m seqcore pretrain-sweeps` and commit seqcore/pretrained/sweeps/"

log = logging.getLogger(__name__)


def finite_or_none(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def point_record(value: float, config: Any, metrics: dict, seconds: float) -> dict:
    """One run of a sweep as the CLI prints it and the shipped file keeps it."""
    return {
        "value": value,
        "config": config.to_dict(),
        "metrics": {str(key): finite_or_none(number) for key, number in metrics.items()},
        "seconds": round(float(seconds), 3),
    }


def sweep_payload(plan: SweepPlan, runs: list[dict]) -> dict:
    return {"scenario": plan.scenario, "param": plan.param, "values": list(plan.values), "runs": runs}


def run_sweep(
    scenario: Any, plan: SweepPlan, *, progress: Any = None, cancel: Any = None, load: Any = None, on_point: Any = None
) -> dict:
    """Train every point in turn (``load(config)`` → a finished Result or None lets a stored run stand in).
    ``on_point(index, record, result)`` is told about each point as it finishes."""
    import time

    runs = []
    for index, (value, config) in enumerate(zip(plan.values, plan.configs)):
        result = load(config) if load is not None else None
        if result is None:
            started = time.perf_counter()
            result = scenario.run(config, progress=progress, cancel=cancel)
            seconds = time.perf_counter() - started
        else:
            seconds = result.seconds
        record = point_record(value, config, result.metrics, seconds)
        runs.append(record)
        if on_point is not None:
            on_point(index, record, result)
    return sweep_payload(plan, runs)


def shipped_path(plan: SweepPlan, version: str) -> Path:
    return SHIPPED_DIR / f"{plan.key(version)}.json"


def write_shipped(plan: SweepPlan, version: str, payload: dict) -> Path:
    path = shipped_path(plan, version)
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "format": SHIPPED_FORMAT,
        "key": plan.key(version),
        "version": version,
        "code_version": CODE_VERSION,
        "base": plan.base.to_params(),
        **payload,
    }
    temp = path.with_suffix(".tmp")
    temp.write_text(json.dumps(document, indent=1, sort_keys=True) + "\n")
    temp.replace(path)
    return path


def _valid_shipped(document: Any, plan: SweepPlan, version: str) -> bool:
    if not isinstance(document, dict) or document.get("format") != SHIPPED_FORMAT:
        return False
    if document.get("key") != plan.key(version) or document.get("values") != list(plan.values):
        return False
    runs = document.get("runs")
    if not isinstance(runs, list) or len(runs) != len(plan.values):
        return False
    for run, value in zip(runs, plan.values):
        if not isinstance(run, dict) or run.get("value") != value or not isinstance(run.get("metrics"), dict):
            return False
        if not all(
            number is None or (isinstance(number, (int, float)) and not isinstance(number, bool))
            for number in run["metrics"].values()
        ):
            return False
    return True


def load_shipped(plan: SweepPlan, version: str) -> dict | None:
    """The shipped results of exactly this sweep (None when there are none, or the file is stale or damaged)."""
    path = shipped_path(plan, version)
    try:
        document = json.loads(path.read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        log.warning("shipped sweep %s is unreadable: %s", path.name, error)
        return None
    if not _valid_shipped(document, plan, version):
        log.warning("shipped sweep %s does not match its plan; ignored", path.name)
        return None
    return document


def story_plans(scenario: Any) -> list[SweepPlan]:
    """The scenario's story sweeps, planned at their presets (what ships), in STORY_SWEEPS' order. A sweep of the
    default must fit a visitor's work cap (the panel offers it); one of another set-up is trained only by
    ``pretrain-sweeps`` and drawn from its file, so it has no cap."""
    plans = []
    for story in STORY_SWEEPS.get(scenario.name, []):
        max_work = None if story.preset == "default" else math.inf
        plan, warnings = plan_sweep(scenario, scenario.preset(story.preset), story.param, list(story.values), max_work)
        if plan is None or list(plan.values) != list(story.values):
            raise ValueError(
                f"STORY_SWEEPS[{scenario.name!r}]: the {story.param} sweep {list(story.values)} must "
                f"plan unchanged at the {story.preset} configuration; received {warnings}"
            )
        plans.append(plan)
    return plans


def shipped_story(scenario: Any, param: str, preset: str = "default") -> dict | None:
    """The shipped results of the scenario's story sweep of ``param`` at ``preset`` (None if none ships)."""
    for story, plan in zip(STORY_SWEEPS.get(scenario.name, []), story_plans(scenario)):
        if (story.param, story.preset) == (param, preset):
            return load_shipped(plan, scenario.version)
    return None
