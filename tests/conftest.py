"""Fixtures any test folder may use: the sample site's production build (`prod_site`, made
once per test run), and the reference Bluesky servers on 127.0.0.1 (tests/atproto,
docs/testing.md). A test that uses them is marked `bluesky_stack` here, so
`pytest -m bluesky_stack` runs exactly those and `-m "not bluesky_stack"` the rest."""

from __future__ import annotations

import itertools
import os

import pytest

from tests.atproto import stack as atproto
from tests.site.sitebuild import Build, build_site, shared_site

STACK_FIXTURES = frozenset({"bluesky_installed", "bluesky_stack", "bluesky_accounts",
                            "atproto_node"})


@pytest.hookimpl(tryfirst=True)     # before xdist reads the xdist_group marks
def pytest_collection_modifyitems(items):
    for item in items:
        if STACK_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.bluesky_stack)
            # One xdist worker runs them all (`--dist loadgroup`), so the stack, a session
            # fixture, starts once rather than once per worker.
            item.add_marker(pytest.mark.xdist_group("bluesky_stack"))


@pytest.fixture(scope="session")
def prod_site(tmp_path_factory) -> Build:
    """The sample content built with publishconf.py at BUILD_NOW (tests/site/sitebuild.py),
    once per run: tests only read it."""
    return shared_site(tmp_path_factory, "prod", lambda d: build_site("publishconf.py", d))


def _require_stack() -> None:
    """Skip when the stack is not installed; under CI=true, fail."""
    if problems := atproto.missing():
        message = "the reference Bluesky stack is not installed: " + "; ".join(problems)
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message} (required under CI=true)")
        pytest.skip(message)


@pytest.fixture(scope="session")
def bluesky_installed() -> None:
    """Node 22, the npm packages and PostgreSQL are installed (skip, or fail under CI)."""
    _require_stack()


@pytest.fixture(scope="session")
def bluesky_stack(bluesky_installed, tmp_path_factory) -> atproto.Stack:
    """PLC, PDS, bsync and AppView, started once per session (stack.py's running_stack)."""
    folder = tmp_path_factory.mktemp("bluesky-stack")
    try:
        context = atproto.running_stack(folder)
        stack = context.__enter__()
    except atproto.StackError as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        yield stack
    finally:
        context.__exit__(None, None, None)


_ACCOUNTS = itertools.count(1)


@pytest.fixture
def bluesky_accounts(bluesky_stack) -> tuple[atproto.Account, atproto.Account]:
    """(the brand, a reader): two new accounts on the stack's PDS, so each test starts with
    empty repositories."""
    n = next(_ACCOUNTS)
    return (atproto.create_account(bluesky_stack, f"brand{n}.test"),
            atproto.create_account(bluesky_stack, f"reader{n}.test"))


@pytest.fixture(scope="session")
def atproto_node(bluesky_installed):
    """run(snippet, data=None) → the JSON the ES module `snippet` prints, run with Node 22
    where `@atproto/api` is installed (`input` is `data`)."""
    return atproto.run_node
