"""`publish plan` and `publish status` as a marketer reads them: one vocabulary of states,
local times, filters, JSON, short links, warnings said once, and a plan rebuilt when the
content is newer (a real Pelican build in a subprocess)."""

from __future__ import annotations

import io
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from publish.cli import main
from publish.posting.plan_file import PlanError, parse_plan
from publish.report.status import SHOWN_STATES, local_time, parse_bound, split_warnings
from publish.site.freshness import stale_reason
from publish.terminal import short_link, shorten_links
from tests.publish.conftest import ANSWERING, ICELANDIC, ITEMS, OLD, REPO, item, plan_doc

SOCIAL1 = f"en/{ANSWERING}/social-1/x"
SOCIAL2 = f"en/{ANSWERING}/social-2/x"
COUPON = f"en/{ANSWERING}/coupon/x"
ICE = f"is/{ICELANDIC}/social-1/x"
FRESH = "en/fresh/social-1/x"
LINK_WARNING = "contains a link: X charges more for posts with a link (as of 2026)"


def write(project, items=None, timezone: str | None = None) -> None:
    doc = plan_doc(items)
    if timezone:
        doc["timezone"] = timezone
    project.plan.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


def listing(project, command: str, *args: str, now: str, env=None) -> dict:
    result = project.cli(command, "--json", *args, now=now, env=env)
    assert result.code == 0, result.text
    return json.loads(result.out)


def row_of(out: str, item_id: str) -> str:
    return next(line for line in out.splitlines() if f" {item_id} " in f"{line} ")


# --- one vocabulary ---------------------------------------------------------------------

@pytest.fixture
def every_state(project, fake_x):
    """One item in each state the publisher produces, at 2026-11-22 16:00 UTC."""
    write(project, [*ITEMS, item("fresh", "social-1", "2026-11-22T15:30:00Z", "Fresh")])
    fake_x.fail("POST /2/tweets", "drop-after-create")   # social-1: posted, answer lost
    project.cli("run", env=fake_x.env(), now="2026-11-22T15:00:00Z")
    del fake_x.posts[max(fake_x.posts)]                   # …and not found afterwards
    fake_x.fail("POST /2/tweets", "400")                  # the Icelandic post is refused
    project.cli("run", env=fake_x.env(), now="2026-11-22T15:00:00Z")
    return {f"en/{OLD}/social-1/x": "missed", SOCIAL1: "unknown", ICE: "failed",
            COUPON: "sent", FRESH: "due", SOCIAL2: "scheduled"}


def test_plan_and_status_name_every_state_alike(project, every_state):
    now = "2026-11-22T16:00:00Z"
    for command in ("plan", "status"):
        text = project.cli(command, now=now)
        assert text.code == 0, text.text
        for item_id, state in every_state.items():
            assert f" {state} " in row_of(text.out, item_id), (command, item_id)
        assert text.out.splitlines()[-1] == (
            f"{command}: 6 items: 1 scheduled, 1 due, 1 sent, 1 failed, 1 unknown, 1 missed")
        document = listing(project, command, now=now)
        assert {i["id"]: i["state"] for i in document["items"]} == every_state
        assert document["counts"] == {"scheduled": 1, "due": 1, "waiting": 0, "sent": 1,
                                      "failed": 1, "unknown": 1, "missed": 1}


def test_the_vocabulary_is_in_both_helps(capsys):
    assert list(SHOWN_STATES) == ["scheduled", "due", "waiting", "sent", "failed",
                                  "unknown", "missed"]
    for command in ("plan", "status"):
        assert main([command, "--help"]) == 0
        text = capsys.readouterr().out
        assert "states:" in text
        for state, meaning in SHOWN_STATES.items():
            assert f"  {state}" in text and meaning.split()[0] in text
        for flag in ("--upcoming", "--from WHEN", "--to WHEN", "--json", "--no-build"):
            assert flag in text


def test_a_recorded_miss_is_judged_like_run_judges_it(project, fake_x):
    project.cli("run", env=fake_x.env())          # OLD is recorded as missed at 22 15:00
    assert listing(project, "status", now="2026-11-22T15:00:00Z")["items"][0]["state"] == \
        "missed"
    # with a looser limit `run` would post it: so plan and status say `due`
    wide = listing(project, "status", "--max-lateness", "7d", now="2026-11-22T15:00:00Z")
    assert wide["items"][0]["state"] == "due"


