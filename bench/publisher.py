"""Publisher figures against the loopback fake X (tests/fakes/fake_x.py), run in-process.

- run, nothing due: a 10,000-item plan all in the future; the time beyond loading the plan.
- run, 500 due: requests made and time (every POST is bracketed by two fsynced ledger writes).
- metrics --all for 10,000 sent items over 5,000 posts: requests, time, files rewritten;
  then the same again with unchanged numbers, which must rewrite nothing.
"""

import io
import json
import random
import re
import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.synth import write_posts
from publish.cli import main
from publish.posting.ledger import Ledger, LedgerStore, mark_posting, mark_sent
from publish.posting.plan_file import load_plan
from tests.fakes.fake_x import running_fake

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
SITE = "https://blog.listening-brands.example"
IDLE_ITEMS = 10_000
DUE_ITEMS = 500
METRICS_POSTS = 5_000  # two sent items each: 10,000
QUICK = 10             # `--quick` measures a tenth of each
REPEATS = 3


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def plan_item(index: int, slot: int, due: datetime) -> dict:
    slug = f"post-{index}"
    link = f"{SITE}/2026/{slug}/?utm_source=x&utm_medium=social&utm_campaign={slug}"
    text = f"Post {index}, part {slot}: how brands answer customers {link}"
    return {
        "id": f"en/{slug}/social-{slot}/x", "kind": "article-post", "network": "x",
        "due": iso(due), "text": text, "link": link, "weighted_length": 60,
        "max_length": 280, "source": f"posts/post-{index:05d}.md", "slug": slug, "lang": "en",
        "title": f"Post {index}", "campaign": slug, "coupon": None, "warnings": [],
    }


def write_plan(path: Path, items: list[dict]) -> None:
    items = sorted(items, key=lambda i: (i["due"], i["id"]))
    doc = {"schema": "campaign-plan/1", "site_url": SITE, "items": items}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
                    encoding="utf-8")


def cli(root: Path, env: dict, *args: str) -> tuple[int, str, float]:
    out = io.StringIO()
    paths = ["--plan", str(root / "plan.json"), "--ledger", str(root / "ledger.json"),
             "--history", str(root / "history.jsonl"), "--content", str(root / "content")]
    started = time.perf_counter()
    code = main([*args, *paths, "--now", iso(NOW)], env=env, stdout=out, stderr=out,
                sleep=lambda seconds: None, tty=False)
    return code, out.getvalue(), time.perf_counter() - started


def idle_run(root: Path, fake, count: int = IDLE_ITEMS) -> dict:
    items = [plan_item(i, 1, NOW + timedelta(days=1, minutes=i)) for i in range(count)]
    write_plan(root / "plan.json", items)
    assert cli(root, fake.env(), "init")[0] == 0
    loads, runs = [], []
    for _ in range(REPEATS):
        started = time.perf_counter()
        load_plan(root / "plan.json")
        loads.append(time.perf_counter() - started)
        code, output, seconds = cli(root, fake.env(), "run")
        assert code == 0, output
        runs.append(seconds)
    load, run = statistics.median(loads), statistics.median(runs)
    return {"items": count, "plan_load_seconds": round(load, 3),
            "run_seconds": round(run, 3), "seconds_beyond_plan_load": round(run - load, 3),
            "requests": len(fake.requests)}


def due_run(root: Path, fake, count: int = DUE_ITEMS) -> dict:
    """Every item due: posted, and each post's pins written into its file, as in a run."""
    write_posts(root / "content", count)
    items = [plan_item(i, 1, NOW - timedelta(minutes=i)) for i in range(1, count + 1)]
    write_plan(root / "plan.json", items)
    assert cli(root, fake.env(), "init")[0] == 0
    before = len(fake.requests)
    # The pages of the bench's plan are on no site: the link check (a request per page) is
    # not what this measures.
    code, output, seconds = cli(root, fake.env(), "run", "--no-link-check")
    assert code == 0, output
    assert fake.posts_created == count, output
    return {"items": count, "posted": fake.posts_created, "seconds": round(seconds, 2),
            "requests": len(fake.requests) - before}


def sent_ledger(root: Path, fake, items: list[dict]) -> None:
    rng = random.Random(7)
    ledger = Ledger()
    sent_at = NOW - timedelta(days=40)
    for item in items:
        post_id = fake.add_post(item["text"], sent_at)
        fake.set_metrics(post_id, likes=rng.randint(0, 500), reposts=rng.randint(0, 50),
                         replies=rng.randint(0, 20), quotes=rng.randint(0, 5),
                         bookmarks=rng.randint(0, 30), impressions=rng.randint(100, 90000))
        entry = mark_posting(None, network="x", text=item["text"], link=item["link"],
                             now=sent_at)
        ledger.put(item["id"], mark_sent(entry, post_id=post_id,
                                         url=f"https://x.com/i/web/status/{post_id}",
                                         now=sent_at, how="api"))
    LedgerStore(root / "ledger.json").save(ledger)


def files_changed(output: str) -> int:
    match = re.search(r"metadata changed: (\d+) file", output)
    return int(match.group(1)) if match else -1


def metrics_runs(root: Path, fake, posts: int = METRICS_POSTS) -> tuple[dict, dict]:
    write_posts(root / "content", posts)
    due = NOW - timedelta(days=40)
    items = [plan_item(i, slot, due) for i in range(1, posts + 1) for slot in (1, 2)]
    write_plan(root / "plan.json", items)
    sent_ledger(root, fake, items)
    figures = []
    for _ in range(2):
        before = fake.count("GET", "/2/tweets")
        code, output, seconds = cli(root, fake.env(), "metrics", "--all")
        assert code == 0, output
        figures.append({"items": len(items), "requests": fake.count("GET", "/2/tweets")
                        - before, "seconds": round(seconds, 2),
                        "files_rewritten": files_changed(output)})
    return figures[0], figures[1]


def measure_publisher(work: Path, quick: bool = False) -> dict:
    part = QUICK if quick else 1
    with running_fake(now=NOW, check_signatures=False) as fake:
        idle = idle_run(work / "idle", fake, IDLE_ITEMS // part)
    with running_fake(now=NOW, check_signatures=False) as fake:
        due = due_run(work / "due", fake, DUE_ITEMS // part)
    with running_fake(now=NOW, check_signatures=False) as fake:
        first, again = metrics_runs(work / "metrics", fake, METRICS_POSTS // part)
    return {"run_nothing_due": idle, "run_500_due": due, "metrics_all": first,
            "metrics_unchanged": again}


def print_publisher(figures: dict) -> None:
    idle, due = figures["run_nothing_due"], figures["run_500_due"]
    first, again = figures["metrics_all"], figures["metrics_unchanged"]
    print(f"run, nothing due ({idle['items']} items): {idle['run_seconds']:.3f} s, of which "
          f"plan load {idle['plan_load_seconds']:.3f} s; {idle['requests']} requests")
    print(f"run, {due['items']} due: {due['posted']} posted, {due['requests']} requests, "
          f"{due['seconds']:.2f} s")
    for label, row in (("metrics --all", first), ("metrics --all, unchanged", again)):
        print(f"{label} ({row['items']} items): {row['requests']} requests, "
              f"{row['seconds']:.2f} s, {row['files_rewritten']} files rewritten")
