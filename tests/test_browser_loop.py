"""The visitor's loop in a real browser: edit → Train → look → edit again, and the context kept around it.

Each test drives Debian's Chromium against a freshly started `streamlit run app.py` the way a person does:
typing into the sidebar and pressing Train at once (no waiting in between), leaving through the sidebar and
coming back, reloading mid-run, cancelling, pressing the header's Stop. Screenshots land in the `shots` folder.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

import seqcore
from benchmarks.server import CHART_SELECTOR, ERROR_SELECTOR
from seqcore.store import entry_key
from tests.conftest import TINY_COUNTING, start_server

TRAIN_TIMEOUT_MS = 180_000
# A counting run long enough to still be training while the test reloads, cancels or stops (tens of seconds).
SLOW_COUNTING = {**TINY_COUNTING, "epochs": "60", "train_sequences": "1500"}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with start_server(tmp_path_factory) as running:
        yield running


def new_page(browser, width=1440, height=900):
    return browser.new_page(viewport={"width": width, "height": height})


def query(page) -> dict[str, str]:
    return {name: values[-1] for name, values in parse_qs(urlparse(page.url).query).items()}


def wait_for_url_value(page, name: str, value: str, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while query(page).get(name) != value:
        if time.monotonic() > deadline:
            raise AssertionError(f"the address bar never showed {name}={value}: {page.url}")
        page.wait_for_timeout(100)


def set_number(page, label: str, value: str) -> None:
    """Type into a number box and leave it with Train's click, as a person does (no Enter, no waiting)."""
    box = page.get_by_label(label, exact=True)
    box.click()
    box.fill(value)


def press_train(page) -> None:
    page.get_by_role("button", name="Train", exact=True).click()


def wait_trained(page, server=None, key: str | None = None) -> None:
    """A run's end as the visitor sees it: its entry in the cache, then the success note and charts, no panel.

    Waiting for the entry first means a note left on screen by the previous run cannot pass for this one's.
    """
    if key is not None:
        deadline = time.monotonic() + TRAIN_TIMEOUT_MS / 1000
        while key not in cached_keys(server):
            if time.monotonic() > deadline:
                raise AssertionError(f"{key} was never trained")
            page.wait_for_timeout(200)
    page.wait_for_function(
        "![...document.querySelectorAll('button')].some(b => b.innerText.includes('Cancel training'))", timeout=30_000
    )
    page.get_by_text(re.compile(r"Trained in .* s and saved|Loaded from the cache")).first.wait_for(
        timeout=TRAIN_TIMEOUT_MS
    )
    page.wait_for_function(f"document.querySelectorAll('{CHART_SELECTOR}').length >= 2", timeout=60_000)


def assert_no_error(page, shots: Path, name: str) -> None:
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    errors = page.locator(ERROR_SELECTOR)
    assert errors.count() == 0, f"{name}: {errors.first.inner_text()} (screenshots in {shots})"


def cached_keys(server) -> set[str]:
    return {p.name for p in Path(server.cache_dir).iterdir() if not p.name.startswith(".")}


def counting_key(params: dict) -> str:
    scenario = seqcore.get_scenario("counting")
    config, _ = scenario.Config.from_params(params)
    return entry_key(scenario.name, config, scenario.version)


def test_five_edit_and_train_presses_in_a_row_each_train_what_the_form_holds(server, browser, shots):
    page = new_page(browser)
    page.goto(f"{server.url}/counting?{urlencode(TINY_COUNTING)}", timeout=60_000)
    page.get_by_text("These settings are not trained yet").wait_for(timeout=60_000)
    for press, seed in enumerate(("101", "102", "103", "104", "105"), start=1):
        set_number(page, "Seed", seed)
        press_train(page)  # at once: the edit and the press arrive together
        wait_trained(page, server, counting_key({**TINY_COUNTING, "seed": seed}))
        wait_for_url_value(page, "seed", seed)
        assert page.get_by_label("Seed", exact=True).input_value() == seed
        assert page.get_by_text("Settings changed").count() == 0
        assert counting_key({**TINY_COUNTING, "seed": seed}) in cached_keys(server), f"press {press} not trained"
        assert_no_error(page, shots, f"five-presses-{press}")
    page.close()


def test_a_press_while_training_replaces_the_run_with_the_new_values(server, browser, shots):
    page = new_page(browser)
    page.goto(f"{server.url}/counting?{urlencode({**SLOW_COUNTING, 'seed': '201'})}", timeout=60_000)
    press_train(page)
    page.get_by_role("button", name="Cancel training").wait_for(timeout=60_000)
    page.get_by_role("slider", name="Epochs").press("Home")  # the fewest epochs
    set_number(page, "Seed", "203")
    press_train(page)  # the visitor's slow run is replaced by this one
    wait_trained(page, server, counting_key({**SLOW_COUNTING, "epochs": "1", "seed": "203"}))
    wait_for_url_value(page, "seed", "203")
    wait_for_url_value(page, "epochs", "1")
    assert counting_key({**SLOW_COUNTING, "seed": "201"}) not in cached_keys(server)
    assert_no_error(page, shots, "press-while-training")
    page.close()


