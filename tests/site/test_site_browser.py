"""The built site in headless Chromium: no console errors, no failed requests, no axe-core
violations. Uses Debian's /usr/bin/chromium; never downloads a browser."""

import pytest
from site_browser import open_page, serve

pytestmark = pytest.mark.browser

PAGES = [
    "/",
    "/2026/answering-customers-on-twitter/",
    "/is/2026/answering-customers-on-twitter/",
    "/2026/listening-before-talking/",
    "/2026/coupons-for-attention/",
    "/archives/",
    "/tags/",
    "/about/",
    "/offers/",
    "/404.html",
]


@pytest.fixture(scope="module")
def base_url(dev_site):
    """The development build (root-relative links, as `make serve` shows it)."""
    with serve(dev_site.output) as url:
        yield url


def assert_clean_and_accessible(page, problems) -> None:
    """No console errors or failed requests, and axe-core finds no violation."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert not problems, "\n".join(problems)
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_cleanly_and_has_no_axe_violations(browser, base_url, path):
    page, problems = open_page(browser, base_url + path)
    try:
        assert_clean_and_accessible(page, problems)
    finally:
        page.close()


def test_engagement_block_is_accessible(browser, engaged_site):
    with serve(engaged_site.output) as url:
        page, problems = open_page(browser, url + PAGES[1])
        try:
            assert page.locator("section.engagement dl.metrics").count() == 1
            assert_clean_and_accessible(page, problems)
        finally:
            page.close()


def test_scheduled_mark_is_visible_and_accessible(browser, base_url):
    """The development build's mark on a post dated after the build time, on the post and in
    the home page's list."""
    for path in ("/2026/saying-sorry-in-public/", "/"):
        page, problems = open_page(browser, base_url + path)
        try:
            mark = page.locator(".scheduled-mark")
            assert mark.count() == 1, path
            assert mark.is_visible(), path
            assert mark.inner_text() == "Scheduled for 14 December 2026 09:00", path
            assert_clean_and_accessible(page, problems)
        finally:
            page.close()


def test_copy_button_is_added_only_with_javascript(browser, base_url):
    page, problems = open_page(browser, base_url + PAGES[1])
    try:
        page.locator("button.copy-button").wait_for()
        assert page.locator("button.copy-button").inner_text() == "Copy code"
        assert not problems, "\n".join(problems)
    finally:
        page.close()
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(base_url + PAGES[1])
        assert page.locator("code.coupon-code").inner_text() == "LISTEN20"
        assert page.locator("button.copy-button").count() == 0
    finally:
        context.close()


def test_mobile_width_does_not_scroll_sideways(browser, base_url):
    for path in PAGES[:3]:
        page, problems = open_page(browser, base_url + path, width=390)
        try:
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{path} is {overflow}px wider than a 390px screen"
            assert not problems, "\n".join(problems)
        finally:
            page.close()


def test_skip_link_is_first_and_moves_focus_to_main(browser, base_url):
    page, _ = open_page(browser, base_url + PAGES[1])
    try:
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Skip to content"
        assert page.evaluate("getComputedStyle(document.activeElement).top") != "-48px"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"
    finally:
        page.close()
