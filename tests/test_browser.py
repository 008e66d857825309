"""A real browser against a real server: `streamlit run app.py` on loopback, driven by Debian's Chromium.

Every registered page opens at its default configuration (which ships pretrained, so it draws at once) and must
show its charts with no error box; every page is also trained from a link with a tiny config by pressing Train,
as a visitor would, and watched for an error box while it trains. Screenshots land in a temporary folder (printed
on failure). The visitor's loop (edit → Train five times, away and back, reload, cancel, Stop, a phone) is in
test_browser_loop.py.
"""

import time
from urllib.parse import urlencode

import pytest

import seqcore
from benchmarks.server import CHART_SELECTOR, ERROR_SELECTOR
from tests.conftest import TINY_BY_SCENARIO, start_server


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with start_server(tmp_path_factory) as running:
        yield running.url


def open_and_wait_for_charts(browser, url, shots, name, minimum=1):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        page.goto(url, wait_until="domcontentloaded", timeout=60_000)
        page.wait_for_function(f"document.querySelectorAll('{CHART_SELECTOR}').length >= {minimum}", timeout=240_000)
        page.wait_for_timeout(500)  # let late elements (an error box would be one) settle
        page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
        errors = page.locator(ERROR_SELECTOR)
        assert errors.count() == 0, f"{name}: {errors.first.inner_text()} (screenshots in {shots})"
        return page.locator(CHART_SELECTOR).count()
    finally:
        page.close()


def test_home_page_lists_every_scenario(server, browser, shots):
    page = browser.new_page()
    page.goto(server, timeout=60_000)
    page.get_by_role("heading", name="Sequence Lab").wait_for(timeout=60_000)
    main = page.locator('[data-testid="stMain"]')
    for scenario in seqcore.SCENARIOS.values():  # each page's card: its link, its one-line summary
        main.get_by_role("link", name=scenario.title, exact=True).first.wait_for(timeout=30_000)
        main.get_by_text(scenario.summary).first.wait_for(timeout=30_000)
    page.wait_for_function(
        f"document.querySelectorAll('{CHART_SELECTOR}').length >= {len(seqcore.SCENARIOS)}", timeout=60_000
    )  # a thumbnail of every page's main chart
    page.screenshot(path=str(shots / "home.png"), full_page=True)
    assert page.locator(ERROR_SELECTOR).count() == 0
    page.close()


@pytest.mark.parametrize("name", list(seqcore.SCENARIOS))
def test_every_page_draws_its_default_charts_without_an_error(server, browser, shots, name):
    assert open_and_wait_for_charts(browser, f"{server}/{name}", shots, name, minimum=2) >= 2


@pytest.mark.parametrize("name", list(seqcore.SCENARIOS))
def test_every_page_trains_from_a_link_with_no_error_box_at_any_moment(server, browser, shots, name):
    # Watched while it trains, not only at the end: the first live frame once showed an error box on one page.
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        page.goto(f"{server}/{name}?{urlencode({**TINY_BY_SCENARIO[name], 'seed': '5151'})}", timeout=60_000)
        page.get_by_text("not trained yet").wait_for(timeout=60_000)
        page.get_by_role("button", name="Train", exact=True).click()
        deadline = time.monotonic() + 240
        while page.get_by_text("Trained in").count() == 0:
            errors = page.locator(ERROR_SELECTOR)
            if errors.count():
                page.screenshot(path=str(shots / f"{name}-error-while-training.png"), full_page=True)
                raise AssertionError(f"{name}: {errors.first.inner_text()} while training (screenshots in {shots})")
            assert time.monotonic() < deadline, f"{name}: never trained"
            page.wait_for_timeout(150)
        page.wait_for_function(f"document.querySelectorAll('{CHART_SELECTOR}').length >= 2", timeout=60_000)
        page.wait_for_timeout(500)
        page.screenshot(path=str(shots / f"{name}-trained.png"), full_page=True)
        assert page.locator(ERROR_SELECTOR).count() == 0
    finally:
        page.close()


def test_the_paper_set_up_link_shows_our_spread_over_seeds_beside_the_papers_table(server, browser, shots):
    # The shared link of the Paper set-up opens its shipped run and, beside it, the shipped seeds 0–4 spread.
    paper = seqcore.get_scenario("event_timing").preset("paper")
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        page.goto(f"{server}/event_timing?{urlencode(paper.to_params())}", timeout=60_000)
        note = page.get_by_text("is the Paper set-up trained with seeds 0–4")
        note.wait_for(timeout=120_000)
        assert "within two of our standard deviations" in note.inner_text()
        page.wait_for_function("document.querySelectorAll('[data-testid=\"stDataFrame\"] canvas').length >= 2")
        page.wait_for_timeout(1000)  # the grid paints its cells after the canvas appears
        page.get_by_text("Beside the paper", exact=True).scroll_into_view_if_needed()
        page.screenshot(path=str(shots / "event_timing-paper.png"))
        assert page.locator(ERROR_SELECTOR).count() == 0
    finally:
        page.close()
