"""The private report (`python -m publish report`, docs/report.md) in headless Chromium: no
console errors or failed requests, no axe-core violations, and the plan's markup shown as
text, never run."""

import io

import pytest
from site_browser import open_page, serve

from publish.cli import main
from tests.report_fixture import HOSTILE, NOW, argv, write_project

pytestmark = pytest.mark.browser

PAGES = ["index.html", "performance.html", "performance-by-likes.html"]


@pytest.fixture(scope="module")
def report_url(tmp_path_factory):
    root = tmp_path_factory.mktemp("report-project")
    out = root / "report"
    err = io.StringIO()
    code = main(["report", "--out", str(out), *argv(write_project(root)), "--now", NOW],
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