# --- local times --------------------------------------------------------------------------

def test_times_in_the_sites_zone(project):
    write(project, timezone="Atlantic/Reykjavik")
    result = project.cli("plan", now="2026-11-22T08:00:00Z")
    lines = result.out.splitlines()
    assert lines[0] == "plan at 2026-11-22 08:00 GMT"
    assert lines[1].startswith("when (Atlantic/Reykjavik)  network")
    assert row_of(result.out, SOCIAL1).startswith("2026-11-22 09:00 GMT ")
    status = project.cli("status", now="2026-11-22T08:00:00Z")
    assert status.out.splitlines()[0] == "status at 2026-11-22 08:00 GMT"
    assert row_of(status.out, SOCIAL1).startswith("2026-11-22 09:00 GMT ")


def test_times_in_a_zone_with_summer_time(project):
    summer = item("summer", "social-1", "2026-07-01T10:00:00Z", "In summer")
    winter = item("winter", "social-1", "2026-11-22T09:00:30Z", "In winter")
    write(project, [summer, winter], timezone="Europe/Berlin")
    result = project.cli("plan", now="2026-06-01T00:00:00Z")
    assert result.out.splitlines()[0] == "plan at 2026-06-01 02:00 CEST"
    assert result.out.splitlines()[1].startswith("when (Europe/Berlin)")
    assert row_of(result.out, "en/summer/social-1/x").startswith("2026-07-01 12:00 CEST ")
    assert row_of(result.out, "en/winter/social-1/x").startswith("2026-11-22 10:00:30 CET ")
    # --from/--to are site time too: the summer item is due at 12:00 Berlin time
    shown = listing(project, "plan", "--from", "2026-07-01 12:00", "--to", "2026-07-01",
                    now="2026-06-01T00:00:00Z")
    assert [i["id"] for i in shown["items"]] == ["en/summer/social-1/x"]
    assert shown["filters"] == {"upcoming": False, "from": "2026-07-01T10:00:00Z",
                                "to": "2026-07-01T21:59:59Z"}
    assert listing(project, "plan", "--from", "2026-07-01 12:00:01",
                   now="2026-06-01T00:00:00Z")["items"][0]["id"] == "en/winter/social-1/x"


def test_local_time_and_bounds_units():
    berlin = ZoneInfo("Europe/Berlin")
    assert local_time(datetime(2026, 3, 29, 1, 0, tzinfo=UTC), berlin) == "2026-03-29 03:00 CEST"
    assert local_time(datetime(2026, 3, 29, 0, 59, tzinfo=UTC), berlin) == "2026-03-29 01:59 CET"
    assert parse_bound("2026-11-20", berlin, option="--from") == \
        datetime(2026, 11, 19, 23, 0, tzinfo=UTC)
    assert parse_bound("2026-11-20", berlin, option="--to", end=True) == \
        datetime(2026, 11, 20, 22, 59, 59, tzinfo=UTC)
    assert parse_bound("2026-11-20T09:00+02:00", berlin, option="--from") == \
        datetime(2026, 11, 20, 7, 0, tzinfo=UTC)
    assert parse_bound("2026-11-20T09:00:00Z", berlin, option="--from") == \
        datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def test_the_plans_timezone_is_checked():
    doc = plan_doc()
    assert parse_plan(doc).timezone == "UTC"
    for bad, message in (("Mars/Olympus", "unknown time zone 'Mars/Olympus'"),
                         (7, "'timezone' must be an IANA time zone name")):
        with pytest.raises(PlanError, match=message):
            parse_plan({**doc, "timezone": bad})


# --- JSON -----------------------------------------------------------------------------

