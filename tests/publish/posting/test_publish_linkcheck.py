"""The link check: an item is posted only once its page answers on the site; until then it is
`waiting` (ledger, plan, status), checked again on every run, and missed past the lateness
limit. Real HTTP against loopback sites (tests/fakes/loopback_site.py); the redirect rules also as
pure decisions over a table of answers."""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path

import pytest

from publish.posting.linkcheck import (
    Answer,
    LinkChecker,
    check_page,
    http_fetch,
    on_base,
    page_url,
    same_site,
    share_image,
)
from tests.fakes.loopback_site import serving
from tests.publish.conftest import ANSWERING, ICELANDIC, NOW, SITE, link

ANSWERING_PAGE = f"/2026/{ANSWERING}/"
ICELANDIC_PAGE = f"/2026/{ICELANDIC}/"
ICELANDIC_ID = f"is/{ICELANDIC}/social-1/x"


def put_page(folder: Path, path: str) -> None:
    page = folder / path.strip("/") / "index.html"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text("<!doctype html><title>a post</title>", encoding="utf-8")


@pytest.fixture
def www(tmp_path: Path) -> Path:
    """The deployed site: the home page and the English post; the Icelandic one not yet."""
    folder = tmp_path / "www"
    folder.mkdir()
    (folder / "index.html").write_text("<!doctype html><title>home</title>", encoding="utf-8")
    put_page(folder, ANSWERING_PAGE)
    return folder


# --- pure -------------------------------------------------------------------------------

def test_the_page_is_the_link_without_query_and_fragment():
    assert page_url(link(ANSWERING)) == f"{SITE}/2026/{ANSWERING}/"
    assert page_url("https://example.org?x=1#top") == "https://example.org/"


def test_a_base_url_replaces_the_site_address_and_keeps_the_path():
    page = f"{SITE}/2026/{ANSWERING}/"
    assert on_base(page, SITE, "http://127.0.0.1:8123") == f"http://127.0.0.1:8123{ANSWERING_PAGE}"
    assert on_base(page, SITE + "/", "http://staging.example/copy/") == \
        f"http://staging.example/copy{ANSWERING_PAGE}"
    assert on_base(SITE, SITE, "http://127.0.0.1:8123") == "http://127.0.0.1:8123/"
    assert on_base("https://elsewhere.example/x/", SITE, "http://127.0.0.1:1") == \
        "https://elsewhere.example/x/"                  # not on the site: as it is
    assert on_base(page, SITE, None) == page


def test_redirects_are_followed_only_within_the_site():
    assert same_site("https://a.example/x", "https://a.example/y")
    assert same_site("http://a.example/x", "https://a.example/x")       # upgrade to https
    assert same_site("https://a.example/x", "https://a.example:443/y")
    assert not same_site("https://a.example/x", "http://a.example/x")
    assert not same_site("https://a.example/x", "https://b.example/x")
    assert not same_site("http://127.0.0.1:1/x", "http://127.0.0.1:2/x")


def table(answers: dict[str, Answer]):
    asked: list[str] = []

    def fetch(url: str) -> Answer:
        asked.append(url)
        return answers[url]
    return fetch, asked


def test_check_page_decides_from_the_answers():
    page = "https://a.example/2026/post/"
    fetch, asked = table({
        "https://a.example/2026/post": Answer(301, "Moved", "/2026/post/"),
        page: Answer(200, "OK"),
        "https://a.example/gone/": Answer(410, "Gone"),
        "https://a.example/moved/": Answer(302, "Found", "https://parking.example/"),
        "https://a.example/loop/": Answer(307, "", "/loop/"),
        "https://a.example/broken/": Answer(503, "Service Unavailable"),
        "https://a.example/forbidden/": Answer(403, "Forbidden"),
    })
    assert check_page("https://a.example/2026/post", fetch).live
    assert asked == ["https://a.example/2026/post", page]
    assert check_page("https://a.example/gone/", fetch).reason == \
        "https://a.example/gone/ answered 410 Gone"
    off = check_page("https://a.example/moved/", fetch)
    assert not off.live and off.reason == ("https://a.example/moved/ redirects off the site, "
                                           "to https://parking.example/")
    assert check_page("https://a.example/loop/", fetch).reason == \
        "https://a.example/loop/: more than 5 redirects"
    assert not check_page("https://a.example/broken/", fetch).live
    assert not check_page("https://a.example/forbidden/", fetch).live   # S3's "no such key"


