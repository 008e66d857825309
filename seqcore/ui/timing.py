"""For ``python -m seqcore bench``: how long a page's script takes at its cached default config."""

from __future__ import annotations

import time
from pathlib import Path

from streamlit.testing.v1 import AppTest


def page_seconds(name: str) -> float:
    """Script time of the page at its default config (pretrained, so nothing trains): an upper bound on the
    time to its first chart, imports excluded (the page is opened once before timing)."""
    app_file = Path(__file__).resolve().parents[2] / "app.py"
    if not app_file.exists():
        return float("nan")
    timings = []
    for _ in range(3):
        app = AppTest.from_file(str(app_file), default_timeout=60)
        app.switch_page(f"pages/{name}.py")
        started = time.perf_counter()
        app.run()
        if app.exception:  # a broken page has no honest time
            return float("nan")
        timings.append(time.perf_counter() - started)
    return min(timings[1:])
