"""Session fixtures: the sample site is built once per test session (production, development,
and a copy with engagement numbers). Helpers live in sitebuild.py: a module name of its own,
because other test folders have a conftest.py too."""

import pytest
from sitebuild import Build, Entry, build_engaged_site, build_site, content_entries


@pytest.fixture(scope="session")
def entries() -> list[Entry]:
    return content_entries()


@pytest.fixture(scope="session")
def prod_site(tmp_path_factory) -> Build:
    return build_site("publishconf.py", tmp_path_factory.mktemp("prod"))


@pytest.fixture(scope="session")
def dev_site(tmp_path_factory) -> Build:
    return build_site("pelicanconf.py", tmp_path_factory.mktemp("dev"))


@pytest.fixture(scope="session")
def engaged_site(tmp_path_factory) -> Build:
    return build_engaged_site(tmp_path_factory.mktemp("engaged"))
