"""Issue 8, part 2: the header is read strictly, Pelican's own keys included.

Each regression test builds a tiny content folder with the real plugin and asserts the exact
lines reported, a clean stop (the SystemExit that ends `pelican` with status 1, nothing
logged by Pelican itself, no traceback), no site and no plan. One test runs the `pelican`
command on all of them at once.
"""

import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest
from campaign.plugin import CampaignBuildFailed
from pelican import Pelican, signals

from tests.plugins.conftest import ROOT, run_build, settings_for

HEAD = "Title: A post\nDate: 2026-11-20 09:00\n"
SUMMARY_LINE = "the build stopped before writing the site or the plan"
HTML_HINT = "CAMPAIGN_ALLOW_RAW_HTML = True allows raw HTML for a site"
SEEN = {}


def remember(content):
    """Module-level receiver (blinker holds weak references)."""
    SEEN[Path(content.source_path).name] = content


@pytest.fixture
def seen():
    SEEN.clear()
    with signals.content_object_init.connected_to(remember):
        yield SEEN


def write_content(folder: Path, files: dict[str, str | bytes]) -> Path:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    return folder


def refused(tmp_path, caplog, files: dict[str, str | bytes], **overrides) -> list[str]:
    """Build `files` (paths under content/), expect a clean stop; the problems reported."""
    content = write_content(tmp_path / "content", files)
    with pytest.raises(CampaignBuildFailed) as failure:
        run_build(content, tmp_path, **overrides)
    problems = failure.value.problems
    count = len(problems)
    # A string code: the interpreter prints it and exits with status 1.
    assert failure.value.code == (
        f"campaign: {count} problem{'s' if count != 1 else ''} found (listed above); "
        + SUMMARY_LINE
    )
    logged = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert logged == problems  # ours, in order, and nothing from Pelican
    assert "Traceback" not in caplog.text
    assert not (tmp_path / "state").exists()  # no plan
    output = tmp_path / "output"
    assert not output.exists() or not any(output.iterdir())  # no site
    return problems


def post(header: str, body: str = "Body.\n") -> dict[str, str]:
    return {"posts/a-post.md": header + "\n" + body}


# --- regressions: one bad line must not leak the rest of the header ---------------------------


def test_line_without_a_colon_mid_header_is_refused_and_later_lines_stay_out(
        tmp_path, caplog, seen):
    header = (HEAD + "Oops, I forgot the colon\nSocial: Big news {url}\nCoupon: SECRET50\n"
              "Coupon_Offer: 50% off\nCoupon_Social: Use {code} today {url}\n")
    assert refused(tmp_path, caplog, post(header)) == [
        "posts/a-post.md: line 3: not a header line: 'Oops, I forgot the colon' (write Key: "
        "value, indent a continued value, or leave a blank line before the text)"
    ]
    body = seen["a-post.md"]._content
    assert body == "<p>Body.</p>"  # the Social and Coupon lines never became text


@pytest.mark.parametrize("indent", ["\t", "    "], ids=["tab", "spaces"])
def test_an_indented_key_after_summary_is_refused_not_posted(tmp_path, caplog, indent):
    # Issue 18 item 12: the Social line became part of the Summary; with no Social left,
    # the matching posts carried a literal "Social: … {url}" to every network.
    header = (HEAD + "Summary: What we learnt.\n"
              f"{indent}Social: We answer every mention within the hour: {{url}}\n"
              f"{indent}Title: Not a second title\n")
    assert refused(tmp_path, caplog, post(header)) == [
        "posts/a-post.md: Social: line 4 is indented, so it is read as part of Summary "
        "(line 3); start Social: at the beginning of the line",
        "posts/a-post.md: Title: line 5 is indented, so it is read as part of Summary "
        "(line 3); start Title: at the beginning of the line",
    ]


def test_zero_width_character_in_a_key_is_refused(tmp_path, caplog, seen):
    header = HEAD + "Soc\u200bial: Big news {url}\nCoupon: SECRET50\nCoupon_Offer: 50% off\n"
    assert refused(tmp_path, caplog, post(header)) == [
        "posts/a-post.md: line 3: key 'Soc\\u200bial' contains U+200B ZERO WIDTH SPACE: keys "
        "are ASCII letters, digits, _ and -"
    ]
    assert "SECRET50" not in seen["a-post.md"]._content


