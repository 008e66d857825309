"""Many visitors on one small box: headless-browser sessions against `streamlit run app.py` on loopback.

    python -m benchmarks.load_test --visitors 8 --seconds 120

Each visitor loops until time is up: opens a random page (sometimes just its default, which ships pretrained),
or a link with a small configuration (many distinct ones, a few shared so that visitors overlap) and presses
Train; some cancel mid-run, some resubmit. Reported, never asserted: runs completed, cancelled and refused by
the fair queue, time from Train to the charts (median and p95, queue wait included), queue sightings, error
boxes seen, the peak RSS of the server and its worker processes (a private Ray started by the app included), and
the state of the cache afterwards (every entry must load; none may be damaged). The backend is the app's own
settings: ``SEQCORE_MAX_TRAININGS=2 python -m benchmarks.load_test`` or ``SEQCORE_RAY_ADDRESS=local ...``.

Then a flood (``--flood 40``; 0 skips it), straight against a JobManager: one client submits 40 runs with new
seeds, as a reloading tab would, while watching them; then another visitor submits one. Reported: how many of
the 40 the queue took, and how long the other visitor waited for their run to start and to finish.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import random
import re
import shutil
import statistics
import time
from urllib.parse import urlencode

from playwright.async_api import async_playwright

from benchmarks.server import CHART_SELECTOR, CHROMIUM_FLAGS, ERROR_SELECTOR, Server
from seqcore import SCENARIOS
from seqcore.store import Store


def small_params(name: str, rng: random.Random) -> dict[str, str]:
    """A quick configuration: the default with fewer epochs and a seed; a third of the time one of three shared
    seeds (visitors overlap and share a run), otherwise one of many (distinct runs)."""
    params = SCENARIOS[name].Config().to_params()
    if "epochs" in params:
        params["epochs"] = str(rng.choice([2, 3, 4]))
    if "seed" in params:
        params["seed"] = str(rng.choice([1, 2, 3]) if rng.random() < 1 / 3 else rng.randint(4, 10_000))
    return params


FINISHED_NOTE = re.compile(r"Trained in .* s and saved|Loaded from the cache")  # the run's own results are shown


def percentile(values: list[float], share: float) -> float:
    """The value below which ``share`` of ``values`` lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


class Tally:
    def __init__(self) -> None:
        self.opens = self.submitted = self.completed = self.cancelled = self.queued_seen = self.refused = 0
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
                await page.wait_for_selector(CHART_SELECTOR, timeout=60_000)  # the page has drawn
                # An untrained link draws a stand-in under this banner; a cached one draws its own results.
                if await page.get_by_text("not trained yet", exact=False).count():
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
                        drawn = bool(await page.get_by_text(FINISHED_NOTE).count())
                        await page.wait_for_timeout(500)
                    tally.queued_seen += queued
                    if drawn:
                        tally.completed += 1
                        tally.latencies.append(time.monotonic() - started)
                    else:
                        tally.errors.append(f"{name}: a submitted run never drew its charts")
            errors = page.locator(ERROR_SELECTOR)
            if await errors.count():
                text = (await errors.first.inner_text())[:200]
                if "already have" in text or "queue is full" in text:
                    tally.refused += 1  # the fair queue said no, in a plain sentence: not an error
                else:
                    tally.errors.append(f"{name}: {text}")
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


def flood(submissions: int) -> None:
    """One client floods the queue; how long does the next other visitor wait?"""
    import tempfile

    from seqcore.job_states import DONE, FAILED, QUEUED, Refused
    from seqcore.jobs import JobManager

    scenario = SCENARIOS["counting"]
    rng = random.Random(0)
    manager = JobManager(tempfile.mkdtemp(prefix="seqcore-flood-"))
    try:
        taken = []
        for index in range(submissions):
            config = scenario.Config.from_params(small_params("counting", rng) | {"seed": str(20_000 + index)})[0]
            try:
                taken.append(manager.submit(scenario, config, f"reload-{index}", client="flooder"))
            except Refused:
                pass
        config = scenario.Config.from_params(small_params("counting", rng) | {"seed": "99999"})[0]
        submitted = time.monotonic()
        mine = manager.submit(scenario, config, "visitor", client="visitor")
        started = finished = None
        while finished is None:
            for job in taken:
                manager.status(job, watcher="flooder-tab")  # the flooder keeps watching
            status = manager.status(mine, watcher="visitor")
            if started is None and status.state != QUEUED:
                started = time.monotonic() - submitted
            if status.state in (DONE, FAILED):
                finished = time.monotonic() - submitted
            time.sleep(0.2)
        print(
            f"flood: one client sent {submissions} runs, the queue took {len(taken)}; the next other visitor's "
            f"run started after {started:.1f} s and was done after {finished:.1f} s ({status.state})"
        )
    finally:
        manager.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--visitors", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--flood", type=int, default=40, help="submissions from one client afterwards (0: skip)")
    args = parser.parse_args()
    with Server() as server:
        tally = asyncio.run(load(server.url, args.visitors, args.seconds))
        peak = server.peak_rss
    store = Store(server.cache_dir, bundled=None)
    entries = [folder.name for _, _, folder in store.entries()]
    damaged = [key for key in entries if store.load(key)[0] is None]
    leftovers = list(store.root.glob(".tmp-*"))
    settings = {name: os.environ.get(name, "") for name in ("SEQCORE_MAX_TRAININGS", "SEQCORE_RAY_ADDRESS")}
    print(
        "backend: "
        + (f"Ray at {settings['SEQCORE_RAY_ADDRESS']}" if settings["SEQCORE_RAY_ADDRESS"].strip() else "local workers")
        + f", SEQCORE_MAX_TRAININGS={settings['SEQCORE_MAX_TRAININGS'] or '(default)'}; {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f} when it ended"
    )
    print(
        f"visitors {args.visitors} for {args.seconds:.0f} s: {tally.opens} page opens, "
        f"{tally.submitted} runs submitted, {tally.completed} completed, {tally.cancelled} cancelled by "
        f"their visitor, {tally.refused} refused by the fair queue"
    )
    if tally.latencies:
        print(
            f"Train → charts: median {statistics.median(tally.latencies):.1f} s, "
            f"p95 {percentile(tally.latencies, 0.95):.1f} s, max {max(tally.latencies):.1f} s; "
            f"{tally.queued_seen} runs waited in the queue first"
        )
    print(f"errors seen: {len(tally.errors)}")
    for error in tally.errors[:10]:
        print(f"  {error}")
    print(f"peak RSS of server + workers: {peak / 2**20:.0f} MB")
    print(f"cache: {len(entries)} entries, {len(damaged)} damaged, {len(leftovers)} unfinished writes left")
    if args.flood:
        flood(args.flood)


if __name__ == "__main__":
    main()