def test_a_fresh_servers_first_request_is_a_share_link_and_gets_the_apps_own_shell(tmp_path_factory, browser, shots):
    with start_server(tmp_path_factory) as fresh:
        page = new_page(browser)
        page.goto(f"{fresh.url}/counting?{urlencode(TINY_COUNTING)}", timeout=60_000)
        page.get_by_role("heading", name="Counting").first.wait_for(timeout=60_000)
        page.get_by_text("These settings are not trained yet").wait_for(timeout=60_000)
        navigation = page.locator('[data-testid="stSidebarNav"]')
        assert navigation.get_by_text("Teacher forcing", exact=True).count() == 1  # our titles, not file names
        assert navigation.get_by_text("app", exact=True).count() == 0
        assert "Sequence Lab" in page.title()
        width = page.locator('[data-testid="stMainBlockContainer"]').bounding_box()["width"]
        assert width > 900, f"narrow layout ({width:.0f} px) on a 1440 px window"
        assert query(page)["seed"] == TINY_COUNTING.get("seed", "0")
        assert_no_error(page, shots, "deep-link-first")
        page.close()


def test_away_through_the_sidebar_and_back_keeps_the_configuration_and_its_run(server, browser, shots):
    page = new_page(browser)
    params = {**TINY_COUNTING, "seed": "301"}
    page.goto(f"{server.url}/counting?{urlencode(params)}", timeout=60_000)
    press_train(page)
    wait_trained(page, server, counting_key(params))
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Home").click()
    page.get_by_role("heading", name="Sequence Lab").wait_for(timeout=30_000)
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Counting").click()
    wait_for_url_value(page, "seed", "301")
    page.wait_for_function(f"document.querySelectorAll('{CHART_SELECTOR}').length >= 2", timeout=60_000)
    assert page.get_by_label("Seed", exact=True).input_value() == "301"
    assert page.get_by_text("not trained yet").count() == 0
    assert_no_error(page, shots, "away-and-back")
    page.close()


def test_a_reload_mid_run_reattaches_to_the_live_panel_and_the_run_finishes(server, browser, shots):
    page = new_page(browser)
    params = {**SLOW_COUNTING, "seed": "401"}
    page.goto(f"{server.url}/counting?{urlencode(params)}", timeout=60_000)
    press_train(page)
    page.get_by_text(re.compile(r"epoch \d+ of \d+")).first.wait_for(timeout=120_000)
    page.reload()
    started = time.monotonic()
    page.get_by_role("button", name="Cancel training").wait_for(timeout=30_000)
    reattached = time.monotonic() - started
    assert page.get_by_text("not trained yet").count() == 0
    page.get_by_text(re.compile(r"Live: after epoch \d+ of \d+")).first.wait_for(timeout=60_000)
    assert_no_error(page, shots, "reload-mid-run")
    print(f"reload → live panel re-attached in {reattached:.2f} s")
    page.get_by_role("button", name="Cancel training").click()  # leave the trainer free for the next test
    page.get_by_text("Training cancelled").wait_for(timeout=30_000)
    page.close()


def test_cancel_clears_the_panel_and_shows_the_last_finished_results(server, browser, shots):
    page = new_page(browser)
    page.goto(f"{server.url}/counting?{urlencode({**SLOW_COUNTING, 'seed': '501'})}", timeout=60_000)
    press_train(page)
    page.get_by_text(re.compile(r"epoch \d+ of \d+")).first.wait_for(timeout=120_000)
    page.get_by_role("button", name="Cancel training").click()
    page.get_by_text("Training cancelled").wait_for(timeout=30_000)
    page.wait_for_timeout(1500)  # a stale panel would still be redrawn by now
    assert page.get_by_role("button", name="Cancel training").count() == 0
    assert page.locator(CHART_SELECTOR).count() >= 2  # the default's results, never a blank page
    assert_no_error(page, shots, "cancelled")
    page.close()


def test_the_header_stop_leaves_no_frozen_panel(server, browser, shots):
    page = new_page(browser)
    page.goto(f"{server.url}/counting?{urlencode({**TINY_COUNTING, 'epochs': '20', 'seed': '601'})}", timeout=60_000)
    press_train(page)
    page.get_by_text(re.compile(r"epoch \d+ of \d+")).first.wait_for(timeout=120_000)
    # The header's Stop shows only while a script or fragment run is going (every 0.5 s here): catch one.
    stop = page.get_by_role("button", name="Stop").first
    for _ in range(20):
        try:
            stop.click(timeout=1000)
            break
        except PlaywrightTimeoutError:
            continue
    wait_trained(
        page, server, counting_key({**TINY_COUNTING, "epochs": "20", "seed": "601"})
    )  # the panel keeps refreshing to the end, and the results replace it
    assert_no_error(page, shots, "header-stop")
    page.close()


def test_a_phone_sized_window_shows_the_page_without_an_error(server, browser, shots):
    page = new_page(browser, width=390, height=844)
    page.goto(f"{server.url}/teacher_forcing", timeout=60_000)
    page.wait_for_function(f"document.querySelectorAll('{CHART_SELECTOR}').length >= 2", timeout=60_000)
    assert_no_error(page, shots, "phone-teacher-forcing")
    page.close()
