"""A real browser against a real server: `streamlit run app.py` on loopback, driven by Debian's Chromium.

Every registered page opens at its default configuration (which ships pretrained, so it draws at once) and must
show its charts with no error box; the Counting page is also trained from a link with a tiny config by pressing
Train, as a visitor would. Screenshots land in a temporary folder (printed on failure).
"""

import shutil
from urllib.parse import urlencode

import pytest

import seqcore
from benchmarks.server import CHART_SELECTOR, CHROMIUM_FLAGS, ERROR_SELECTOR, Server
from tests.conftest import TINY_COUNTING


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    log = tmp_path_factory.mktemp("server") / "streamlit.log"
    with Server(cache_dir=str(tmp_path_factory.mktemp("cache")), log_path=log) as running:
        yield running.url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is not installed: apt-get install -y chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    return tmp_path_factory.mktemp("screenshots")


def open_and_wait_for_charts(browser, url, shots, name, minimum=1, press_train=False):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        page.goto(url, wait_until="domcontentloaded", timeout=60_000)
        if press_train:
            page.get_by_text("not been trained yet").wait_for(timeout=60_000)
            page.get_by_role("button", name="Train", exact=True).click()
        page.wait_for_function(f"document.querySelectorAll('{CHART_SELECTOR}').length >= {minimum}",
                               timeout=240_000)
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
    for scenario in seqcore.SCENARIOS.values():  # each page's link, with its one-line summary
        page.get_by_role("link").filter(has_text=scenario.summary).first.wait_for(timeout=30_000)
    page.screenshot(path=str(shots / "home.png"), full_page=True)
    assert page.locator(ERROR_SELECTOR).count() == 0
    page.close()


@pytest.mark.parametrize("name", list(seqcore.SCENARIOS))
def test_every_page_draws_its_default_charts_without_an_error(server, browser, shots, name):
    assert open_and_wait_for_charts(browser, f"{server}/{name}", shots, name, minimum=2) >= 2


def test_counting_trains_from_a_link_in_the_browser(server, browser, shots):
    url = f"{server}/counting?{urlencode({**TINY_COUNTING, 'seed': '11'})}"
    assert open_and_wait_for_charts(browser, url, shots, "counting-trained", minimum=5, press_train=True) >= 5
