"""Hashtags, plain text, filling and fitting a post's text (campaign.posts.text)."""


import pytest
from campaign.posts.text import ELLIPSIS, compose, fill, hashtag, hashtags, plain_text, shorten
from campaign.posts.weighing import weighted_length

LINK = "https://blog.listening-brands.example/2026/post/?utm_source=x&utm_medium=social"




@pytest.mark.parametrize(
    ("tag", "expected"),
    [("customer service", "#CustomerService"), ("twitter", "#Twitter"),
     ("e-mail & chat", "#EMailChat"), ("2026", None), ("  ", None), ("Café crème", "#CaféCrème")],
)
def test_hashtags_are_camel_case_without_spaces(tag, expected):
    assert hashtag(tag) == expected


def test_hashtags_dedupe_and_limit():
    assert hashtags(["a b", "A B", "c", "d"], 2) == ["#AB", "#C"]


def test_plain_text_strips_html_and_entities():
    assert plain_text("<p>Less <em>is</em>\n more &amp; better</p>") == "Less is more & better"


def test_fill_places_or_appends_the_link_and_code():
    assert fill("Read: {url} now", "L") == "Read: L now"
    assert fill("Read now", "L") == "Read now L"
    assert fill("Use {code}", "L", "SAVE10") == "Use SAVE10 L"


def test_shorten_cuts_at_a_word_and_adds_an_ellipsis():
    assert shorten("one two, three", 2) == "one two" + ELLIPSIS
    assert shorten("one two", 5) == "one two"


def test_compose_keeps_everything_when_it_fits():
    text = compose("Title", "<p>Short summary.</p>", ["#A", "#B"], LINK, 280)
    assert text == f"Title: Short summary. {LINK} #A #B"


def test_compose_drops_hashtags_before_touching_the_summary():
    summary = "word " * 45  # 224 characters: with both hashtags 281
    text = compose("Title", summary, ["#CustomerService", "#Twitter"], LINK, 280)
    assert text == f"Title: {summary.strip()} {LINK} #CustomerService"
    assert weighted_length(text, (LINK,)) <= 280


def test_compose_shortens_the_summary_at_a_word_boundary():
    words = [f"w{i:03d}" for i in range(100)]
    text = compose("Title", " ".join(words), ["#Tag"], LINK, 280)
    assert weighted_length(text, (LINK,)) <= 280
    assert "#Tag" not in text
    lead = text.removesuffix(" " + LINK)
    assert lead.endswith(ELLIPSIS)
    kept = lead.removeprefix("Title: ").removesuffix(ELLIPSIS).split(" ")
    assert kept == words[: len(kept)]  # whole words only
    longer = f"Title: {' '.join(words[: len(kept) + 1])}{ELLIPSIS} {LINK}"
    assert weighted_length(longer, (LINK,)) > 280  # the longest that fits


def test_compose_counts_wide_characters_double():
    text = compose("標題", "日本語 " * 100, [], LINK, 280)
    assert weighted_length(text, (LINK,)) <= 280
    assert text.endswith(ELLIPSIS + " " + LINK)


def test_hashtag_estimate_matches_a_full_count_for_every_tag_count():
    summary = "We answer every mention within an hour, and here is how the rota works " * 2
    tags = ["#CustomerService", "#Twitter", "#Loyalty", "#Ísland", "#日本"]
    for limit in range(120, 281, 7):
        text = compose("Answering customers", summary, tags, LINK, limit)
        if text is None:
            continue
        kept = [tag for tag in tags if tag in text.split(" ")]
        assert weighted_length(text, (LINK,)) <= limit
        if len(kept) < len(tags) and summary.strip() in text:  # nothing else was cut
            longer = text + " " + tags[len(kept)]
            assert weighted_length(longer, (LINK,)) > limit, (limit, kept)
