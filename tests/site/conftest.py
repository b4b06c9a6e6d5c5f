"""Session fixtures: the sample site is built once per test run, however many xdist workers
there are (development, and a copy with engagement numbers; production is `prod_site` of
tests/conftest.py), and so is the hostile-input corpus (both settings).
Helpers live in sitebuild.py and site_browser.py: module names of their own, because other
test folders have a conftest.py too."""

import os
import shutil

import pytest
from site_browser import CHROMIUM, LAUNCH_ARGS
from sitebuild import (
    HOSTILE,
    Build,
    Entry,
    build_engaged_site,
    build_site,
    content_entries,
    shared_site,
)


@pytest.fixture(scope="session")
def entries() -> list[Entry]:
    return content_entries()


@pytest.fixture(scope="session")
def dev_site(tmp_path_factory) -> Build:
    return shared_site(tmp_path_factory, "dev", lambda d: build_site("pelicanconf.py", d))


@pytest.fixture(scope="session")
def engaged_site(tmp_path_factory) -> Build:
    return shared_site(tmp_path_factory, "engaged", build_engaged_site)


@pytest.fixture(scope="session")
def hostile_prod(tmp_path_factory) -> Build:
    return shared_site(tmp_path_factory, "hostile-prod",
                       lambda d: build_site("publishconf.py", d, HOSTILE))


@pytest.fixture(scope="session")
def hostile_dev(tmp_path_factory) -> Build:
    return shared_site(tmp_path_factory, "hostile-dev",
                       lambda d: build_site("pelicanconf.py", d, HOSTILE))


@pytest.fixture(scope="session")
def chromium_path():
    found = CHROMIUM if CHROMIUM.exists() else shutil.which("chromium")
    if not found:
        message = "Chromium not found at /usr/bin/chromium (Debian package `chromium`)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}: browser tests are required in CI")
        pytest.skip(f"{message}: install it to run the browser tests")
    return str(found)


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=LAUNCH_ARGS)
        yield browser
        browser.close()
