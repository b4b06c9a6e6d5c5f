"""contract/bluesky_text.py: a Bluesky post as Bluesky's app writes it. The expected values
follow the reference: @atproto/api's detectFacets (packages/api/src/rich-text/detection.ts)
and social-app's toShortUrl / shortenLinks; texts written the way marketers write them."""

from __future__ import annotations

import pytest

from contract.bluesky_text import (
    LINK,
    MAX_BYTES,
    MENTION,
    TAG,
    detect,
    display_text,
    graphemes,
    handles,
    rich_text,
    short_url,
    utf8_length,
)

TRACKED = ("https://blog.listening-brands.example/2026/answering-customers-on-twitter/"
           "?utm_source=bluesky&utm_medium=social&utm_campaign=listening-week")
SHOWN = "blog.listening-brands.example/2026/answeri..."


def found(text: str) -> list[tuple[str, str, str]]:
    """(covered text, facet kind, value) of every facet detected in `text`."""
    return [(text[s.start:s.end], s.feature["$type"].rsplit("#", 1)[1],
             s.feature.get("uri") or s.feature.get("tag") or s.feature.get("did"))
            for s in detect(text)]


@pytest.mark.parametrize(("url", "short"), [
    (TRACKED, SHOWN),
    ("https://blog.listening-brands.example/", "blog.listening-brands.example"),
    ("https://blog.listening-brands.example", "blog.listening-brands.example"),
    ("https://Blog.Example:443/about", "blog.example/about"),         # host lower, port dropped
    ("http://127.0.0.1:8000/2026/a-post/", "127.0.0.1:8000/2026/a-post/"),
    ("https://example.com/fifteen-chars!", "example.com/fifteen-chars!"),  # 15: kept whole
    ("https://example.com/sixteen-chars!!", "example.com/sixteen-char..."),   # 16: 13 + ...
    ("https://example.com/?q=1#top", "example.com?q=1#top"),           # "/" is left out
    ("https://bókasafn.is/ný-bók", "xn--bkasafn-l0a.is/n%C3%BD-b%C3..."),  # as URL() writes it
    ("ftp://example.com/a-long-file-name.txt", "ftp://example.com/a-long-file-name.txt"),
    ("example.com/a-long-path-to-somewhere", "example.com/a-long-path-to-somewhere"),  # no URL
])
def test_short_url_is_the_apps_to_short_url(url, short):
    assert short_url(url) == short


def test_links_as_detect_facets_finds_them():
    assert found(f"Read it: {TRACKED}.") == [(TRACKED, "link", TRACKED)]   # "." left out
    assert found("(see https://example.com/thing)") == [
        ("https://example.com/thing", "link", "https://example.com/thing")]
    assert found("https://example.com/thing_(cool)") == [
        ("https://example.com/thing_(cool)", "link", "https://example.com/thing_(cool)")]
    assert found("at listeningbrands.com/offers, today") == [
        ("listeningbrands.com/offers", "link", "https://listeningbrands.com/offers")]
    assert found("at listening-brands.com/offers") == []      # no "-" in a bare domain there
    # No TLD of the list, no link: a file name, an abbreviation, our .example test domain.
    assert found("see notes.txt, e.g. blog.listening-brands.example") == []


def test_tags_as_detect_facets_finds_them():
    assert found("#CX #Þjónusta, ＃日本語 #2026 #1a #a1! #") == [  # noqa: RUF001
        ("#CX", "tag", "CX"), ("#Þjónusta", "tag", "Þjónusta"),
        ("＃日本語", "tag", "日本語"), ("#1a", "tag", "1a"), ("#a1", "tag", "a1")]  # noqa: RUF001
    assert found("#" + "a" * 64) == [("#" + "a" * 64, "tag", "a" * 64)]
    assert found("#" + "a" * 65) == []                              # over 64 graphemes
    assert found("no#tag here, #multi_trailing___...") == [
        ("#multi_trailing", "tag", "multi_trailing")]
    assert found("$brnd and $5, $LISTEN") == [("$brnd", "tag", "$BRND")]   # cashtags: ≤ 5
    assert [s.feature["$type"] for s in detect("#a")] == [TAG]


def test_mentions_need_a_handle_with_a_known_tld():
    text = "Thanks @anna.bsky.social, @team.listening-brands.example and @qa.test! not@me"
    assert found(text) == [("@anna.bsky.social", "mention", "anna.bsky.social"),
                           ("@qa.test", "mention", "qa.test")]
    assert handles(text + " @anna.bsky.social") == ["anna.bsky.social", "qa.test"]
    assert [s.feature["$type"] for s in detect("@a.com")] == [MENTION]


def test_rich_text_shortens_links_and_counts_facets_in_utf8_bytes():
    text = f"Takk @anna.bsky.social! 🎉 Hlustum á #Þjónusta {TRACKED} #CX"
    rich = rich_text(text, {"anna.bsky.social": "did:plc:annaannaannaannaannaanna"})
    assert rich.text == f"Takk @anna.bsky.social! 🎉 Hlustum á #Þjónusta {SHOWN} #CX"
    raw = rich.text.encode("utf-8")
    assert [(raw[f["index"]["byteStart"]:f["index"]["byteEnd"]].decode(), f["features"])
            for f in rich.facets] == [
        ("@anna.bsky.social", [{"$type": MENTION, "did": "did:plc:annaannaannaannaannaanna"}]),
        ("#Þjónusta", [{"$type": TAG, "tag": "Þjónusta"}]),
        (SHOWN, [{"$type": LINK, "uri": TRACKED}]),
        ("#CX", [{"$type": TAG, "tag": "CX"}]),
    ]
    # An unresolved handle stays text; trailing white space is trimmed, as the app does.
    assert rich_text("Hi @anna.bsky.social \n").facets == ()
    assert rich_text("Hi @anna.bsky.social \n").text == "Hi @anna.bsky.social"


def test_what_readers_see_is_what_bluesky_limits():
    cjk = "我们在一小时内回复每一条提及。" * 10                   # 150 graphemes, 450 bytes
    text = f"{cjk} {TRACKED}"
    assert display_text(text) == f"{cjk} {SHOWN}"
    assert graphemes(display_text(text)) == 150 + 1 + len(SHOWN)
    assert utf8_length(display_text(text)) == 450 + 1 + len(SHOWN)
    family = "👨‍👩‍👧‍👦"
    assert graphemes(family * 120) == 120 and utf8_length(family * 120) == 3000 == MAX_BYTES


@pytest.mark.parametrize("text", [
    f"Read it: {TRACKED}. #CX (see https://example.com/thing_(cool)) @anna.bsky.social",
    f"{TRACKED} {TRACKED}\n",
    "Við svörum öllum: bókasafn.is/ný-bók og https://bókasafn.is/ný-bók 👨‍👩‍👧‍👦 $BRND",
    "no links, no tags",
])
def test_display_text_is_rich_texts_text(text):
    assert display_text(text) == rich_text(text, {"anna.bsky.social": "did:plc:x"}).text