def test_json_keeps_utc_times_and_whole_texts_and_links(project):
    write(project, timezone="Atlantic/Reykjavik")
    secret = "s3cr3t-token-value"
    document = listing(project, "plan", now="2026-11-22T08:00:00Z",
                       env={"X_ACCESS_TOKEN": secret})
    assert document["schema"] == "publish-listing/1" and document["command"] == "plan"
    assert document["now"] == "2026-11-22T08:00:00Z"
    assert document["timezone"] == "Atlantic/Reykjavik"
    assert document["total"] == 5
    social1 = next(i for i in document["items"] if i["id"] == SOCIAL1)
    source = next(i for i in ITEMS if i["id"] == SOCIAL1)
    assert social1["due"] == "2026-11-22T09:00:00Z"
    assert social1["text"] == source["text"] and social1["link"] == source["link"]
    assert "utm_source=x" in social1["link"]
    assert set(social1) == {
        "id", "kind", "network", "due", "state", "text", "link", "weighted_length",
        "max_length", "warnings", "source", "title", "lang", "campaign", "coupon", "post_id",
        "post_url", "metrics", "metrics_at", "note", "text_changed", "planned_text",
        "estimated_cost_usd"}
    assert social1["warnings"] == [LINK_WARNING]
    assert social1["estimated_cost_usd"] == 0.2
    assert document["x_estimated_cost_usd_by_month"] == {"2026-11": 0.8}


def test_json_strings_are_redacted(project):
    secret = "s3cr3t-token-value"
    write(project, [item("leak", "social-1", "2026-11-22T09:00:00Z", f"Oops {secret}")])
    for command in ("plan", "status"):
        for name in ("X_ACCESS_TOKEN", "MASTODON_ACCESS_TOKEN", "BLUESKY_APP_PASSWORD"):
            result = project.cli(command, "--json", env={name: secret})
            assert secret not in result.out and "[redacted]" in result.out
            assert secret not in project.cli(command, env={name: secret}).out


def test_status_json_has_the_post_and_numbers(project, fake_x):
    project.cli("run", env=fake_x.env())
    post_id = project.ledger_items()[COUPON]["post_id"]
    fake_x.set_metrics(post_id, likes=4, impressions=250)
    project.cli("metrics", env=fake_x.env(), now="2026-11-22T16:00:00Z")
    document = listing(project, "status", now="2026-11-22T16:00:00Z")
    coupon = next(i for i in document["items"] if i["id"] == COUPON)
    assert coupon["state"] == "sent" and coupon["post_id"] == post_id
    assert coupon["post_url"] == f"https://x.com/i/web/status/{post_id}"
    assert coupon["metrics"]["likes"] == 4 and coupon["metrics_at"] == "2026-11-22T16:00:00Z"
    assert coupon["note"] == "numbers as of 2026-11-22 16:00 UTC"


def test_a_post_edited_after_it_was_sent_shows_what_was_posted(project, fake_x):
    project.cli("run", env=fake_x.env())
    posted = project.ledger_items()[COUPON]["text"]
    edited = [dict(i, text=i["text"].replace("New Year", "February")) if i["id"] == COUPON
              else i for i in ITEMS]
    write(project, edited)
    now = "2026-11-22T16:00:00Z"
    for command in ("plan", "status"):
        lines = project.cli(command, now=now).out.splitlines()
        at = lines.index(row_of("\n".join(lines), COUPON))
        row = " ".join(lines[at:at + 2])       # plan: its notes on the next line
        assert " sent " in row and "text changed since posting" in row, (command, row)
        if command == "plan":
            assert "New Year" in row and "February" not in row
        document = listing(project, command, now=now)
        coupon = next(i for i in document["items"] if i["id"] == COUPON)
        assert coupon["text"] == posted and coupon["text_changed"] is True
        assert "February" in coupon["planned_text"]
        assert coupon["note"].startswith("text changed since posting")
        untouched = next(i for i in document["items"] if i["id"] == SOCIAL2)
        assert untouched["text_changed"] is False and untouched["planned_text"] is None


# --- filters ----------------------------------------------------------------------------