def test_a_live_page_names_its_share_image_as_a_link_card_reads_it():
    page = "https://a.example/2026/post/"
    both = ('<meta property="og:image" content="/og.png">'
            '<meta name="twitter:image" content="/images/cards/post.png">')
    assert share_image(both, page) == "https://a.example/images/cards/post.png"
    assert share_image('<meta property="og:image" content="card.png">', page) == \
        "https://a.example/2026/post/card.png"
    for head in ("", '<meta property="og:image" content="javascript:alert(1)">',
                 '<meta property="og:image" content="data:image/png;base64,AAAA">',
                 '<meta property="og:image" content="">'):
        assert share_image(head, page) is None, head
    fetch, _ = table({page: Answer(200, "OK", head=both)})
    assert check_page(page, fetch).image == "https://a.example/images/cards/post.png"


@pytest.mark.parametrize("image", ["http://127.0.0.1:9000/admin.png",
                                   "https://cdn.example/card.png",
                                   "https://blog.listening-brands.example:8443/card.png"])
def test_a_share_image_on_another_site_than_the_page_is_not_kept(image):
    """A page naming a loopback or internal address made the publisher fetch it and upload
    the answer as a Bluesky blob: only an image on the page's own site is kept."""
    page = on_base(page_url(link(ANSWERING)), SITE, None)
    fetch, _ = table({page: Answer(200, "OK", head=f'<meta name="twitter:image" '
                                                 f'content="{image}">')})
    status = LinkChecker(SITE, fetch)(link(ANSWERING))
    assert status.live and status.image is None
    fetch, _ = table({page: Answer(200, "OK", head='<meta name="twitter:image" '
                                                 f'content="{SITE}/card.png">')})
    assert LinkChecker(SITE, fetch)(link(ANSWERING)).image == f"{SITE}/card.png"


# --- real HTTP on loopback --------------------------------------------------------------

def test_the_share_image_is_read_from_the_live_page_and_fetched_from_the_base(www):
    page = www / ANSWERING_PAGE.strip("/") / "index.html"
    page.write_text(
        "<!doctype html><head><title>a post</title>"
        f'<meta name="twitter:image" content="{SITE}/images/cards/answering.png">'
        "</head><body>" + "x" * 600_000 + "</body>", encoding="utf-8")
    with serving(www) as site:
        check = LinkChecker(SITE, http_fetch((2.0, 2.0)), base=site.url)
        status = check(link(ANSWERING))
    assert status.live
    # An image on the production site is fetched where the pages are checked.
    assert status.image == f"{site.url}/images/cards/answering.png"

def test_over_http_a_missing_page_is_404_and_a_folder_redirect_is_followed(www):
    with serving(www) as site:
        fetch = http_fetch((2.0, 2.0))
        assert check_page(f"{site.url}{ANSWERING_PAGE}", fetch).live
        redirected = check_page(f"{site.url}/2026/{ANSWERING}", fetch)  # 301 to the folder
        assert redirected.live, redirected.reason
        missing = check_page(f"{site.url}{ICELANDIC_PAGE}", fetch)
        assert not missing.live
        assert missing.reason == f"{site.url}{ICELANDIC_PAGE} answered 404 File not found"


def test_over_http_unreachable_and_silent_sites_are_not_live():
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]        # bound, not listening: connection refused
        refused = check_page(f"http://127.0.0.1:{port}/", http_fetch((2.0, 2.0)))
    assert not refused.live and "unreachable (Connection refused)" in refused.reason
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()                       # accepts the connection, never answers
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/"
        timed_out = check_page(url, http_fetch((1.0, 0.2)))
    assert not timed_out.live and "no answer within the timeout" in timed_out.reason


def test_each_page_is_requested_once_per_checker(www):
    with serving(www) as site:
        check = LinkChecker(SITE, http_fetch((2.0, 2.0)), base=site.url)
        assert check(link(ANSWERING)).live
        assert check(link(ANSWERING) + "&utm_content=coupon").live   # same page
        assert not check(link(ICELANDIC)).live
        assert site.requests == [ANSWERING_PAGE, ICELANDIC_PAGE]


# --- run: waiting, then posted --------------------------------------------------------

def run(project, fake_x, site, *args, now=NOW):
    env = {**fake_x.env(), "PUBLISH_LINK_CHECK_BASE": site.url}
    return project.cli("run", *args, env=env, now=now)


