"""How long the sweep panel takes to draw a sweep that is already there (nothing trains).

    python -m benchmarks.sweep_timing

1. each shipped story sweep, opened from its link (the page's default configuration);
2. a cached 5-point sweep: five tiny Counting runs trained first into a fresh cache folder, then opened.
Streamlit's AppTest runs the panel alone, as a visitor's page would; the first opening pays the imports and is not
counted, the best of the next three is printed. Prints seconds; asserts nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time

PANEL = """
if __name__ == "__main__":
    from seqcore.scenarios import get_scenario
    from seqcore.ui.form import current_config
    from seqcore.ui.sweep import sweep_panel

    scenario = get_scenario("{name}")
    sweep_panel(scenario, current_config(scenario))
"""
TINY_COUNTING = {"epochs": "2", "train_sequences": "200", "units": "8", "batch_size": "50", "seed": "4242"}
CACHED_VALUES = "4,6,8,10,12"  # five training lengths


def panel_seconds(name: str, params: dict[str, str], openings: int = 4) -> float:
    from streamlit.testing.v1 import AppTest

    timings = []
    for _ in range(openings):
        app = AppTest.from_string(PANEL.replace("{name}", name), default_timeout=120)
        app.query_params.update(params)
        started = time.perf_counter()
        app.run()
        timings.append(time.perf_counter() - started)
        if app.exception:
            raise RuntimeError(f"{name}: the sweep panel raised {app.exception[0].message}")
    return min(timings[1:])


def main() -> int:
    from seqcore.scenarios import get_scenario
    from seqcore.sweep_results import story_plans

    os.environ["SEQCORE_CACHE_DIR"] = tempfile.mkdtemp(prefix="seqcore-sweep-timing-")
    for name in ("counting", "teacher_forcing", "binary_labels", "sine_frequency", "event_timing"):
        for plan in story_plans(get_scenario(name)):
            seconds = panel_seconds(name, plan.query())
            print(f"shipped  {name:<16} {plan.param:<14} {len(plan.values)} points  {seconds:5.2f} s")
    sets = [f"--set={key}={value}" for key, value in TINY_COUNTING.items()]
    subprocess.run(
        [sys.executable, "-m", "seqcore", "sweep", "counting", "--param", "train_length", "--values", CACHED_VALUES]
        + sets,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    params = {**TINY_COUNTING, "sweep": "train_length", "values": CACHED_VALUES}
    print(f"cached   counting         train_length   5 points  {panel_seconds('counting', params):5.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
