"""Command line: python -m seqcore list | run NAME [--set k=v ...] [--json] | pretrain | bench."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shutil
import sys
import time


def _scenarios():
    from seqcore.scenarios import SCENARIOS

    return SCENARIOS


def command_list(args: argparse.Namespace) -> int:
    for scenario in _scenarios().values():
        print(f"{scenario.name}: {scenario.title} — {scenario.summary}")
        if scenario.presets:
            print(f"    presets: {', '.join(scenario.presets)} (run {scenario.name} --preset NAME)")
        for spec in scenario.Config.specs():
            print(f"    {spec.name} = {spec.default!s:<10} {spec.describe():<40} {spec.label}")
    return 0


def import_model_code(name: str) -> None:
    """Import a scenario's training code — and so TensorFlow — ahead of a timed run, so that its "seconds"
    are the run itself, not the import (a scenario's run imports its ``model`` module lazily)."""
    importlib.import_module(f"seqcore.scenarios.{name}.model")


def _parse_sets(pairs: list[str]) -> dict[str, str]:
    params = {}
    for pair in pairs:
        if "=" not in pair:
            raise SystemExit(f"--set: expected key=value; received {pair!r}")
        key, value = pair.split("=", 1)
        params[key.strip()] = value
    return params


def _print_progress(event: dict) -> None:
    if not event["epoch"]:  # epoch 0: the untrained models' snapshot for the live chart; no loss yet
        return
    loss = event["logs"].get("loss", float("nan"))
    print(f"  {event['variant']}: epoch {event['epoch']}/{event['epochs']} loss {loss:.4g}", file=sys.stderr)


def command_run(args: argparse.Namespace) -> int:
    from seqcore.scenarios import get_scenario

    try:
        scenario = get_scenario(args.name)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    try:
        preset = scenario.preset(args.preset)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    if args.preset == "default":
        config, warnings = scenario.Config.from_params(_parse_sets(args.set))
    else:
        config, warnings = preset, []
        if args.set:
            config, warnings = scenario.Config.from_params({**config.to_params(), **_parse_sets(args.set)})
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    import_model_code(scenario.name)
    started = time.perf_counter()
    progress = None if args.json else _print_progress
    result = scenario.run(config, progress=progress)
    output = {
        "scenario": scenario.name,
        "config": config.to_dict(),
        "metrics": result.metrics,
        "seconds": round(time.perf_counter() - started, 3),
    }
    if args.json:
        print(json.dumps(output))
    else:
        print(f"{scenario.name} in {output['seconds']} s")
        for key, value in result.metrics.items():
            print(f"  {key:<44} {value:.6g}")
    return 0


def command_pretrain(args: argparse.Namespace) -> int:
    from seqcore.store import BUNDLED_DIR, Store, entry_key

    store = Store()
    names = args.only or list(_scenarios())
    for name in names:
        scenario = _scenarios()[name]
        keys = []
        for preset in ("default", *scenario.presets):  # the default and every set-up the page offers
            config = scenario.preset(preset)
            key = entry_key(scenario.name, config, scenario.version)
            keys.append(key)
            started = time.perf_counter()
            result = scenario.run(config)
            folder = store.save(key, result, into=BUNDLED_DIR if args.bundle else None)
            print(f"{name} ({preset}): {time.perf_counter() - started:.1f} s → {folder}")
        if args.bundle:  # the bundle holds exactly these runs per scenario: drop stale ones
            for stale in BUNDLED_DIR.glob(f"{name}-*"):
                if stale.name not in keys:
                    shutil.rmtree(stale)
    return 0


def command_bench(args: argparse.Namespace) -> int:
    from seqcore.bench import run_bench

    return run_bench(only=args.only, with_seed=not args.skip_seed, repeat=args.repeat)


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    parser = argparse.ArgumentParser(prog="python -m seqcore", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="scenarios and their parameters").set_defaults(func=command_list)
    run = commands.add_parser("run", help="train one scenario and print its metrics")
    run.add_argument("name")
    run.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    run.add_argument(
        "--preset",
        default="default",
        help="seed: the seed's own set-up (epochs, batch, rate, data size); a scenario may name more "
        "(python -m seqcore list shows them), e.g. event_timing's paper",
    )
    run.add_argument("--json", action="store_true", help="print one JSON object")
    run.set_defaults(func=command_run)
    pretrain = commands.add_parser(
        "pretrain", help="fill the cache with every scenario's default run and the presets its page offers"
    )
    pretrain.add_argument("--only", action="append", metavar="NAME")
    pretrain.add_argument(
        "--bundle",
        action="store_true",
        help="write into seqcore/pretrained (shipped with the app) instead of the cache",
    )
    pretrain.set_defaults(func=command_pretrain)
    bench = commands.add_parser("bench", help="time and memory of each default run beside the seed preset")
    bench.add_argument("--only", action="append", metavar="NAME")
    bench.add_argument("--skip-seed", action="store_true", help="measure the default configs only")
    bench.add_argument("--repeat", type=int, default=1, help="runs per measurement (the median is shown)")
    bench.set_defaults(func=command_bench)
    from seqcore.cli_sweep import register as register_sweeps

    register_sweeps(commands)  # sweep NAME --param P --values a,b,c; pretrain-sweeps
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