def test_upcoming_shows_only_what_is_not_done(project, every_state):
    now = "2026-11-22T16:00:00Z"
    for command in ("plan", "status"):
        result = project.cli(command, "--upcoming", now=now)
        assert result.code == 0, result.text
        shown = [i for i in every_state if any(f" {i} " in f"{line} "
                                               for line in result.out.splitlines())]
        assert shown == [FRESH, SOCIAL2]
        assert result.out.splitlines()[-1] == f"{command}: 2 of 6 items shown: 1 scheduled, 1 due"
        document = listing(project, command, "--upcoming", now=now)
        assert [i["state"] for i in document["items"]] == ["due", "scheduled"]
        assert document["total"] == 6


def test_from_and_to(project):
    def ids(*args: str) -> list[str]:
        return [i["id"] for i in listing(project, "status", *args,
                                         now="2026-11-22T08:00:00Z")["items"]]

    assert ids("--from", "2026-11-22", "--to", "2026-11-22") == [SOCIAL1, ICE, COUPON]
    assert ids("--from", "2026-11-22 12:00") == [ICE, COUPON, SOCIAL2]
    assert ids("--to", "2026-11-22T12:00:00+01:00") == [f"en/{OLD}/social-1/x", SOCIAL1]
    assert ids("--upcoming", "--to", "2026-11-22 09:00") == [SOCIAL1]


@pytest.mark.parametrize(("args", "message"), [
    (["--from", "next week"], "--from: not a date or date-time: 'next week'"),
    (["--to", "2026-13-01"], "--to: not a date or date-time: '2026-13-01'"),
    (["--from", "2026-11-23", "--to", "2026-11-22"],
     "--from 2026-11-23 is after --to 2026-11-22: nothing can match"),
])
def test_bad_filters_are_usage_errors(project, args, message):
    for command in ("plan", "status"):
        result = project.cli(command, *args)
        assert result.code == 2 and message in result.err and "Traceback" not in result.err


# --- short links, warnings once -----------------------------------------------------------

def test_short_links_in_the_table_whole_in_json(project):
    result = project.cli("plan", now="2026-11-22T08:00:00Z")
    row = row_of(result.out, SOCIAL1)
    assert row.endswith(f"Here is how blog.listening-brands.example/2026/{ANSWERING}/…")
    assert "utm_" not in result.out and "https://" not in result.out
    tty = project.cli("plan", now="2026-11-22T08:00:00Z", tty=True)
    assert "utm_" not in tty.out


def test_short_link_units():
    assert short_link("https://b.example/2026/slug/?utm_source=x") == "b.example/2026/slug/…"
    assert short_link("https://b.example/2026/slug/") == "b.example/2026/slug/"
    assert short_link("http://b.example/a#top") == "b.example/a…"
    long = "https://b.example/" + "x" * 200
    assert short_link(long) == ("b.example/" + "x" * 200)[:79] + "…"
    assert shorten_links("Read https://b.example/p/?a=1 and http://c.example/ now") == \
        "Read b.example/p/… and c.example/ now"


def test_a_warning_on_every_row_is_said_once(project):
    items = [item("one", "social-1", "2026-11-22T09:00:00Z", "One"),
             item("two", "social-1", "2026-11-22T10:00:00Z", "Two",
                  warnings=[LINK_WARNING, "due before the article's date; moved to it"]),
             item("three", "social-1", "2026-11-22T11:00:00Z", "Three")]
    write(project, items)
    result = project.cli("plan", now="2026-11-22T08:00:00Z")
    lines = result.out.splitlines()
    assert result.out.count(LINK_WARNING) == 1
    assert lines[-3] == f"all 3 items: {LINK_WARNING}"
    assert lines[-2] == ("X, estimated: $0.60 in 2026-11 (3 posts); prices as of 2026-08 "
                         "($0.20 a post with a link, $0.015 without); months in UTC")
    two = lines.index(row_of(result.out, "en/two/social-1/x"))
    assert lines[two + 1] == "    ! due before the article's date; moved to it"
    assert not lines[two + 2].startswith("    !")
    tty = project.cli("plan", now="2026-11-22T08:00:00Z", tty=True)
    assert tty.out.count("contains a link") == 1 and "warnings" in tty.out
    assert listing(project, "plan", now="2026-11-22T08:00:00Z")["items"][0]["warnings"] == \
        [LINK_WARNING]                                   # JSON: every row keeps its own


