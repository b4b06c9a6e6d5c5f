"""`publish export` and `publish report` (docs/report.md) over a tiny plan, ledger and
history (tests/report_fixture.py): the export matches the history, the report's pages exist
and escape the plan's text, calendar.ics parses and keeps its UIDs."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from publish.cli import main
from publish.report.private_report import item_uid
from tests.report_fixture import HISTORY, HOSTILE, ITEMS, NOW, SITE, argv, write_project


def run(paths, *args: str, now: str = NOW) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main([*args, *argv(paths), "--now", now], env={}, stdout=out, stderr=err,
                tty=False)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def paths(tmp_path: Path) -> dict[str, Path]:
    return write_project(tmp_path)


# --- export ------------------------------------------------------------------------------

def test_export_csv_has_one_row_per_snapshot_with_the_history_numbers(paths):
    code, out, err = run(paths, "export", "--format", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == len(HISTORY)
    for row, record in zip(rows, HISTORY, strict=True):
        assert row["id"] == record["id"] and row["fetched_at"] == record["fetched_at"]
        for metric in ("likes", "reposts", "replies", "quotes", "bookmarks", "impressions"):
            assert int(row[metric]) == record[metric]
    first = rows[0]
    assert first["title"] == HOSTILE           # joined with the plan, text as it is
    assert first["campaign"] == "answering" and first["source"] == "posts/answering.md"
    assert first["post_url"] == "https://x.com/i/web/status/1849203000000000001"


@pytest.mark.parametrize("title", ['=HYPERLINK("https://evil.example","x")', "+1+1",
                                   "-2+3", "@SUM(A1)", "\tTab", "\rCR"])
def test_export_csv_neutralises_a_title_a_spreadsheet_would_run_json_keeps_it(paths, title):
    plan = json.loads(paths["plan"].read_text(encoding="utf-8"))
    for item in plan["items"]:
        item["title"] = title
    paths["plan"].write_text(json.dumps(plan), encoding="utf-8")
    code, out, err = run(paths, "export", "--format", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows and all(row["title"] == "'" + title for row in rows)
    assert all(row["likes"].isdigit() for row in rows)      # numbers stay numbers
    code, out, err = run(paths, "export", "--format", "json")
    assert code == 0, err
    assert {row["title"] for row in json.loads(out)["rows"]} == {title}


def test_export_from_to_keeps_the_snapshots_in_the_window(paths):
    code, out, err = run(paths, "export", "--format", "csv", "--from", "2026-11-20 10:15",
                         "--to", "2026-11-21")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["fetched_at"] for r in rows] == ["2026-11-20T10:30:00Z", "2026-11-21T09:00:00Z"]


def test_export_json_is_one_document(paths):
    code, out, err = run(paths, "export", "--format", "json", "--from", "2026-11-21")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["schema"] == "publish-export/1" and doc["count"] == 2
    assert doc["filters"] == {"from": "2026-11-21T00:00:00Z", "to": None}
    assert doc["rows"][0]["impressions"] == 1400 and doc["rows"][0]["title"] == HOSTILE
    assert list(doc["rows"][0]) == doc["columns"]


@pytest.mark.parametrize("option", ["--from", "--to"])
def test_export_bad_when_is_exit_2(paths, option):
    code, out, err = run(paths, "export", option, "next tuesday")
    assert code == 2 and out == ""
    assert f"{option}: not a date or date-time: 'next tuesday'" in err


def test_export_skips_a_torn_history_line_and_says_so(paths):
    with paths["history"].open("a", encoding="utf-8") as history:
        history.write('{"id": "en/answering/social-1/x", "fetched_')
    code, out, err = run(paths, "export")
    assert code == 0
    assert len(list(csv.DictReader(io.StringIO(out)))) == len(HISTORY)
    assert "not a JSON object (a torn write?): skipped" in err


# --- report ------------------------------------------------------------------------------

PAGES = ["index.html", "previews.html", "performance.html", "performance-by-likes.html",
         "performance-by-impressions.html"]


def test_report_writes_the_pages_and_says_what_it_wrote(paths, tmp_path):
    out = tmp_path / "report"
    code, said, err = run(paths, "report", "--out", str(out))
    assert code == 0, err
    assert said.strip() == f"report: 11 pages, 5 items, 4 snapshots → {out}/"
    for name in [*PAGES, "style.css", "calendar.ics"]:
        assert (out / name).is_file(), name
    assert not list(tmp_path.glob("report.*-*"))      # no temp folder left behind


def test_report_escapes_the_plan_text_everywhere(paths, tmp_path):
    out = tmp_path / "report"
    assert run(paths, "report", "--out", str(out))[0] == 0
    for name in PAGES:
        html = (out / name).read_text(encoding="utf-8")
        assert "<script>" not in html and "<b>bold</b>" not in html, name
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, name
        assert "Say &#34;hi&#34; &amp;" in html and "it&#39;s" in html, name


def test_calendar_groups_by_week_and_shows_states_coupons_and_scheduled_articles(paths,
                                                                                 tmp_path):
    out = tmp_path / "report"
    assert run(paths, "report", "--out", str(out))[0] == 0
    html = (out / "index.html").read_text(encoding="utf-8")
    assert html.index("Week 47, 2026") < html.index("Week 48, 2026") < html.index("Week 49")
    assert "2026-11-20 09:00 GMT" in html                 # site time (Atlantic/Reykjavik)
    assert 'state-sent">sent<' in html and 'state-missed">missed<' in html
    assert 'state-scheduled">scheduled<' in html
    assert "<code>LISTEN20</code>" in html
    scheduled = html.split('id="scheduled-h"')[1].split("</section>")[0]
    assert "Future Post" in scheduled and "Hlustad" not in scheduled
    assert '<td lang="is"' in html


def test_coupons_show_their_window_status_and_whether_the_announcement_went_out(paths,
                                                                              tmp_path):
    out = tmp_path / "report"
    assert run(paths, "report", "--out", str(out))[0] == 0
    html = (out / "index.html").read_text(encoding="utf-8")
    table = html.split('id="coupons-h"')[1].split("</table>")[0]
    rows = {code: row for row in table.split("<tr>")[2:]
            for code in ("LISTEN20", "AUTUMN10", "WINTER15") if f"<code>{code}</code>" in row}
    assert 'coupon-live">live<' in rows["LISTEN20"]
    assert "2026-11-20 09:00 GMT" in rows["LISTEN20"] and "2027-01-31 23:59 GMT" in rows[
        "LISTEN20"]
    assert 'state-sent">sent<' in rows["LISTEN20"]             # its announcement went out
    assert '<li>X: <span class="state state-sent">sent</span> 2026-11-20 09:30 GMT</li>' \
        in rows["LISTEN20"]                                    # …on which network
    assert "20% off &lt;your&gt; first order" in rows["LISTEN20"]
    assert 'coupon-expired">expired<' in rows["AUTUMN10"] and ">open<" in rows["AUTUMN10"]
    assert 'coupon-upcoming">upcoming<' in rows["WINTER15"] and ">none<" in rows["WINTER15"]


@pytest.mark.slow
def test_performance_views_are_sorted_and_chart_has_a_data_table(paths, tmp_path):
    out = tmp_path / "report"
    assert run(paths, "report", "--out", str(out))[0] == 0
    by_likes = (out / "performance-by-likes.html").read_text(encoding="utf-8")
    assert 'aria-sort="descending">Likes' in by_likes
    # latest snapshot per item: social-1 has 12 likes, the coupon 5: 17 for the campaign
    campaign = by_likes.split('id="campaigns-h"')[1].split("</table>")[0]
    assert '<td class="num">17</td>' in campaign
    assert "<svg" in by_likes and 'role="img"' in by_likes and "<script" not in by_likes
    chart = by_likes.split('id="chart-h"')[1]
    assert chart.count('<th scope="row">') == len(HISTORY)


def test_a_network_without_a_metric_shows_a_dash_not_a_zero(paths, tmp_path):
    out = tmp_path / "report"
    assert run(paths, "report", "--out", str(out))[0] == 0
    html = (out / "performance.html").read_text(encoding="utf-8")
    head = html.split("<thead>")[1].split("</thead>")[0]
    columns = re.findall(r'<th scope="col"[^>]*>([^<]+)</th>', head)
    row = html.split('id="articles-h"')[1].split("<tbody>")[1].split("</tr>")[0]
    cells = dict(zip(columns, re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", row), strict=True))
    assert cells["Network"] == "X"
    assert (cells["Favourites"], cells["Boosts"]) == ("\u2013", "\u2013")     # Mastodon's names
    assert cells["Likes"] == "17" and cells["Impressions"] == "1700"   # two posts


def test_the_chart_has_dates_and_room_for_its_top_label():
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from publish.report.charts import DIGIT_WIDTH, chart_svg

    points = [(datetime(2026, 11, 20, 10, tzinfo=UTC), 40),
              (datetime(2026, 11, 21, 9, tzinfo=UTC), 98_000),
              (datetime(2026, 11, 27, 23, 30, tzinfo=UTC), 123_456)]
    svg = chart_svg(points, "Total impressions over time", "chart",
                    ZoneInfo("Pacific/Auckland"))
    labels = re.findall(r'<text x="([0-9.]+)"[^>]*>([^<]+)</text>', svg)
    top_x = next(float(x) for x, text in labels if text == "123456")
    assert top_x - DIGIT_WIDTH * len("123456") >= 0            # not cut off at the left
    assert [t for _, t in labels if not t.isdigit()] == ["20 Nov", "21 Nov", "28 Nov"]


def test_report_replaces_the_old_one_whole(paths, tmp_path):
    out = tmp_path / "report"
    assert run(paths, "report", "--out", str(out))[0] == 0
    (out / "stale.html").write_text("old", encoding="utf-8")
    assert run(paths, "report", "--out", str(out))[0] == 0
    assert not (out / "stale.html").exists() and (out / "index.html").is_file()


def test_report_refuses_a_folder_that_is_not_a_report(paths, tmp_path):
    keep = tmp_path / "mine"
    keep.mkdir()
    (keep / "notes.txt").write_text("precious", encoding="utf-8")
    code, _, err = run(paths, "report", "--out", str(keep))
    assert code == 2 and "is not a report folder" in err
    assert (keep / "notes.txt").read_text(encoding="utf-8") == "precious"


def test_report_dry_run_writes_nothing(paths, tmp_path):
    out = tmp_path / "report"
    code, said, _ = run(paths, "report", "--out", str(out), "--dry-run")
    assert code == 0 and said.startswith("report: dry run: would write 11 pages")
    assert not out.exists()


# --- calendar.ics ------------------------------------------------------------------------

def _events(path: Path):
    from icalendar import Calendar

    return Calendar.from_ical(path.read_bytes()).walk("VEVENT")


def test_ics_parses_round_trips_and_keeps_stable_unique_uids(paths, tmp_path):
    from icalendar import Calendar

    first, second = tmp_path / "r1", tmp_path / "r2"
    assert run(paths, "report", "--out", str(first))[0] == 0
    assert run(paths, "report", "--out", str(second), now="2026-11-25T08:00:00Z")[0] == 0
    raw = (first / "calendar.ics").read_bytes()
    cal = Calendar.from_ical(raw)
    assert Calendar.from_ical(cal.to_ical()) == cal and cal.to_ical() == raw
    events = _events(first / "calendar.ics")
    assert len(events) == len(ITEMS)
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(ITEMS)
    assert uids == [str(e["UID"]) for e in _events(second / "calendar.ics")]
    by_uid = {str(e["UID"]): e for e in events}
    event = by_uid[item_uid(ITEMS[0]["id"])]
    assert event.decoded("DTSTART").isoformat() == "2026-11-20T09:00:00+00:00"
    assert str(event["SUMMARY"]) == f"X: {HOSTILE}"
    assert ITEMS[0]["text"] in str(event["DESCRIPTION"])
    assert ITEMS[0]["link"] in str(event["DESCRIPTION"])


def test_cycle_refuses_a_report_folder_that_is_not_a_report_before_building(paths,
                                                                             tmp_path):
    keep = tmp_path / "mine"
    keep.mkdir()
    (keep / "notes.txt").write_text("precious", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = main(["cycle", "--report", str(keep), "--settings", str(tmp_path / "none.py"),
                 *argv(paths)[:-1], "--now", NOW], env={}, stdout=out, stderr=err, tty=False)
    assert code == 2 and "is not a report folder" in err.getvalue()
    assert "cycle: build" not in out.getvalue()


def test_previews_show_the_text_and_the_card_x_reads_from_the_built_page(paths, tmp_path):
    """The still-to-go posts with the card from the page's twitter: tags; the card image is
    copied into the report; a page not built yet says X shows no card."""
    site = tmp_path / "output"
    page = site / "2026" / "answering" / "index.html"
    page.parent.mkdir(parents=True)
    image = site / "images" / "cards" / "answering.png"
    image.parent.mkdir(parents=True)
    image.write_bytes(b"\x89PNG fake card")
    page.write_text(
        '<html><head><meta name="twitter:card" content="summary_large_image">'
        '<meta name="twitter:title" content="Say &#34;hi&#34; &lt;b&gt;">'
        '<meta name="twitter:description" content="We answer within the hour.">'
        f'<meta name="twitter:image" content="{SITE}/images/cards/answering.png">'
        '<meta name="twitter:image:alt" content="Card: Say hi">'
        '</head><body></body></html>', encoding="utf-8")
    out = tmp_path / "report"
    assert run(paths, "report", "--out", str(out), "--site", str(site))[0] == 0
    html = (out / "previews.html").read_text(encoding="utf-8")
    articles = html.split('<article class="preview"')[1:]
    assert len(articles) == 2            # social-2 (scheduled) and future-post (scheduled)
    answering = next(a for a in articles if "answering" in a and "Length" in a)
    assert '<span class="card-title">Say &#34;hi&#34; &lt;b&gt;</span>' in answering
    assert "We answer within the hour." in answering
    assert '<span class="card-domain">blog.listening-brands.example</span>' in answering
    (src,) = re.findall(r'<img src="(cards/[0-9a-f]{40}\.png)" alt="Card: Say hi"', answering)
    assert (out / src).read_bytes() == image.read_bytes()
    future = next(a for a in articles if "Future Post" in a)
    assert "Not in the built site yet" in future and "<img" not in future


def test_a_card_image_outside_the_site_is_not_copied(paths, tmp_path):
    site = tmp_path / "output"
    page = site / "2026" / "answering" / "index.html"
    page.parent.mkdir(parents=True)
    (tmp_path / "secret.png").write_bytes(b"secret")
    page.write_text(f'<meta name="twitter:image" content="{SITE}/../secret.png">'
                    '<meta name="twitter:title" content="T">', encoding="utf-8")
    out = tmp_path / "report"
    assert run(paths, "report", "--out", str(out), "--site", str(site))[0] == 0
    assert not (out / "cards").exists()
    assert "No image on the page" in (out / "previews.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_calendar_shows_what_was_posted_when_the_header_changed_since(paths, tmp_path):
    plan = json.loads(paths["plan"].read_text(encoding="utf-8"))
    posted = plan["items"][0]["text"]                   # ANSWER: sent, per the ledger
    plan["items"][0]["text"] = posted.replace("within an hour", "within a day")
    paths["plan"].write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "report"
    assert run(paths, "report", "--out", str(out))[0] == 0
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "We answer within an hour" in html and "within a day" not in html
    assert "text changed since posting" in html
    assert "We answer within an hour" in (out / "calendar.ics").read_text(encoding="utf-8")


def test_calendar_shows_each_x_posts_cost_and_the_months_totals(paths, tmp_path):
    out = tmp_path / "report"
    assert run(paths, "report", "--out", str(out))[0] == 0
    html = (out / "index.html").read_text(encoding="utf-8")
    costs = html.split('id="costs-h"')[1].split("</section>")[0]
    assert "prices as of 2026-08 ($0.20 a post with a link, $0.015 without)" in costs
    assert '<tr><th scope="row">2026-12</th><td>$0.20</td></tr>' in costs
    weeks = html.split('id="weeks-h"')[1]
    assert weeks.count("<td>$0.20</td>") == len(ITEMS)
