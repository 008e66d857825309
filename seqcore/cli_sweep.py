"""Command line sweeps: ``python -m seqcore sweep NAME --param P --values a,b,c [--set k=v ...] [--json]`` and
``python -m seqcore pretrain-sweeps`` (the story sweeps that ship in seqcore/pretrained/sweeps/).

``sweep`` submits its points through :mod:`seqcore.jobs`, as the app does: on local workers
(``$SEQCORE_MAX_TRAININGS`` at once) or, with ``$SEQCORE_RAY_ADDRESS`` set, fanned out across a Ray cluster. Each
finished point lands in the cache (its own link then opens at once), and the JSON names the backend that ran it.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
from typing import Any

from seqcore.sweep import default_values, format_values, plan_sweep
from seqcore.sweep_results import SHIPPED_DIR, point_record, run_sweep, story_plans, sweep_payload, write_shipped
from seqcore.sweep_stories import STORY_SWEEPS, metric_name, sweep_metrics


def _parse_sets(pairs: list[str]) -> dict[str, str] | None:
    params = {}
    for pair in pairs:
        if "=" not in pair:
            print(f"--set: expected key=value; received {pair[:40]!r}", file=sys.stderr)
            return None
        key, value = pair.split("=", 1)
        params[key.strip()] = value
    return params


def _import_model_code(name: str) -> None:
    """TensorFlow and the scenario's training code, imported quietly before the first timed point (so "seconds"
    are the runs), with the retracing notices that several models in one process bring silenced."""
    from seqcore.quiet import import_tensorflow_quietly

    import_tensorflow_quietly()
    import tensorflow as tf

    tf.get_logger().setLevel("ERROR")
    importlib.import_module(f"seqcore.scenarios.{name}.model")


def _progress(event: dict) -> None:
    if not event["epoch"]:  # epoch 0: the untrained models' snapshot for the live chart; no loss yet
        return
    loss = event["logs"].get("loss", float("nan"))
    print(f"    {event['variant']}: epoch {event['epoch']}/{event['epochs']} loss {loss:.4g}", file=sys.stderr)


def command_sweep(args: argparse.Namespace) -> int:
    from seqcore.scenarios import get_scenario

    try:
        scenario = get_scenario(args.name)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    sets = _parse_sets(args.set)
    if sets is None:
        return 2
    base, warnings = scenario.Config.from_params(sets)
    values = args.values
    if values is None:
        specs = {spec.name for spec in scenario.Config.specs()}
        values = default_values(scenario, args.param, base) if args.param in specs else []
    plan, plan_warnings = plan_sweep(scenario, base, args.param, values)
    for warning in warnings + plan_warnings[:-1] if plan is None else warnings + plan_warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if plan is None:
        print(f"sweep refused: {plan_warnings[-1]}", file=sys.stderr)
        return 2
    print(f"{scenario.name}: {plan.label} = {format_values(plan.values)}", file=sys.stderr)
    payload = _sweep_through_jobs(scenario, plan, progress=None if args.json else _progress)
    if payload is None:
        return 1
    if args.json:
        print(json.dumps(payload))
        return 0
    metrics = sweep_metrics(scenario.name, plan.param)
    for run in payload["runs"]:
        shown = [
            f"{scenario.variant_name(key.partition('/')[0])} {metric_name(key.partition('/')[2])} {value:.4g}"
            for key, value in run["metrics"].items()
            if value is not None and key.partition("/")[2] in metrics
        ]
        print(f"{plan.param} = {run['value']} ({run['seconds']} s): " + "; ".join(shown))
    return 0


def _sweep_through_jobs(scenario: Any, plan: Any, progress: Any = None) -> dict | None:
    """Every point of ``plan`` as a job of a :class:`~seqcore.jobs.JobManager` (all queued at once, so a Ray
    cluster trains them side by side); the payload of :func:`run_sweep` plus ``"backend"``, or None if a point
    failed (the reason is printed)."""
    from seqcore.job_states import DONE, FINISHED
    from seqcore.jobs import JobManager

    points = len(plan.configs)
    manager = JobManager(max_waiting_per_client=points, max_queue=max(32, points), time_limit_s=3600, abandon_s=3600)
    try:
        jobs = [manager.submit(scenario, config, "sweep") for config in plan.configs]
        seen = dict.fromkeys(jobs, 0)
        runs: list[dict | None] = [None] * points
        while any(run is None for run in runs):
            time.sleep(0.2)
            for index, job in enumerate(jobs):
                status = manager.status(job, watcher="sweep")
                if progress is not None:
                    for event in status.events[seen[job] :]:
                        if event.get("epoch"):
                            progress(event)
                    seen[job] = len(status.events)
                if runs[index] is not None or status.state not in FINISHED:
                    continue
                result = manager.store.load(status.key)[0] if status.saved else manager.unsaved_result(job)
                if status.state != DONE or result is None:
                    print(f"sweep failed at {plan.param} = {plan.values[index]}: {status.error}", file=sys.stderr)
                    return None
                runs[index] = point_record(plan.values[index], plan.configs[index], result.metrics, result.seconds)
                print(f"  {plan.param} = {plan.values[index]}: {runs[index]['seconds']} s", file=sys.stderr)
        return {**sweep_payload(plan, runs), "backend": manager.backend}
    finally:
        manager.shutdown()


def command_pretrain_sweeps(args: argparse.Namespace) -> int:
    """Run every story sweep at the default configuration and write its compact JSON. A point that is the bundled
    default run is read from the bundle; every other point is trained here (and cached, so its own link opens at
    once on this machine). Stale files of those scenarios are removed."""
    from seqcore.scenarios import SCENARIOS
    from seqcore.store import BUNDLED_DIR, Store, entry_key

    store = Store()
    bundle = Store(BUNDLED_DIR / "no-cache", bundled=BUNDLED_DIR)  # reads the bundle only, never a stale cache
    names = args.only or list(STORY_SWEEPS)
    for name in names:
        if name not in SCENARIOS or name not in STORY_SWEEPS:
            print(f"--only: must be one of {', '.join(STORY_SWEEPS)}; received {name!r}", file=sys.stderr)
            return 2
    for name in names:
        scenario = SCENARIOS[name]
        _import_model_code(name)
        kept = set()
        for plan in story_plans(scenario):
            started = time.perf_counter()
            loaded: set[str] = set()

            def load(config: Any, scenario: Any = scenario, loaded: set = loaded) -> Any:
                key = entry_key(scenario.name, config, scenario.version)
                result, _ = bundle.load(key)
                if result is not None:
                    loaded.add(key)
                return result

            def save(index: int, record: dict, result: Any, plan: Any = plan, loaded: set = loaded) -> None:
                key = plan.keys(SCENARIOS[plan.scenario].version)[index]
                if key not in loaded:
                    try:
                        store.save(key, result)  # an ordinary run: the point's own link opens it from the cache
                    except OSError as error:
                        print(f"  (not cached: {error})", file=sys.stderr)
                print(
                    f"  {plan.param} = {record['value']}: {record['seconds']} s{' (stored)' if key in loaded else ''}",
                    file=sys.stderr,
                )

            payload = run_sweep(scenario, plan, load=load, on_point=save)
            path = write_shipped(plan, scenario.version, payload)
            kept.add(path.name)
            print(f"{name} {plan.param} {format_values(plan.values)}: {time.perf_counter() - started:.1f} s → {path}")
        for stale in SHIPPED_DIR.glob(f"{name}-*.json"):
            if stale.name not in kept:
                stale.unlink()
    return 0


def register(commands: Any) -> None:
    """Add ``sweep`` and ``pretrain-sweeps`` to the ``python -m seqcore`` sub-commands."""
    sweep = commands.add_parser("sweep", help="train one scenario at 3 to 7 values of one parameter")
    sweep.add_argument("name")
    sweep.add_argument("--param", required=True, help="the numeric parameter to vary (see `list`)")
    sweep.add_argument("--values", help="3 to 7 values, comma-separated (default: a spread around the current)")
    sweep.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="the other parameters")
    sweep.add_argument("--json", action="store_true", help="print one JSON object")
    sweep.set_defaults(func=command_sweep)
    pretrain = commands.add_parser("pretrain-sweeps", help="write the story sweeps into seqcore/pretrained/sweeps")
    pretrain.add_argument("--only", action="append", metavar="NAME")
    pretrain.set_defaults(func=command_pretrain_sweeps)