def test_split_warnings_units():
    assert split_warnings([["a", "b"], ["b", "a", "c"]]) == (["a", "b"], [[], ["c"]])
    assert split_warnings([["a"]]) == ([], [["a"]])      # one row: nothing is repeated
    assert split_warnings([]) == ([], [])


def test_no_warning_column_when_none_is_left(project):
    write(project, [item("one", "social-1", "2026-11-22T09:00:00Z", "One"),
                    item("two", "social-1", "2026-11-22T10:00:00Z", "Two")])
    tty = project.cli("plan", now="2026-11-22T08:00:00Z", tty=True)
    assert "warnings" not in tty.out and f"all 2 items: {LINK_WARNING}" in tty.out


# --- a stale plan is rebuilt ------------------------------------------------------------------

def test_stale_reason_units():
    assert stale_reason(None, []) == "there is no plan yet"
    assert stale_reason(100.0, [("content/a.md", 99.0), ("theme/base.html", 100.0)]) is None
    assert stale_reason(100.0, [("content/a.md", 101.0), ("theme/x", 150.0)]) == \
        "theme/x changed after the plan was built"


POST = ("Title: Answering customers\nDate: 2026-11-20 09:00\nSlug: answering\n"
        "Social: {text} {{url}}\n\nBody.\n")


@pytest.fixture
def site(tmp_path):
    """A tiny project folder the way the repository is laid out: content/, a pelicanconf.py
    using the campaign plugin, state/ with an empty ledger (no plan yet)."""
    root = tmp_path / "site"
    (root / "content" / "posts").mkdir(parents=True)
    (root / "state").mkdir()
    (root / "state" / "ledger.json").write_text(
        '{"items": {}, "schema": "publish-ledger/1"}\n', encoding="utf-8")
    (root / "content" / "posts" / "answering.md").write_text(POST.format(text="First"),
                                                             encoding="utf-8")
    (root / "pelicanconf.py").write_text(
        f"PLUGIN_PATHS = [{str(REPO / 'plugins')!r}]\nPLUGINS = ['campaign']\n"
        "THEME = 'simple'\nTIMEZONE = 'Atlantic/Reykjavik'\nFEED_ALL_ATOM = None\n"
        "CATEGORY_FEED_ATOM = None\nCAMPAIGN_SITE_URL = 'https://blog.listening-brands.example'\n"
        "CAMPAIGN_PLAN_PATH = 'state/plan.json'\nCAMPAIGN_NOW = '2026-11-22 12:00'\n",
        encoding="utf-8")
    return root


