"""What the Ray backend costs and gives on this machine, beside the local workers.

    python -m benchmarks.ray_jobs [--jobs 3] [--sweep-epochs 10]

1. Overhead per job: submit → first progress event, on warm workers (after one run has warmed each backend), for
   local workers and for a private local Ray (``SEQCORE_RAY_ADDRESS=local``). The difference is Ray's own cost.
2. A 6-point sweep (``python -m seqcore sweep counting --param train_length``) with local workers, one training at
   a time, and on a private local Ray with one run per CPU: wall time of each and their ratio.

Reported, never asserted. Each measurement uses a fresh cache folder, so nothing is loaded instead of trained.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from seqcore import SCENARIOS

ROOT = Path(__file__).resolve().parent.parent
TINY = {"epochs": "2", "train_sequences": "200", "units": "8", "batch_size": "50"}


def first_event_seconds(backend: str, jobs: int) -> list[float]:
    """Submit → first progress event for ``jobs`` runs in turn, after one warm-up run (not counted)."""
    from seqcore.job_states import DONE, FAILED
    from seqcore.jobs import JobManager

    if backend == "ray":
        os.environ["SEQCORE_RAY_ADDRESS"] = "local"
    else:
        os.environ.pop("SEQCORE_RAY_ADDRESS", None)
    scenario = SCENARIOS["counting"]
    manager = JobManager(tempfile.mkdtemp(prefix="seqcore-overhead-"), max_concurrent=1, abandon_s=600)
    waits = []
    try:
        for index in range(jobs + 1):
            config = scenario.Config.from_params({**TINY, "seed": str(50_000 + index)})[0]
            submitted = time.monotonic()
            job = manager.submit(scenario, config, "bench")
            first = None
            while True:
                status = manager.status(job, watcher="bench")
                if first is None and status.events:
                    first = time.monotonic() - submitted
                if status.state in (DONE, FAILED):
                    break
                time.sleep(0.01)
            if status.state != DONE:
                raise RuntimeError(f"{backend} run failed: {status.error}")
            if index:  # the first run warms the worker (TensorFlow's import), as a served demo's would be
                waits.append(first)
    finally:
        manager.shutdown()
    return waits


def sweep_seconds(env: dict[str, str], epochs: int) -> float:
    values = "5,10,15,20,30,40"
    command = [sys.executable, "-m", "seqcore", "sweep", "counting", "--param", "train_length", "--values", values]
    command += ["--set", f"epochs={epochs}", "--set", "seed=4242", "--json"]
    env = {**os.environ, "SEQCORE_CACHE_DIR": tempfile.mkdtemp(prefix="seqcore-sweep-bench-"), **env}
    started = time.monotonic()
    out = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    if out.returncode != 0:
        raise RuntimeError(f"sweep failed: {out.stderr[-2000:]}")
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=3, help="timed runs per backend for the overhead")
    parser.add_argument("--sweep-epochs", type=int, default=10, help="epochs of each sweep point (0: no sweep)")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} (other work skews every number)")
    local = first_event_seconds("local", args.jobs)
    ray = first_event_seconds("ray", args.jobs)
    print(
        f"submit → first progress event, warm: local workers median {statistics.median(local):.2f} s "
        f"({', '.join(f'{s:.2f}' for s in local)}); Ray median {statistics.median(ray):.2f} s "
        f"({', '.join(f'{s:.2f}' for s in ray)}); Ray's own overhead ≈ "
        f"{statistics.median(ray) - statistics.median(local):.2f} s per job"
    )
    if args.sweep_epochs:
        alone = sweep_seconds({"SEQCORE_MAX_TRAININGS": "1", "SEQCORE_RAY_ADDRESS": ""}, args.sweep_epochs)
        on_ray = sweep_seconds({"SEQCORE_RAY_ADDRESS": "local"}, args.sweep_epochs)
        print(
            f"6-point sweep ({args.sweep_epochs} epochs a point, wall time including start-up): local, 1 training "
            f"at a time {alone:.1f} s; local Ray, {os.cpu_count()} CPUs {on_ray:.1f} s; ratio "
            f"{alone / on_ray:.2f}"
        )


if __name__ == "__main__":
    main()
