"""The lab in a real browser: predictions that move while a run trains, a pinned baseline beside the current run,
and a shipped sweep that draws from its link without training. Debian's Chromium against a fresh `streamlit run
app.py`, as in test_browser_loop; screenshots land in the `shots` folder."""

from __future__ import annotations

import re
import time
from urllib.parse import urlencode

import pytest

from tests.conftest import TINY_COUNTING, start_server
from tests.test_browser_loop import (
    SLOW_COUNTING,
    assert_no_error,
    counting_key,
    new_page,
    press_train,
    set_number,
    wait_trained,
)

LIVE_TITLE = re.compile(r"Live: after epoch (\d+) of (\d+)")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with start_server(tmp_path_factory) as running:
        yield running


def chart_titles(page) -> list[str]:
    return page.evaluate("[...document.querySelectorAll('.gtitle')].map(t => t.textContent)")


def legend_names(page) -> list[str]:
    return page.evaluate("[...document.querySelectorAll('.legendtext')].map(t => t.textContent)")


def test_the_predictions_chart_moves_while_the_run_trains(server, browser, shots):
    page = new_page(browser)
    page.goto(f"{server.url}/counting?{urlencode({**SLOW_COUNTING, 'seed': '401'})}", timeout=60_000)
    press_train(page)
    page.get_by_role("button", name="Cancel training").wait_for(timeout=60_000)
    seen: set[int] = set()
    deadline = time.monotonic() + 150
    while len(seen) < 2 and time.monotonic() < deadline:
        for title in chart_titles(page):
            match = LIVE_TITLE.search(title)
            if match:
                seen.add(int(match.group(1)))
                assert int(match.group(2)) == 60  # titled with the epoch it shows, of the run's own count
        page.wait_for_timeout(200)
    page.screenshot(path=str(shots / "live-predictions.png"), full_page=True)
    assert len(seen) >= 2, f"the live predictions chart showed epochs {sorted(seen)} only"
    assert page.get_by_role("button", name="Cancel training").count() == 1  # seen while still training
    page.get_by_role("button", name="Cancel training").click()
    page.get_by_text("Training cancelled").first.wait_for(timeout=30_000)
    page.close()


def test_the_untrained_models_predictions_show_before_the_first_epoch_ends(server, browser, shots):
    # The paper set-up's first epoch takes seconds (three models traced), so its epoch-0 frame stays up long
    # enough to see: the live chart draws the untrained forecasts, titled as such, right after Train.
    import seqcore

    paper = seqcore.get_scenario("event_timing").preset("paper").replace(seed=7)  # a seed nothing else trains
    page = new_page(browser)
    page.goto(f"{server.url}/event_timing?{urlencode(paper.to_params())}", timeout=60_000)
    press_train(page)
    page.wait_for_function(
        "[...document.querySelectorAll('.gtitle')].some(t => t.textContent.includes('Live: before training'))",
        timeout=60_000,
    )
    titles = [title for title in chart_titles(page) if "Live: before training" in title]
    assert titles and "(0 of 200 epochs)" in titles[0]
    assert {"MSE forecast", "DILATE forecast"} <= set(legend_names(page))  # every variant's untrained forecast
    page.screenshot(path=str(shots / "live-before-training.png"), full_page=True)
    page.get_by_role("button", name="Cancel training").click()
    page.get_by_text("Training cancelled").first.wait_for(timeout=30_000)
    page.close()


def test_a_pinned_baseline_is_compared_with_the_current_run(server, browser, shots):
    page = new_page(browser)
    page.goto(f"{server.url}/counting?{urlencode({**TINY_COUNTING, 'seed': '501'})}", timeout=60_000)
    press_train(page)
    wait_trained(page, server, counting_key({**TINY_COUNTING, "seed": "501"}))
    set_number(page, "Seed", "502")
    press_train(page)
    wait_trained(page, server, counting_key({**TINY_COUNTING, "seed": "502"}))
    page.get_by_text("Your runs on this page (2)").click()
    page.get_by_role("button", name="Pin as baseline").nth(1).click()  # newest first: the second is seed 501
    page.get_by_text("Compared with your baseline").wait_for(timeout=30_000)
    page.get_by_text(re.compile(r"Baseline settings differ in: .*Seed")).first.wait_for(timeout=30_000)
    page.wait_for_function(
        "[...document.querySelectorAll('.legendtext')].some(t => t.textContent.startsWith('Baseline'))"
    )
    assert "vs.seed=501" in page.url  # the address bar and the comparison link carry both runs
    assert page.get_by_text(re.compile(r"seed=502.*vs\.seed=501")).count() == 1
    assert_no_error(page, shots, "pinned-baseline")
    page.close()


def test_a_shipped_sweep_draws_from_its_link_without_training(server, browser, shots):
    page = new_page(browser)
    page.goto(f"{server.url}/counting?sweep=train_length&values=5,10,20,40", timeout=60_000)
    page.get_by_text("Shipped with the app: drawn without training.").wait_for(timeout=60_000)
    page.wait_for_function("[...document.querySelectorAll('.gtitle')].some(t => t.textContent.startsWith('Against'))")
    assert [name for name in legend_names(page) if "at length 40" in name]
    assert page.get_by_role("button", name="Cancel training").count() == 0  # nothing trains
    page.get_by_text("Shipped with the app: drawn without training.").scroll_into_view_if_needed()
    assert_no_error(page, shots, "shipped-sweep")
    page.close()
