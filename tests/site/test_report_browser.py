"""The private report (`python -m publish report`, docs/report.md) in headless Chromium: no
console errors or failed requests, no axe-core violations, and the plan's markup shown as
text, never run."""

import io

import pytest
from site_browser import open_page, serve

from publish.cli import main
from tests.report_fixture import HOSTILE, NOW, SITE, argv, write_project

pytestmark = pytest.mark.browser

PAGES = ["index.html", "previews.html", "performance.html", "performance-by-likes.html"]


def built_site(root):
    """One built page with its card, as the social_cards plugin writes them, so the
    previews show a real image."""
    from PIL import Image

    site = root / "output"
    page = site / "2026" / "answering" / "index.html"
    page.parent.mkdir(parents=True)
    (site / "images" / "cards").mkdir(parents=True)
    Image.new("RGB", (1200, 630), "#1f4e5f").save(site / "images" / "cards" / "answering.png")
    page.write_text(
        '<meta name="twitter:title" content="Answering customers">'
        '<meta name="twitter:description" content="We answer within the hour.">'
        f'<meta name="twitter:image" content="{SITE}/images/cards/answering.png">'
        '<meta name="twitter:image:alt" content="Answering customers">', encoding="utf-8")
    return site


@pytest.fixture(scope="module")
def report_url(tmp_path_factory):
    root = tmp_path_factory.mktemp("report-project")
    out = root / "report"
    err = io.StringIO()
    paths = write_project(root)
    code = main(["report", "--out", str(out), "--site", str(built_site(root)), *argv(paths),
                 "--now", NOW],
                env={}, stdout=io.StringIO(), stderr=err, tty=False)
    assert code == 0, err.getvalue()
    with serve(out) as url:
        yield url


@pytest.mark.parametrize("name", PAGES)
def test_report_page_is_clean_and_has_no_axe_violations(browser, report_url, name):
    from axe_playwright_python.sync_playwright import Axe

    page, problems = open_page(browser, f"{report_url}/{name}")
    try:
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        results = Axe().run(page)
        assert not problems, "\n".join(problems)
        assert results.violations_count == 0, results.generate_report()
        assert page.locator("script").count() == 0 and not dialogs
        if name == "index.html":
            assert HOSTILE in page.locator("main").inner_text()
    finally:
        page.close()
