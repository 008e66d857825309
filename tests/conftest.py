"""Test set-up: a private cache folder for the whole session, quiet TensorFlow, tiny configs."""

import os
import sys
import tempfile
from pathlib import Path

import pytest

# Before anything imports seqcore or TensorFlow: never touch the user's real cache; keep logs quiet.
os.environ["SEQCORE_CACHE_DIR"] = tempfile.mkdtemp(prefix="seqcore-test-cache-")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# A counting run small enough for a test (a few seconds) that still trains both variants for real.
TINY_COUNTING = {"epochs": "2", "train_sequences": "200", "units": "8", "batch_size": "50"}


@pytest.fixture
def tmp_cache(tmp_path, monkeypatch):
    """A fresh, empty cache folder for one test."""
    monkeypatch.setenv("SEQCORE_CACHE_DIR", str(tmp_path))
    return tmp_path


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


def open_page(page: str, params: dict | None = None, timeout: float = 240):
    """Run app.py switched to ``pages/<page>.py`` with ``params`` in the URL, as a visitor would open it."""
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    app.switch_page(f"pages/{page}.py")
    app.query_params.update(params or {})
    app.run()
    return app


def press(app, label: str, timeout: float = 240):
    """Click the (form) button labelled ``label`` and rerun."""
    [button for button in app.button if button.label == label][0].click()
    app.run(timeout=timeout)
    return app


def plotly_figures(app) -> list[dict]:
    """The figure JSON of every plotly chart on the page."""
    import json

    return [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]


def train_and_wait(page: str, params: dict, timeout: float = 240):
    """Open a link nobody has trained (it must not train by itself), press Train, and rerun the page until the
    run is done (the live panel refreshes itself in a browser; AppTest has to be asked)."""
    import time

    app = open_page(page, params)
    assert "not trained yet" in " ".join(i.value for i in app.info)  # opening a link never trains
    press(app, "Train")
    deadline = time.monotonic() + timeout
    while [b for b in app.button if b.label == "Cancel training"] and time.monotonic() < deadline:
        time.sleep(1)
        app.run()
    return app


# -- real browser (Debian's chromium driven by Playwright) -------------------------------------------------------
@pytest.fixture(scope="session")
def browser():
    import shutil

    from playwright.sync_api import sync_playwright

    from benchmarks.server import CHROMIUM_FLAGS

    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is not installed: apt-get install -y chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def shots(tmp_path_factory):
    """Screenshots of every browser test land here (printed on failure)."""
    return tmp_path_factory.mktemp("screenshots")


def start_server(tmp_path_factory, **kwargs):
    """A freshly started `streamlit run app.py` on a free loopback port, with its own empty cache."""
    from benchmarks.server import Server

    return Server(
        cache_dir=str(tmp_path_factory.mktemp("cache")),
        log_path=tmp_path_factory.mktemp("server") / "streamlit.log",
        **kwargs,
    )


# A binary labels run small enough for a test (a few seconds) that still trains every variant for real.
TINY_BINARY_LABELS = {"series_length": "300", "frequency": "5", "epochs": "3", "units": "8"}

# Teacher forcing and event timing runs small enough for a test that still train every variant for real.
TINY_TEACHER_FORCING = {
    "train_windows": "200",
    "epochs": "2",
    "batch_size": "100",
    "units": "8",
    "input_length": "10",
    "horizon": "5",
}
TINY_EVENT_TIMING = {"windows": "40", "epochs": "2", "units": "4", "batch_size": "20"}

# A sine frequency run small enough for a test that still trains every learned variant for real.
TINY_SINE_FREQUENCY = {
    "max_frequency": "4",
    "series_per_frequency": "3",
    "series_length": "32",
    "epochs": "2",
    "lstm_units": "8",
    "held_out_series": "20",
    "batch_size": "8",
}

# A tiny configuration of every page, by scenario name: each trains every variant for real in seconds.
TINY_BY_SCENARIO = {
    "counting": TINY_COUNTING,
    "binary_labels": TINY_BINARY_LABELS,
    "teacher_forcing": TINY_TEACHER_FORCING,
    "event_timing": TINY_EVENT_TIMING,
    "sine_frequency": TINY_SINE_FREQUENCY,
}
