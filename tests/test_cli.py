"""The command line: list, run --json (one JSON object), bad names refused cleanly."""

import json
import os
import subprocess
import sys
import time

import seqcore
from tests.conftest import ROOT, TINY_BINARY_LABELS, TINY_COUNTING


def seqcore_cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "seqcore", *args], capture_output=True, text=True, cwd=ROOT, timeout=300
    )


def test_list_names_every_scenario_with_parameters_and_bounds():
    out = seqcore_cli("list")
    assert out.returncode == 0
    assert "counting" in out.stdout and "train_length = 20" in out.stdout and "int from 2 to 40" in out.stdout


def test_run_counting_json_on_a_tiny_config():
    sets = [arg for key, value in TINY_COUNTING.items() for arg in ("--set", f"{key}={value}")]
    out = seqcore_cli("run", "counting", "--json", *sets, "--set", "seed=oops")
    assert out.returncode == 0, out.stderr
    payload = json.loads(out.stdout.strip().splitlines()[-1])
    assert set(payload) == {"scenario", "config", "metrics", "seconds"}
    assert payload["config"]["epochs"] == 2 and payload["config"]["seed"] == 0
    assert "many_to_many/mse_len_40" in payload["metrics"]
    assert "warning: Seed (seed)" in out.stderr


def test_unknown_scenario_is_refused_without_a_traceback():
    out = seqcore_cli("run", "nope")
    assert out.returncode == 2 and "Traceback" not in out.stderr and "counting" in out.stderr


def test_run_times_the_run_itself_with_tensorflow_imported_first():
    sets = [arg for key, value in TINY_BINARY_LABELS.items() for arg in ("--set", f"{key}={value}")]
    started = time.perf_counter()
    out = seqcore_cli("run", "binary_labels", "--json", *sets)
    wall = time.perf_counter() - started
    assert out.returncode == 0, out.stderr
    payload = json.loads(out.stdout.strip().splitlines()[-1])
    assert payload["config"]["epochs"] == 3 and "softmax_2class/accuracy" in payload["metrics"]
    assert 0 < payload["seconds"] < wall - 0.5  # the TensorFlow import is not counted


def test_pretrain_writes_the_default_run_into_the_cache(tmp_path):
    env = {**os.environ, "SEQCORE_CACHE_DIR": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-m", "seqcore", "pretrain", "--only", "binary_labels"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert out.returncode == 0, out.stderr
    [entry] = [folder for folder in tmp_path.iterdir() if folder.name.startswith("binary_labels-")]
    assert (entry / "manifest.json").is_file()
    assert sorted(path.stem for path in entry.glob("*.keras")) == sorted(
        variant.key for variant in seqcore.get_scenario("binary_labels").variants
    )


def test_bench_times_pages_only_where_a_checkout_has_them(monkeypatch, tmp_path):
    from seqcore import bench

    monkeypatch.setattr(bench, "PAGE_TIMING", tmp_path / "page_timing.py")  # an installed seqcore: no benchmarks/
    assert bench.page_seconds("counting") is None
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.page_timing", "nope"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 2 and "name: must be a page under pages/" in out.stderr
