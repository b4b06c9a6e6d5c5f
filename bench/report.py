"""What `python -m publish report` costs next to the build it follows (issue 10): the plan of
the benchmark's own build, every item sent, and 30 days of history, with the built site for
the previews. The history is the publisher's own over 30 days: each post fetched at the
default cadence (1 h, 1 d, 7 d, 30 d after posting)."""

import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.measure import Sample, median_of, run_once
from publish.networks import capabilities

TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
BLUESKY_DID = "did:plc:" + "benchbrand" + "a" * 14

DAYS = 30
CADENCE = (timedelta(hours=1), timedelta(days=1), timedelta(days=7), timedelta(days=30))
START = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)


def _time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def sent_as(network: str, number: int) -> tuple[str, str]:
    """(post id, link) of the `number`-th post on `network`, in that network's forms."""
    if network == "bluesky":
        rkey = "3" + "".join(TID_ALPHABET[(number >> (5 * i)) & 31] for i in range(11, -1, -1))
        post_id = f"at://{BLUESKY_DID}/app.bsky.feed.post/{rkey}"
        return post_id, _formed_link(network, post_id)
    post_id = str(1849200000000000000 + number)
    if network == "mastodon":
        return post_id, f"https://mastodon.example/@listeningbrands/{post_id}"
    return post_id, _formed_link(network, post_id)


def _formed_link(network: str, post_id: str) -> str:
    link = capabilities(network).url_for(post_id)
    if link is None:
        raise ValueError(f"{network}: only the network knows a post's link")
    return link


def write_state(plan_path: Path, state: Path) -> tuple[int, int]:
    """A ledger with every item of the plan sent, and its fetches in time order, as the
    history holds them: (items, shots)."""
    items = json.loads(plan_path.read_text(encoding="utf-8"))["items"]
    state.mkdir(parents=True, exist_ok=True)
    ledger, lines = {}, []
    for number, item in enumerate(items, start=1):
        post_id, url = sent_as(item["network"], number)
        ledger[item["id"]] = {
            "state": "sent", "network": item["network"], "post_id": post_id,
            "url": url, "sent_at": _time(START),
            "text": item["text"], "link": item["link"], "source": item["source"]}
        for step, after in enumerate(CADENCE):
            likes = number % 17 + 5 * step
            numbers = dict(zip(capabilities(item["network"]).metric_names,
                               (likes, likes // 3, likes // 5, likes // 9, likes // 7,
                                40 * likes + 100), strict=False))
            lines.append(json.dumps({
                "id": item["id"], "network": item["network"], "post_id": post_id,
                "fetched_at": _time(START + after), **numbers}, sort_keys=True))
    (state / "ledger.json").write_text(json.dumps({"schema": "publish-ledger/1",
                                                   "items": ledger}), encoding="utf-8")
    lines.sort(key=lambda line: json.loads(line)["fetched_at"])
    (state / "history.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(items), len(lines)


def measure_report(plan_path: Path, site: Path, work: Path, runs: int) -> dict:
    items, shots = write_state(plan_path, work / "state")
    argv = [sys.executable, "-m", "publish", "report", "--no-build", "--out",
            str(work / "report"), "--site", str(site), "--plan", str(plan_path),
            "--ledger", str(work / "state" / "ledger.json"),
            "--history", str(work / "state" / "history.jsonl"),
            "--now", _time(START + timedelta(days=DAYS))]
    samples: list[Sample] = [run_once(argv) for _ in range(runs)]
    figure = median_of(samples)
    return {"items": items, "snapshots": shots, "seconds": round(figure.seconds, 3),
            "peak_rss_mb": round(figure.peak_rss_mb, 1)}