def test_tag_is_an_unknown_key(tmp_path, caplog):
    assert refused(tmp_path, caplog, post(HEAD + "Tag: listening\n")) == [
        "posts/a-post.md: Tag: unknown key (did you mean Tags?)"
    ]


def test_sumary_is_an_unknown_key(tmp_path, caplog):
    assert refused(tmp_path, caplog, post(HEAD + "Sumary: What we learned.\n")) == [
        "posts/a-post.md: Sumary: unknown key (did you mean Summary?)"
    ]


DATE_FORMS = ("expected YYYY-MM-DD, YYYY-MM-DD HH:MM, or either with an offset "
              "(2026-11-20T09:00+01:00)")


@pytest.mark.parametrize(
    ("date", "reason"),
    [("03/12/2026 10:00", f"not a date '03/12/2026 10:00': {DATE_FORMS}"),  # was 12 March
     ("tomorrow", f"not a date 'tomorrow': {DATE_FORMS}"),  # was a traceback
     ("226-11-21 09:00", f"not a date '226-11-21 09:00': {DATE_FORMS}"),  # was a bad plan
     ("2026-11-20 9:00", f"not a date '2026-11-20 9:00': {DATE_FORMS}"),
     ("2026-02-30 09:00", "not a valid date-time '2026-02-30 09:00'")],
    ids=["day-month-year", "tomorrow", "three-digit-year", "one-digit-hour", "february-30"],
)
def test_date_outside_the_documented_forms_is_refused(tmp_path, caplog, date, reason):
    files = post(f"Title: A post\nDate: {date}\nSocial: Hello {{url}}\nSocial_At: +1d\n")
    assert refused(tmp_path, caplog, files) == [f"posts/a-post.md: Date: {reason}"]


def test_duplicate_title_is_refused(tmp_path, caplog):
    files = post("Title: One\nDate: 2026-11-20 09:00\nTitle: Two\n")
    assert refused(tmp_path, caplog, files) == [
        "posts/a-post.md: Title: given more than once (lines 1 and 3)"
    ]


def test_relative_time_that_would_overflow_is_refused(tmp_path, caplog):
    assert refused(tmp_path, caplog, post(HEAD + "Social_At: +5000000d\n")) == [
        "posts/a-post.md: Social_At: +5000000d is too far: every date must stay in the years "
        "1970-2199"
    ]


@pytest.mark.parametrize(
    ("header", "expected"),
    [("Title: A post\nDate: 9999-12-31 23:59\nSocial_At: +2d\n",
      ["Date: '9999-12-31 23:59': year 9999 is outside 1970-2199"]),
     (HEAD + "Social_At: 9999-12-31T23:00-05:00\n",
      ["Social_At: '9999-12-31T23:00-05:00': year 9999 is outside 1970-2199"]),
     (HEAD + "Coupon: SAVE10\nCoupon_Offer: 10% off\nCoupon_Expires: 9999-12-31T23:59-01:00\n",
      ["Coupon_Expires: '9999-12-31T23:59-01:00': year 9999 is outside 1970-2199"]),
     ("Title: A post\nDate: 2199-12-30 09:00\nSocial_At: +1w\n",
      ["Social_At: +1w is too far: every date must stay in the years 1970-2199"])],
    ids=["date", "social-at", "coupon-expires", "relative-past-2199"],
)
def test_year_9999_and_offsets_past_the_years_are_refused(tmp_path, caplog, header, expected):
    assert refused(tmp_path, caplog, post(header)) == [f"posts/a-post.md: {e}" for e in expected]


@pytest.mark.parametrize("text", ["Just a post without a header.\n", "\nTitle: late\n", ""],
                         ids=["prose", "blank-first-line", "empty-file"])
def test_file_without_a_header_is_refused(tmp_path, caplog, text):
    assert refused(tmp_path, caplog, {"posts/a-post.md": text}) == [
        "posts/a-post.md: no header: a post starts with Key: value lines (Title: …, Date: …), "
        "then a blank line, then the text"
    ]


