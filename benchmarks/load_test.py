"""Many visitors on one small box: headless-browser sessions against `streamlit run app.py` on loopback.

    python benchmarks/load_test.py --visitors 8 --seconds 120

Each visitor loops until time is up: opens a random page (sometimes just its default, which ships pretrained),
or a link with a small configuration and presses Train; some cancel mid-run, some resubmit. Reported, never
asserted: runs completed and cancelled, time from Train to the charts (queue wait included), queue sightings,
error boxes seen, the peak RSS of the server and its worker processes, and the state of the cache afterwards
(every entry must load; none may be damaged).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import statistics
import time
from urllib.parse import urlencode

from playwright.async_api import async_playwright

from benchmarks.server import CHART_SELECTOR, CHROMIUM_FLAGS, ERROR_SELECTOR, Server
from seqcore import SCENARIOS
from seqcore.store import Store


def small_params(name: str, rng: random.Random) -> dict[str, str]:
    """A quick configuration: the default with fewer epochs and one of a few seeds (so visitors overlap)."""
    params = SCENARIOS[name].Config().to_params()
    if "epochs" in params:
        params["epochs"] = str(rng.choice([2, 3]))
    if "seed" in params:
        params["seed"] = str(rng.choice([1, 2, 3]))
    return params


class Tally:
    def __init__(self) -> None:
        self.opens = self.submitted = self.completed = self.cancelled = self.queued_seen = 0
        self.errors: list[str] = []
        self.latencies: list[float] = []


async def visitor(index: int, browser, url: str, deadline: float, tally: Tally) -> None:
    rng = random.Random(index)
    context = await browser.new_context(viewport={"width": 1300, "height": 900})
    page = await context.new_page()
    while time.monotonic() < deadline:
        name = rng.choice(list(SCENARIOS))
        train = rng.random() < 0.6
        target = f"{url}/{name}" + (f"?{urlencode(small_params(name, rng))}" if train else "")
        try:
            tally.opens += 1
            await page.goto(target, timeout=60_000)
            if not train:
                await page.wait_for_selector(CHART_SELECTOR, timeout=60_000)
            else:
                await page.wait_for_selector("text=Train", timeout=60_000)
                if await page.locator(CHART_SELECTOR).count() == 0:
                    tally.submitted += 1
                    started = time.monotonic()
                    await page.get_by_role("button", name="Train", exact=True).click()
                    if rng.random() < 0.25:  # changes their mind mid-run
                        await page.wait_for_timeout(rng.randint(500, 3000))
                        cancel = page.get_by_role("button", name="Cancel training")
                        if await cancel.count():
                            await cancel.click()
                            await page.wait_for_selector("text=Training cancelled", timeout=30_000)
                            tally.cancelled += 1
                            continue
                    queued = drawn = False
                    while not drawn and time.monotonic() < deadline + 240:
                        queued = queued or bool(await page.get_by_text("in the queue", exact=False).count())
                        drawn = await page.locator(CHART_SELECTOR).count() >= 2
                        await page.wait_for_timeout(500)
                    tally.queued_seen += queued
                    if drawn:
                        tally.completed += 1
                        tally.latencies.append(time.monotonic() - started)
                    else:
                        tally.errors.append(f"{name}: a submitted run never drew its charts")
            errors = page.locator(ERROR_SELECTOR)
            if await errors.count():
                tally.errors.append(f"{name}: {(await errors.first.inner_text())[:200]}")
        except Exception as error:  # a timeout is a finding to report, not a reason to stop the test
            tally.errors.append(f"{name}: {type(error).__name__}: {str(error)[:200]}")
    await context.close()


async def load(url: str, visitors: int, seconds: float) -> Tally:
    tally = Tally()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_FLAGS)
        deadline = time.monotonic() + seconds
        await asyncio.gather(*(visitor(i, browser, url, deadline, tally) for i in range(visitors)))
        await browser.close()
    return tally


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--visitors", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=120)
    args = parser.parse_args()
    with Server() as server:
        tally = asyncio.run(load(server.url, args.visitors, args.seconds))
        peak = server.peak_rss
    store = Store(server.cache_dir, bundled=None)
    entries = [folder.name for _, _, folder in store.entries()]
    damaged = [key for key in entries if store.load(key)[0] is None]
    leftovers = list(store.root.glob(".tmp-*"))
    print(f"visitors {args.visitors} for {args.seconds:.0f} s: {tally.opens} page opens, "
          f"{tally.submitted} runs submitted, {tally.completed} completed, {tally.cancelled} cancelled by "
          f"their visitor")
    if tally.latencies:
        print(f"Train → charts: median {statistics.median(tally.latencies):.1f} s, "
              f"max {max(tally.latencies):.1f} s; {tally.queued_seen} runs waited in the queue first")
    print(f"errors seen: {len(tally.errors)}")
    for error in tally.errors[:10]:
        print(f"  {error}")
    print(f"peak RSS of server + workers: {peak / 2**20:.0f} MB")
    print(f"cache: {len(entries)} entries, {len(damaged)} damaged, {len(leftovers)} unfinished writes left")


if __name__ == "__main__":
    main()
