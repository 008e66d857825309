"""``python -m seqcore bench``: each scenario's default run beside its ``seed`` preset, in one sitting.

Every measurement runs ``python -m seqcore run NAME --json`` in a fresh child process, so its peak RSS is its
own (TensorFlow included) and one run's memory cannot hide another's. Printed, never asserted: ratios within
one sitting are what to trust on a shared, noisy machine.

In a checkout (the app's ``benchmarks/`` folder beside the package) each page's script time at its default
config is measured too, by ``python -m benchmarks.page_timing NAME`` in a child process: the library never
imports Streamlit outside ``seqcore/ui``, and an installed seqcore has no pages to time.
"""

from __future__ import annotations

import json
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[1]  # app.py, pages/ and benchmarks/ live here in a checkout
PAGE_TIMING = CHECKOUT / "benchmarks" / "page_timing.py"


def measure(name: str, preset: str) -> dict:
    """One child run: its own seconds (TensorFlow import excluded), wall seconds and peak RSS."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "seqcore", "run", name, "--json", "--preset", preset],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    if child.returncode != 0:
        return {"ok": False, "wall": wall, "error": f"exit code {child.returncode}"}
    result = json.loads(output.strip().splitlines()[-1])
    return {
        "ok": True,
        "seconds": result["seconds"],
        "wall": wall,
        "rss_mb": usage.ru_maxrss / 1024,
        "metrics": result["metrics"],
    }


def page_seconds(name: str) -> float | None:
    """The page's script time at its default config (see benchmarks/page_timing.py); None without a checkout,
    NaN when the page raised or the timing failed."""
    if not PAGE_TIMING.is_file():
        return None
    child = subprocess.run(
        [sys.executable, "-m", "benchmarks.page_timing", name],
        cwd=CHECKOUT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    try:
        seconds = json.loads(child.stdout.strip().splitlines()[-1])["seconds"]
    except (IndexError, ValueError, KeyError, TypeError):
        return math.nan
    return math.nan if seconds is None else float(seconds)


def _median(runs: list[dict], field: str) -> float:
    return statistics.median(run[field] for run in runs)


def run_bench(only: list[str] | None = None, with_seed: bool = True, repeat: int = 1) -> int:
    from seqcore.scenarios import SCENARIOS

    names = only or list(SCENARIOS)
    presets = ("default", "seed") if with_seed else ("default",)
    print("run s: the run itself (TensorFlow already imported); wall s: the whole child process, import included")
    print(f"{'scenario':<16} {'preset':<8} {'run s':>7} {'wall s':>7} {'peak MB':>8}  headline metrics")
    failures = 0
    for name in names:
        scenario = SCENARIOS[name]
        seconds = {}
        for preset in presets:
            runs = [measure(name, preset) for _ in range(max(repeat, 1))]
            if not all(run["ok"] for run in runs):
                print(f"{name:<16} {preset:<8} failed: {[r.get('error') for r in runs if not r['ok']]}")
                failures += 1
                continue
            seconds[preset] = _median(runs, "seconds")
            headline = ", ".join(f"{key}={runs[-1]['metrics'].get(key, float('nan')):.4g}" for key in scenario.headline)
            print(
                f"{name:<16} {preset:<8} {seconds[preset]:>7.2f} {_median(runs, 'wall'):>7.2f} "
                f"{max(r['rss_mb'] for r in runs):>8.0f}  {headline}",
                flush=True,
            )
        page = page_seconds(name)
        if page is not None:
            print(f"{name:<16} page at the default config (cached), script time: {page:.2f} s", flush=True)
        if "seed" in seconds and "default" in seconds:
            print(
                f"{name:<16} speed-up of the default over the seed's set-up: "
                f"{seconds['seed'] / seconds['default']:.1f}x",
                flush=True,
            )
    return 1 if failures else 0