def test_non_utf8_file_is_refused(tmp_path, caplog):
    data = "Title: Hlustað\nDate: 2026-11-20 09:00\n\nBody\n".encode("latin-1")
    assert refused(tmp_path, caplog, {"posts/a-post.md": data}) == [
        "posts/a-post.md: not UTF-8 (invalid byte 0xf0 on line 1): save the file as UTF-8"
    ]


def test_a_utf8_bom_is_fine(tmp_path, seen):
    content = write_content(tmp_path / "content", {
        "posts/a-post.md": "\ufeff" + HEAD + "Social: off\n\nBody\n"})
    run_build(content, tmp_path)
    assert seen["a-post.md"].title == "A post"


@pytest.mark.parametrize(
    ("header", "expected"),
    [("Title:\nDate: 2026-11-20 09:00\n", "Title: empty: every post needs a title"),
     ("Title:    \nDate: 2026-11-20 09:00\n", "Title: empty: every post needs a title"),
     ("Date: 2026-11-20 09:00\n", "Title: missing: every post and page needs a Title"),
     ("Title: A post\n", "Date: missing: every post needs a Date (YYYY-MM-DD HH:MM)")],
    ids=["empty", "blank", "no-title", "no-date"],
)
def test_title_and_date_are_required(tmp_path, caplog, header, expected):
    assert refused(tmp_path, caplog, post(header)) == [f"posts/a-post.md: {expected}"]


SPACE = "no space allowed before the colon in"


@pytest.mark.parametrize(
    ("header", "expected"),
    [("Title: A post\nDate : 2026-11-20\nSocial: Hi {url}\nSocial_At: +1d\n",
      f"line 2: {SPACE} 'Date :' (write Date: value)"),
     ("Title : A post\nDate: 2026-11-20\n", f"line 1: {SPACE} 'Title :' (write Title: value)"),
     ("Ti\u200btle: A post\nDate: 2026-11-20\n",
      "line 1: key 'Ti\\u200btle' contains U+200B ZERO WIDTH SPACE: keys are ASCII letters, "
      "digits, _ and -"),
     (HEAD + "Coupon: SAVE10\nCoupon_Offer : 10% off\n",
      f"line 4: {SPACE} 'Coupon_Offer :' (write Coupon_Offer: value)")],
    ids=["date", "title", "zero-width-title", "coupon-offer"],
)
def test_a_misspelt_key_line_is_one_problem_not_also_missing(tmp_path, caplog, header,
                                                              expected):
    # Was two errors for one mistake: the line, then "Date: missing" (or Title, Coupon_Offer).
    assert refused(tmp_path, caplog, post(header)) == [f"posts/a-post.md: {expected}"]


def test_a_template_the_theme_lacks_is_a_problem_not_a_traceback(tmp_path, caplog):
    # Was PelicanTemplateNotFound while the pages were written, after part of the site.
    files = {**post(HEAD + "Template: nosuchtemplate\n"),
             "posts/draft.md": "Title: D\nStatus: draft\nTemplate: nodraft\n\nx\n",
             "posts/fine.md": "Title: F\nDate: 2026-11-20\nTemplate: article\n\nx\n",
             "pages/about.md": "Title: About\nTemplate: nopage\n\nx\n"}
    assert refused(tmp_path, caplog, files) == [
        "pages/about.md: Template: no template 'nopage.html' in the theme",
        "posts/a-post.md: Template: no template 'nosuchtemplate.html' in the theme",
        "posts/draft.md: Template: no template 'nodraft.html' in the theme",
    ]


