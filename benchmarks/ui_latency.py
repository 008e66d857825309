"""How fast the visitor's loop answers, in a real browser against `streamlit run app.py` on loopback.

    python -m benchmarks.ui_latency [--repeat 3]

Measured (printed, never asserted), each from the click or the reload to the moment the browser shows it:
  * Train press → the live panel's progress bar (worker warm: a first run has already started it);
  * Train press → the first live predictions chart ("Live: before training", then "Live: after epoch k of N");
  * Train press on a configuration already in the cache → its results;
  * reload mid-run → the live panel re-attached;
  * reload with nothing training → the Train button (Streamlit's own page load: the floor under the re-attach).
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import time
from urllib.parse import urlencode

from playwright.sync_api import sync_playwright

from benchmarks.server import CHART_SELECTOR, CHROMIUM_FLAGS, Server

TINY = {"epochs": "2", "train_sequences": "200", "units": "8", "batch_size": "50"}
SLOW = {"epochs": "60", "train_sequences": "1500", "units": "8", "batch_size": "50"}


def seconds_until(action, locator, timeout_ms: int = 180_000) -> float:
    started = time.perf_counter()
    action()
    locator.first.wait_for(timeout=timeout_ms)
    return time.perf_counter() - started


def measure(base: str, browser, seed: int) -> dict[str, float]:
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    train = page.get_by_role("button", name="Train", exact=True)
    out = {}
    page.goto(f"{base}/counting?{urlencode({**SLOW, 'seed': str(seed)})}", timeout=60_000)
    page.get_by_text("not trained yet").wait_for(timeout=60_000)
    train.click(trial=True)  # Playwright's own wait until the button takes clicks is not the app's time
    out["press → progress visible"] = seconds_until(train.click, page.locator('[data-testid="stProgress"]'))
    out["press → first live predictions"] = seconds_until(
        lambda: None, page.get_by_text(re.compile(r"Live: (before training|after epoch \d+ of \d+)"))
    )
    out["press → first live predictions"] += out["press → progress visible"]
    out["reload mid-run → panel re-attached"] = seconds_until(
        page.reload, page.get_by_role("button", name="Cancel training")
    )
    page.get_by_role("button", name="Cancel training").click()
    page.get_by_text("Training cancelled").wait_for(timeout=30_000)
    page.goto(f"{base}/counting?{urlencode({**TINY, 'seed': str(seed)})}", timeout=60_000)
    page.get_by_text("not trained yet").wait_for(timeout=60_000)
    train.click()
    page.get_by_text("Trained in").wait_for(timeout=180_000)
    page.goto(f"{base}/counting?{urlencode({**TINY, 'seed': str(seed)})}", timeout=60_000)  # cached now
    page.locator(CHART_SELECTOR).first.wait_for(timeout=60_000)
    train.click(trial=True)
    out["cached press → results"] = seconds_until(train.click, page.get_by_text("Loaded from the cache"))
    # The floor under the re-attach: a reload with nothing training, until the page takes a press again.
    out["reload idle → Train button (floor)"] = seconds_until(page.reload, train)
    page.close()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with Server() as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_FLAGS)
        warm = browser.new_page()  # start the worker (TensorFlow's import) before timing anything
        warm.goto(f"{server.url}/counting?{urlencode({**TINY, 'seed': '999'})}", timeout=60_000)
        warm.get_by_role("button", name="Train", exact=True).click()
        warm.get_by_text("Trained in").wait_for(timeout=180_000)
        warm.close()
        runs = [measure(server.url, browser, seed) for seed in range(1, args.repeat + 1)]
        browser.close()
    for name in runs[0]:
        values = [run[name] for run in runs]
        print(f"{name:<38} median {statistics.median(values):5.2f} s   max {max(values):5.2f} s   (n={len(values)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
