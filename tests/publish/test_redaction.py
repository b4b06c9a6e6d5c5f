"""No credential value is stored: a server (or proxy) whose error text repeats the request's
`Authorization` header (each network's fake, "400-echo") leaves the token and the keys in
neither the ledger (CI commits it), the history, the report nor what is printed."""

from __future__ import annotations

import contextlib
import io
import re

import pytest

from publish.redaction import REDACTED, redact, secret_values
from tests.fakes import FAKES
from tests.publish.conftest import DUE_IDS, ITEMS, write_plan

NETWORKS = ("x", "mastodon", "bluesky")
# Whatever follows an auth scheme in stored text must be the redaction mark: a Bluesky
# session token (a JWT) is known to the adapter alone, not to the environment.
_LEAKED_AUTH = re.compile(r'(Bearer\s+|oauth_(consumer_key|token)=(\\?"|&#34;|&quot;))'
                          r"(?!\[redacted\])")


def on_network(items: list[dict], network: str) -> list[dict]:
    return [{**i, "id": i["id"].rsplit("/", 1)[0] + f"/{network}", "network": network}
            for i in items]


def credential_values(env: dict[str, str]) -> list[str]:
    return [value for key, value in env.items()
            if key.startswith(("X_", "MASTODON_ACCESS", "BLUESKY_APP"))
            and key != "X_API_BASE_URL" and value]


@pytest.mark.slow
@pytest.mark.parametrize("network", NETWORKS)
def test_an_error_text_repeating_the_authorization_header_stores_no_credential(
        project, network, tmp_path):
    write_plan(project.plan, on_network(ITEMS, network))
    with contextlib.ExitStack() as stack:
        fake = stack.enter_context(FAKES[network].serve())
        env = fake.env()
        fake.fail(FAKES[network].create, "400-echo", times=len(DUE_IDS))
        result = project.cli("run", env=env)
        report = project.cli("report", "--out", str(tmp_path / "report"), env=env)
    assert result.code == 1, result.text
    assert report.code == 0, report.text
    ledger = project.ledger.read_text(encoding="utf-8")
    assert "Authorization" in ledger and REDACTED in ledger     # the text is kept, redacted
    stored = {"ledger": ledger, "printed": result.text,
              **{path.name: path.read_text(encoding="utf-8")
                 for path in (tmp_path / "report").iterdir() if path.suffix == ".html"}}
    secrets = credential_values(env)
    assert secrets
    for where, text in stored.items():
        for secret in secrets:
            assert secret not in text, (where, secret)
        assert not _LEAKED_AUTH.search(text), (where, _LEAKED_AUTH.search(text))


def test_secret_values_cover_every_form_a_request_carries():
    env = {"X_BEARER_TOKEN": "AAAA%2Fbearer=x", "MASTODON_ACCESS_TOKEN": "tok en/+\n",
           "DEPLOY_GITHUB_REMOTE": "https://x-access-token:ghs_secret123@github.com/o/r.git",
           "BLUESKY_APP_PASSWORD": "abc"}          # too short to be told from a word
    values = secret_values(env)
    assert "AAAA%2Fbearer=x" in values and "AAAA%252Fbearer%3Dx" in values
    assert "tok en/+" in values and "tok%20en%2F%2B" in values
    assert "ghs_secret123" in values and "x-access-token" in values
    assert "abc" not in values
    assert values == tuple(sorted(values, key=lambda v: (-len(v), v)))   # longest first
    text = "Authorization: Bearer AAAA%252Fbearer%3Dx, push to ghs_secret123"
    assert redact(text, values) == f"Authorization: Bearer {REDACTED}, push to {REDACTED}"


def test_every_store_redacts_what_it_writes_whoever_made_the_text(tmp_path):
    """The stores do not trust their callers: the ledger, the history and the report each
    redact on the way to the file."""
    from publish.posting.ledger import Ledger, LedgerStore
    from publish.posting.ledger_entry import Entry
    from publish.report import history
    from publish.report.private_report import write_report

    secrets = secret_values({"MASTODON_ACCESS_TOKEN": "tok-123456", "X_API_KEY": "tok/123456"})
    store = LedgerStore(tmp_path / "ledger.json", secrets=secrets)
    store.save(Ledger(items={"en/a/social-1/x": Entry.from_json({
        "state": "failed", "network": "x", "text": "t", "link": "https://a.example/",
        "error": {"kind": "invalid", "message": "Bearer tok-123456 refused",
                  "at": "2026-11-22T15:00:00Z"}})}))
    assert "tok-123456" not in store.path.read_text() and REDACTED in store.path.read_text()
    history.append(tmp_path / "history.jsonl", [{"id": "x", "note": "tok-123456"}], secrets)
    assert "tok-123456" not in (tmp_path / "history.jsonl").read_text()
    write_report(tmp_path / "report", {"index.html": b"<p>tok-123456</p>",
                                       "calendar.ics": b"tok%2F123456"}, secrets)
    assert (tmp_path / "report" / "index.html").read_bytes() == b"<p>[redacted]</p>"
    assert b"123456" not in (tmp_path / "report" / "calendar.ics").read_bytes()


def test_header_lines_written_back_are_redacted(tmp_path):
    from types import SimpleNamespace

    from publish.posting.writeback import update_header
    from publish.terminal import Output

    content = tmp_path / "content"
    (content / "posts").mkdir(parents=True)
    post = content / "posts" / "a.md"
    post.write_text("Title: A\n\nBody.\n", encoding="utf-8")
    secrets = secret_values({"X_BEARER_TOKEN": "bearer-secret-1"})
    out = Output(io.StringIO(), io.StringIO(), secrets=secrets, tty=False)
    report = SimpleNamespace(file_errors=[], changed_files=[])
    update_header(content, "posts/a.md", [("Shared_Urls", "https://x.example/bearer-secret-1")],
                  owner="en/a/social-1/x", dry_run=False, out=out, report=report)
    assert report.file_errors == []
    assert post.read_text(encoding="utf-8") == (
        "Title: A\nShared_Urls: https://x.example/[redacted]\n\nBody.\n")