def test_names_without_slug_characters_give_an_empty_address(tmp_path, caplog, seen):
    # Were a Pelican WARNING only: the post written as 2026/index.html, both tags merged
    # into tag/index.html.
    files = {**post("Title: \U0001f642\U0001f642\nDate: 2026-11-20 09:00\n"
                    "Tags: \U0001f389, \u2728, fine\nCategory: \u2764\ufe0f\n"
                    "Authors: \U0001f642; Jane Doe\n"),
             "posts/with-slug.md": "Title: \U0001f642\nSlug: smile\nDate: 2026-11-20\n\nx\n",
             "pages/p.md": "Title: \u2728\n\nx\n"}
    assert refused(tmp_path, caplog, files) == [
        "pages/p.md: Title: gives an empty address (add a Slug: line)",
        "posts/a-post.md: Title: gives an empty address (add a Slug: line)",
        "posts/a-post.md: Tags: '\U0001f389' gives an empty address",
        "posts/a-post.md: Tags: '\u2728' gives an empty address",
        "posts/a-post.md: Category: '\u2764\ufe0f' gives an empty address",
        "posts/a-post.md: Authors: '\U0001f642' gives an empty address",
    ]


def test_empty_addresses_follow_the_sites_slug_settings(tmp_path, caplog):
    # Pelican's own slugify with the site's SLUG_REGEX_SUBSTITUTIONS, not a copy of it.
    files = post("Title: 1984\nDate: 2026-11-20 09:00\n")
    assert refused(tmp_path, caplog, files, SLUG_REGEX_SUBSTITUTIONS=[(r"[^a-z]", "")]) == [
        "posts/a-post.md: Title: gives an empty address (add a Slug: line)"]
    run_build(write_content(tmp_path / "fine", files), tmp_path / "fine")  # the default


def test_a_draft_may_have_no_date(tmp_path):
    content = write_content(tmp_path / "content", post("Title: Soon\nStatus: draft\n"))
    run_build(content, tmp_path)
    assert json.loads((tmp_path / "state" / "plan.json").read_text())["items"] == []


@pytest.mark.parametrize(
    ("lines", "expected"),
    [("Title: A\u202e post\n", "Title: contains U+202E RIGHT-TO-LEFT OVERRIDE"),
     ("Title: A\u2067 post\n", "Title: contains U+2067 RIGHT-TO-LEFT ISOLATE"),
     (HEAD + "Summary: bell\x07\n", "Summary: contains U+0007"),
     (HEAD + "Social: Hi\x1b[2J {url}\n", "Social: contains U+001B"),
     (HEAD + "Coupon: SAVE10\nCoupon_Offer: 10% off\nCoupon_Terms: x\x85y\n",
      "Coupon_Terms: contains U+0085"),
     (HEAD + "Category: News\x7f\n", "Category: contains U+007F")],
    ids=["rlo", "rli", "bel", "esc", "nel", "del"],
)
def test_control_and_bidi_characters_are_refused(tmp_path, caplog, lines, expected):
    header = lines if lines.startswith(HEAD) else lines + "Date: 2026-11-20 09:00\n"
    assert refused(tmp_path, caplog, post(header)) == [
        f"posts/a-post.md: {expected}: control and bidi characters are not allowed in the header"
    ]


# --- the body -------------------------------------------------------------------------------

RAW_BODY = ("Read this.\n\n<script>alert(1)</script>\n\n<img src=\"x.png\" onerror=\"alert(1)\">"
            "\n\n[a prize](JaVaScRiPt:alert(1)) and [another](java&#x09;script:alert(2))\n")


def test_raw_script_event_handlers_and_javascript_links_are_refused(tmp_path, caplog):
    assert refused(tmp_path, caplog, post(HEAD, RAW_BODY)) == [
        f"posts/a-post.md: body: <script> is not allowed: it runs or loads active content "
        f"({HTML_HINT})",
        f"posts/a-post.md: body: <img onerror=…> is not allowed: event handlers run code "
        f"({HTML_HINT})",
        f"posts/a-post.md: body: <a href='JaVaScRiPt:alert(1)'> is not allowed: addresses may "
        f"use http, https, mailto or tel, or be relative ({HTML_HINT})",
        f"posts/a-post.md: body: <a href='java\\tscript:alert(2)'> is not allowed: addresses "
        f"may use http, https, mailto or tel, or be relative ({HTML_HINT})",
    ]



# Markup html.parser read otherwise than browsers do; each of these ran alert(1) in Chromium.
MARKUP_REASON = (f"<!…>, <?…> and </ …> markup is not allowed, apart from plain comments "
                 f"<!-- like this --> (no -- inside): browsers and this check read it "
                 f"differently ({HTML_HINT})")