def test_an_item_waits_for_its_page_then_is_posted(project, fake_x, www):
    with serving(www) as site:
        first = run(project, fake_x, site)
        assert first.code == 0, first.text
        # Two due items share the English page, one the Icelandic: each page asked once.
        assert site.requests == [ANSWERING_PAGE, ICELANDIC_PAGE]
        assert fake_x.posts_created == 2
        assert (f"waiting {ICELANDIC_ID}  page not live: {site.url}{ICELANDIC_PAGE} answered "
                "404 File not found; not posted, checked again on the next run") in first.out
        summary = next(line for line in first.out.splitlines() if line.startswith("run: "))
        assert summary.endswith("1 waiting for their page")
        entry = project.ledger_items()[ICELANDIC_ID]
        assert entry == {"state": "waiting", "network": "x", "waiting_since": NOW,
                         "waiting_reason": f"{site.url}{ICELANDIC_PAGE} answered 404 File "
                                           "not found"}

        status = json.loads(project.cli("status", "--json", "--no-build", now=NOW).out)
        row = next(i for i in status["items"] if i["id"] == ICELANDIC_ID)
        assert row["state"] == "waiting" and status["counts"]["waiting"] == 1
        assert row["note"].startswith("page not live (waiting since 2026-11-22 15:00 UTC): ")
        plan = project.cli("plan", "--upcoming", "--no-build", now=NOW)
        # The state column is followed by the id, wherever the table puts them (a cost
        # column came before them).
        assert re.search(rf"\bwaiting +{re.escape(ICELANDIC_ID)} ", plan.out), plan.out

        # Still not live an hour later: checked again, the ledger is not rewritten.
        before = project.ledger.read_bytes()
        again = run(project, fake_x, site, now="2026-11-22T16:00:00Z")
        assert again.code == 0 and fake_x.posts_created == 2
        assert site.requests[2:] == [ICELANDIC_PAGE]
        assert project.ledger.read_bytes() == before

        # Deployed: the next run posts it, once.
        put_page(www, ICELANDIC_PAGE)
        live = run(project, fake_x, site, now="2026-11-22T17:00:00Z")
        assert live.code == 0, live.text
        assert fake_x.posts_created == 3
        entry = project.ledger_items()[ICELANDIC_ID]
        assert entry["state"] == "sent" and "waiting_reason" not in entry


def test_waiting_past_the_lateness_limit_is_missed(project, fake_x, www):
    with serving(www) as site:
        assert run(project, fake_x, site).code == 0
        late = run(project, fake_x, site, now="2026-11-23T13:00:00Z")   # 25 h after due
        assert late.code == 0
        assert f"missed  {ICELANDIC_ID}  due 2026-11-22T12:00:00Z, 1d 1h late" in late.out
        assert site.requests.count(ICELANDIC_PAGE) == 1          # no check once missed
        entry = project.ledger_items()[ICELANDIC_ID]
        assert entry["state"] == "missed" and entry["waiting_since"] == NOW
        status = json.loads(project.cli("status", "--json", "--no-build",
                                        now="2026-11-23T13:00:00Z").out)
        row = next(i for i in status["items"] if i["id"] == ICELANDIC_ID)
        assert row["state"] == "missed" and row["note"].startswith("page not live")


def test_no_link_check_posts_without_asking_and_a_dry_run_asks_nothing(project, fake_x, www):
    with serving(www) as site:
        dry = run(project, fake_x, site, "--dry-run")
        assert dry.code == 0 and site.requests == [] and fake_x.posts_created == 0
        unchecked = run(project, fake_x, site, "--no-link-check")
        assert unchecked.code == 0 and site.requests == [] and fake_x.posts_created == 3


def test_link_check_base_option_and_a_bad_base(project, fake_x, www):
    with serving(www) as site:
        env = {**fake_x.env(), "PUBLISH_LINK_CHECK_BASE": "http://127.0.0.1:9/"}
        chosen = project.cli("run", "--link-check-base", site.url, env=env)
        assert chosen.code == 0 and site.requests == [ANSWERING_PAGE, ICELANDIC_PAGE]
    bad = project.cli("run", env={**fake_x.env(), "PUBLISH_LINK_CHECK_BASE": "127.0.0.1:8000"})
    assert bad.code == 2 and fake_x.posts_created == 2
    assert bad.err == ("publish: PUBLISH_LINK_CHECK_BASE: '127.0.0.1:8000' is not a base URL "
                       "(expected http(s)://HOST[:PORT][/PATH], e.g. http://127.0.0.1:8123)\n")


def test_an_unreachable_site_holds_everything_back(project, fake_x):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        env = {**fake_x.env(), "PUBLISH_LINK_CHECK_BASE":
               f"http://127.0.0.1:{closed.getsockname()[1]}"}
        result = project.cli("run", env=env)
    assert result.code == 0 and fake_x.posts_created == 0
    assert result.out.count("unreachable (Connection refused)") == 3
    assert {e["state"] for e in project.ledger_items().values()} == {"waiting", "missed"}
