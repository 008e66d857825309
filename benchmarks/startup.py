"""Cold start to the first page's default chart, then every page switch, in a real browser.

    python benchmarks/startup.py

Prints seconds; asserts nothing. Defaults ship pretrained, so no training happens here.
"""

from __future__ import annotations

import shutil
import time

from playwright.sync_api import sync_playwright

from benchmarks.server import CHART_SELECTOR, CHROMIUM_FLAGS, ERROR_SELECTOR, Server
from seqcore import SCENARIOS


def main() -> None:
    with Server() as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        names = list(SCENARIOS)
        page.goto(f"{server.url}/{names[0]}")
        page.wait_for_selector(CHART_SELECTOR, timeout=120_000)
        print(
            f"cold start (server launch → first default chart on {names[0]}): "
            f"{time.perf_counter() - server.started:.2f} s"
        )
        for name in names[1:] + names[:1]:
            nav = page.locator('[data-testid="stSidebarNav"] a')
            nav.filter(has_text="Home").first.click()  # via Home, so every switch lands on a fresh page
            page.get_by_role("heading", name="Sequence Lab").wait_for(timeout=60_000)
            started = time.perf_counter()
            nav.filter(has_text=SCENARIOS[name].title).first.click()
            page.wait_for_function(
                f"location.pathname.endsWith('/{name}') && document.querySelectorAll('{CHART_SELECTOR}').length > 0",
                timeout=60_000,
            )
            errors = page.locator(ERROR_SELECTOR).count()
            print(f"switch to {name:<16} first chart in {time.perf_counter() - started:.2f} s; error boxes: {errors}")
        print(f"peak RSS of server + workers: {server.peak_rss / 2**20:.0f} MB")
        browser.close()


if __name__ == "__main__":
    main()