ONERROR_REASON = f"<img onerror=…> is not allowed: event handlers run code ({HTML_HINT})"


@pytest.mark.parametrize(
    ("body", "reasons"),
    [pytest.param("Read this.\n\n<!--><script>alert(1)</script><!-- -->\n",
                  [f"<script> is not allowed: it runs or loads active content ({HTML_HINT})",
                   MARKUP_REASON, "browsers and this check read the HTML differently after "
                   f"<p>: write plain, well-formed HTML ({HTML_HINT})"], id="comment-<!-->"),
     pytest.param("A <![CDATA[ > <img src=x onerror=alert(1)> ]]> b.\n",
                  [ONERROR_REASON, MARKUP_REASON, "browsers and this check read the HTML "
                   f"differently after <p>: write plain, well-formed HTML ({HTML_HINT})"],
                  id="cdata-inline"),
     pytest.param('<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>\n',
                  [ONERROR_REASON, "browsers and this check read the HTML differently after "
                   f"<noscript>: write plain, well-formed HTML ({HTML_HINT})"], id="noscript")],
)
def test_markup_browsers_read_otherwise_is_refused(tmp_path, caplog, body, reasons):
    assert refused(tmp_path, caplog, post(HEAD, body)) == [
        f"posts/a-post.md: body: {reason}" for reason in reasons]


def test_ordinary_markdown_with_comments_and_code_passes(tmp_path):
    body = ("Hi <!-- note --> there.\n\n<!-- a note -->\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
            "    <script>alert(1)</script>\n\nA footnote[^1] on <abbr title=\"x\">HTML</abbr>.\n"
            "\n[^1]: A note.\n")
    content = write_content(tmp_path / "content", post(HEAD + "Social: off\n", body))
    run_build(content, tmp_path)
    page = (tmp_path / "output" / "2026" / "a-post" / "index.html").read_text()
    assert "&lt;script&gt;" in page and "<!-- note -->" in page and "<abbr" in page

def test_raw_html_is_allowed_with_the_setting(tmp_path):
    content = write_content(tmp_path / "content", post(HEAD + "Social: off\n", RAW_BODY))
    run_build(content, tmp_path, CAMPAIGN_ALLOW_RAW_HTML=True)
    page = (tmp_path / "output" / "2026" / "a-post" / "index.html").read_text()
    assert "<script>alert(1)</script>" in page


def test_pages_are_checked_too(tmp_path, caplog):
    files = {
        "pages/about.md": "Title: About\nSocial: Follow us {url}\nOg_Image: card.png\n\n"
                          '<iframe src="https://tracker.example/"></iframe>\n',
        **post(HEAD + "Social: off\n"),
    }
    assert refused(tmp_path, caplog, files) == [
        "pages/about.md: Og_Image: unknown key",
        f"pages/about.md: body: <iframe> is not allowed: it runs or loads active content "
        f"({HTML_HINT})",
        "pages/about.md: Social: campaign keys work only in posts, not in pages",
    ]


def test_other_formats_than_markdown_are_refused(tmp_path, caplog):
    files = {"posts/old.rst": "Old\n###\n\n:date: 2026-11-20\n\nText\n",
             "posts/old.html": "<html><head><title>Old</title></head><body>x</body></html>\n",
             **post(HEAD + "Social: off\n")}
    reason = ("not Markdown: posts and pages are Markdown files (.md), the only format whose "
              "header the campaign plugin checks")
    assert refused(tmp_path, caplog, files) == [
        f"posts/old.html: {reason}", f"posts/old.rst: {reason}"]


# --- what still works ---------------------------------------------------------------------------


def test_fenced_header_continuations_and_markdown_extensions_keep_working(tmp_path, seen):
    content = write_content(tmp_path / "content", {"posts/a-post.md": (
        "---\nTitle: Fenced\nDate: 2026-11-20 09:00\nSocial: A long text\n"
        "    that goes on {url}\n---\nA footnote[^1].\n\n[^1]: From the extra extension.\n")})
    plan = json.loads(run_build(content, tmp_path, CAMPAIGN_UTM=None).read_text())
    assert plan["items"][0]["text"] == (
        "A long text that goes on https://blog.listening-brands.example/2026/fenced/")
    assert 'class="footnote"' in seen["a-post.md"]._content


