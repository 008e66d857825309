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


def open_untrained_then_train(page: str, params: dict):
    """Open a link to a configuration nobody has trained: it must not train by itself; then press Train."""
    app = open_page(page, params)
    assert "not been trained yet" in " ".join(i.value for i in app.info)  # opening a link never trains
    assert not app.get("plotly_chart")
    return press(app, "Train")