def run_in(root: Path, *args: str):
    out, err = io.StringIO(), io.StringIO()
    argv = [*args, "--now", "2026-11-22T12:00:00Z", "--plan", str(root / "state/plan.json"),
            "--ledger", str(root / "state/ledger.json"), "--content", str(root / "content")]
    code = main(argv, env={"PATH": os.environ.get("PATH", "")}, stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def edit(root: Path, text: str) -> None:
    """Change the post and make it newer than the plan (no waiting for the clock)."""
    post = root / "content" / "posts" / "answering.md"
    post.write_text(POST.format(text=text), encoding="utf-8")
    later = (root / "state" / "plan.json").stat().st_mtime + 10
    os.utime(post, (later, later))


def texts(out: str) -> list[str]:
    return [i["text"].split(" https://")[0] for i in json.loads(out)["items"]]


@pytest.mark.slow
def test_status_builds_a_missing_or_stale_plan_and_no_build_skips_it(site):
    code, out, err = run_in(site, "status", "--json")
    assert code == 0, err
    assert "publish: there is no plan yet: rebuilding the plan" in err
    assert texts(out) == ["First"]
    assert json.loads(out)["timezone"] == "Atlantic/Reykjavik"
    assert not (site / "output").exists()              # the site build went to a temp folder

    code, out, err = run_in(site, "status", "--json")  # fresh: nothing is built
    assert code == 0 and err == "" and texts(out) == ["First"]

    edit(site, "Second")
    code, out, err = run_in(site, "status", "--json", "--no-build")
    assert code == 0 and err == "" and texts(out) == ["First"]
    code, out, err = run_in(site, "status", "--json", "--dry-run")
    assert "without --dry-run the plan would be rebuilt first" in err and texts(out) == ["First"]

    code, out, err = run_in(site, "status", "--json")
    assert code == 0, err
    assert f"publish: {site / 'content' / 'posts' / 'answering.md'} changed after the plan " \
        "was built: rebuilding the plan" in err
    assert texts(out) == ["Second"]

    edit(site, "Third")                                 # `plan` does the same
    code, out, err = run_in(site, "plan")
    assert code == 0 and "rebuilding the plan" in err and "Third" in out


@pytest.mark.slow
def test_a_failed_build_is_reported_with_its_messages_and_exit_2(site):
    assert run_in(site, "status")[0] == 0
    post = site / "content" / "posts" / "answering.md"
    post.write_text(POST.format(text="Broken").replace("Slug:", "Coupon_Expiers: 2026-12-31\n"
                                                       "Slug:"), encoding="utf-8")
    later = (site / "state" / "plan.json").stat().st_mtime + 10
    os.utime(post, (later, later))
    for command in ("status", "plan"):
        code, out, err = run_in(site, command)
        assert code == 2 and out == ""
        assert "posts/answering.md: Coupon_Expiers: unknown key (did you mean " \
            "Coupon_Expires?)" in err
        assert "campaign: 1 problem found" in err
        assert err.rstrip().endswith("publish: the build failed (exit 1), so the plan was not "
                                     "rebuilt: fix what is listed above, or pass --no-build "
                                     "to use the plan as it is")
        assert "Traceback" not in err
    code, out, _ = run_in(site, "status", "--no-build")   # the last good plan is still there
    assert code == 0 and "en/answering/social-1/x" in out


@pytest.mark.slow
def test_a_build_that_writes_no_plan_is_an_error(site):
    conf = site / "pelicanconf.py"
    conf.write_text(conf.read_text().replace("PLUGINS = ['campaign']", "PLUGINS = []"))
    code, _, err = run_in(site, "status")
    assert code == 2
    assert f"the build did not write {site / 'state' / 'plan.json'} (is `campaign` in " \
        "PLUGINS" in err


def test_no_settings_file_means_no_build(project):
    # the publisher tests' project has no pelicanconf.py: its hand-written plan is used
    assert project.cli("status").code == 0
    project.plan.unlink()
    result = project.cli("status")
    assert result.code == 2 and "no plan at" in result.err


@pytest.mark.slow
def test_a_build_failing_after_the_plan_was_written_keeps_the_old_plan(site, tmp_path):
    """A `finalized` handler after the campaign plugin's (the sitemap's is one) fails: the
    rebuild is the staged build, so the plan is the last good one, as the message says
    (the rebuild used to write the plan straight to its place: a new plan was left)."""
    assert run_in(site, "status")[0] == 0
    plan = site / "state" / "plan.json"
    before = plan.read_bytes()
    extra = tmp_path / "more_plugins"
    extra.mkdir()
    (extra / "late_failure.py").write_text(
        "from pelican import signals\n\n"
        "def fail(pelican):\n    raise RuntimeError('disk full while writing the sitemap')\n\n"
        "def register():\n    signals.finalized.connect(fail)\n", encoding="utf-8")
    conf = site / "pelicanconf.py"
    conf.write_text(conf.read_text(encoding="utf-8").replace(
        "PLUGINS = ['campaign']", f"PLUGIN_PATHS.append({str(extra)!r})\n"
        "PLUGINS = ['campaign', 'late_failure']"), encoding="utf-8")
    edit(site, "Second")

    code, out, err = run_in(site, "status")

    assert code == 2 and out == ""
    assert "disk full while writing the sitemap" in err
    assert err.rstrip().endswith("so the plan was not rebuilt: fix what is listed above, or "
                                 "pass --no-build to use the plan as it is")
    assert plan.read_bytes() == before
    assert sorted(p.name for p in plan.parent.iterdir()) == ["ledger.json", "plan.json"]
    assert not (site / "output").exists()
    code, out, _ = run_in(site, "status", "--json", "--no-build")
    assert code == 0 and texts(out) == ["First"]