def test_summary_is_plain_text(tmp_path, seen):
    content = write_content(tmp_path / "content", {
        "posts/a.md": "Title: A\nDate: 2026-11-20 09:00\nSocial: off\n"
                      "Summary: Less <em>is</em> more & *not* Markdown\n\nBody\n",
        "posts/b.md": "Title: B\nDate: 2026-11-20 09:00\nSocial: off\n\nThe **body** text.\n",
    })
    run_build(content, tmp_path)
    assert seen["a.md"].summary == "Less &lt;em&gt;is&lt;/em&gt; more &amp; *not* Markdown"
    assert seen["b.md"].summary == "<p>The <strong>body</strong> text.</p>"  # Pelican's cut


def test_extra_keys_come_from_the_setting(tmp_path, caplog, seen):
    files = post(HEAD + "Social: off\nOg_Image: card.png\n")
    assert refused(tmp_path, caplog, files) == [
        "posts/a-post.md: Og_Image: unknown key"]
    run_build(tmp_path / "content", tmp_path / "again", CAMPAIGN_EXTRA_KEYS=["Og_Image"])
    assert seen["a-post.md"].og_image == "card.png"


@pytest.mark.parametrize(
    ("value", "message"),
    [("og_image", "CAMPAIGN_EXTRA_KEYS: must be a list of header key names"),
     (["og image"], "CAMPAIGN_EXTRA_KEYS: 'og image' is not a header key (an ASCII letter, "
      "then letters, digits, _ or -)"),
     (["Tags"], "CAMPAIGN_EXTRA_KEYS: 'Tags' is already a known key"),
     (["Coupon_Code"], "CAMPAIGN_EXTRA_KEYS: 'Coupon_Code' is in the campaign plugin's "
      "namespace (Social*, Coupon*, Campaign*, Engagement*)")],
)
def test_bad_extra_keys_setting(tmp_path, value, message):
    content = write_content(tmp_path / "content", post(HEAD))
    with pytest.raises(CampaignBuildFailed) as failure:
        run_build(content, tmp_path, CAMPAIGN_EXTRA_KEYS=value)
    assert failure.value.problems == [message]


def test_allow_raw_html_setting_must_be_a_bool(tmp_path):
    content = write_content(tmp_path / "content", post(HEAD))
    with pytest.raises(CampaignBuildFailed) as failure:
        run_build(content, tmp_path, CAMPAIGN_ALLOW_RAW_HTML="yes")
    assert failure.value.problems == ["CAMPAIGN_ALLOW_RAW_HTML: must be True or False"]


# --- all at once ------------------------------------------------------------------------------


def test_several_problems_in_one_file_are_reported_at_once(tmp_path, caplog):
    header = ("Title:\nDate: tomorrow\nTag: a\nOops\nSocial_At: +5000000d\nStatus: publish\n"
              "Social: {url} {url}\nTitle: Again\nSummary: \u202eevil\n")
    assert refused(tmp_path, caplog, post(header, "<script>x</script>\n")) == [
        "posts/a-post.md: Title: empty: every post needs a title",
        f"posts/a-post.md: Date: not a date 'tomorrow': {DATE_FORMS}",
        "posts/a-post.md: Tag: unknown key (did you mean Tags?)",
        "posts/a-post.md: line 4: not a header line: 'Oops' (write Key: value, indent a "
        "continued value, or leave a blank line before the text)",
        "posts/a-post.md: Status: 'publish' is not one of published, draft, hidden",
        "posts/a-post.md: Title: given more than once (lines 1 and 8)",
        "posts/a-post.md: Summary: contains U+202E RIGHT-TO-LEFT OVERRIDE: control and bidi "
        "characters are not allowed in the header",
        f"posts/a-post.md: body: <script> is not allowed: it runs or loads active content "
        f"({HTML_HINT})",
        "posts/a-post.md: Social_At: +5000000d is too far: every date must stay in the years "
        "1970-2199",
        "posts/a-post.md: Social: {url} appears 2 times; the link can appear only once",
    ]


