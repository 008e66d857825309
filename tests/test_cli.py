"""The command line: list, run --json (one JSON object), bad names refused cleanly."""

import json
import subprocess
import sys

from tests.conftest import ROOT, TINY_COUNTING


def seqcore_cli(*args):
    return subprocess.run([sys.executable, "-m", "seqcore", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=300)


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