DATE = "Date: 2026-11-20 09:00\n"
REGRESSIONS = {
    "colon.md": "Title: Colon\n" + DATE + "Oops no colon\nSocial: Leak {url}\n\nBody\n",
    "zero-width.md": "Title: Zero\n" + DATE + "Soc\u200bial: x\n\nBody\n",
    "tag.md": "Title: Tag\n" + DATE + "Tag: x\n\nBody\n",
    "tomorrow.md": "Title: Tomorrow\nDate: tomorrow\n\nBody\n",
    "twice.md": "Title: One\nTitle: Two\n" + DATE + "\nBody\n",
    "far.md": "Title: Far\n" + DATE + "Social_At: +5000000d\n\nBody\n",
    "none.md": "No header\n",
    "script.md": "Title: Script\n" + DATE + "\n<script>alert(1)</script>\n",
}


@pytest.mark.slow
def test_the_pelican_command_reports_them_all_and_exits_1(tmp_path):
    content = write_content(tmp_path / "content", {f"posts/{k}": v for k, v in
                                                   REGRESSIONS.items()})
    (content / "posts" / "latin.md").write_bytes("Title: Hlustað\n\nx\n".encode("latin-1"))
    conf = tmp_path / "conf.py"
    conf.write_text(
        f"PLUGIN_PATHS = [{str(ROOT / 'plugins')!r}]\nPLUGINS = ['campaign']\n"
        "THEME = 'simple'\nTIMEZONE = 'UTC'\nFEED_ALL_ATOM = None\nCATEGORY_FEED_ATOM = None\n"
        "TRANSLATION_FEED_ATOM = None\nAUTHOR_FEED_ATOM = None\nAUTHOR_FEED_RSS = None\n"
        "CAMPAIGN_SITE_URL = 'https://blog.listening-brands.example'\n"
        f"CAMPAIGN_PLAN_PATH = {str(tmp_path / 'plan.json')!r}\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "pelican", str(content), "-s", str(conf), "-o",
         str(tmp_path / "output"), "--fatal", "errors"],
        capture_output=True, text=True, cwd=tmp_path, env={"COLUMNS": "300", "PATH": ""},
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1
    assert "Traceback" not in output
    assert result.stderr.strip() == f"campaign: 9 problems found (listed above); {SUMMARY_LINE}"
    for line in [
        "posts/colon.md: line 3: not a header line: 'Oops no colon'",
        "posts/far.md: Social_At: +5000000d is too far",
        "posts/latin.md: not UTF-8 (invalid byte 0xf0 on line 1)",
        "posts/none.md: no header",
        "posts/script.md: body: <script> is not allowed",
        "posts/tag.md: Tag: unknown key (did you mean Tags?)",
        "posts/tomorrow.md: Date: not a date 'tomorrow'",
        "posts/twice.md: Title: given more than once (lines 1 and 2)",
        "posts/zero-width.md: line 3: key 'Soc\\u200bial' contains U+200B ZERO WIDTH SPACE",
    ]:
        assert line in result.stdout
    assert "WARNING" not in result.stdout and "Could not process" not in result.stdout
    assert not (tmp_path / "plan.json").exists()
    assert not (tmp_path / "output").exists() or not any((tmp_path / "output").iterdir())


def test_problems_belong_to_one_run(tmp_path, caplog):
    """`pelican -lr` calls run() again on the same Pelican object after each change."""
    content = write_content(tmp_path / "content", post(HEAD + "Tag: x\n"))
    pelican = Pelican(settings_for(content, tmp_path))
    with pytest.raises(CampaignBuildFailed) as failure:
        pelican.run()
    assert failure.value.problems == ["posts/a-post.md: Tag: unknown key (did you mean Tags?)"]
    write_content(content, post(HEAD + "Tags: x\nSocial: off\n"))
    pelican.run()  # fixed: nothing left over from the first run
    assert (tmp_path / "state" / "plan.json").exists()
    write_content(content, post(HEAD + "Sumary: x\n"))
    with pytest.raises(CampaignBuildFailed) as failure:
        pelican.run()
    assert failure.value.problems == [
        "posts/a-post.md: Sumary: unknown key (did you mean Summary?)"]
