"""Exactly once, whatever dies when, on every network: the publisher is killed at every step
of a run, then rerun to completion (a person settles `unknown` items the documented way); the
network's fake must hold exactly one post per due item. And two publishers at once: the
second exits 4."""

from __future__ import annotations

import io
import os
import sys

import pytest

# Each adapter is imported once here, not in every forked child.
import publish.networks.bluesky.bluesky_adapter
import publish.networks.mastodon.mastodon_adapter
import publish.networks.x.x_adapter  # noqa: F401
from publish.cli import main
from publish.networks import capabilities
from publish.posting import crashpoints
from tests.fakes import FAKES
from tests.publish.conftest import DUE_IDS, ITEMS, NOW, write_plan

STEPS = {
    "before-posting-write": 3,
    "after-posting-write": 3,
    "after-post": 3,             # the API answered, the ledger does not know yet
    "after-sent-write": 3,
    "atomic-before-rename": 6,   # inside the ledger write itself (2 writes per item)
}
CASES = [(step, n) for step, count in STEPS.items() for n in range(1, count + 1)]
NETWORKS = list(FAKES)


def on_network(items: list[dict], network: str) -> list[dict]:
    """The plan's items as they would be for `network` (the id ends with the network)."""
    return [{**i, "id": i["id"].rsplit("/", 1)[0] + f"/{network}", "network": network}
            for i in items]


@pytest.fixture(params=NETWORKS)
def net(request, project):
    """(network description, its running fake, the due ids), the project's plan on it."""
    fake_network = FAKES[request.param]
    write_plan(project.plan, on_network(ITEMS, fake_network.name))
    due = [i.rsplit("/", 1)[0] + f"/{fake_network.name}" for i in DUE_IDS]
    with fake_network.serve() as fake:
        yield fake_network, fake, due


def run_forked(project, env, *args, crash=None) -> int:
    """`publish run` in a forked child (a separate process, cheap to start); returns its exit
    status, 137 when the crash point fired (os._exit, like SIGKILL: no cleanup at all)."""
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        try:
            if crash:
                os.environ[crashpoints.ENV] = crash
            crashpoints._hits.clear()
            sink = io.StringIO()
            code = main(["run", *args, *project.paths(), "--now", NOW],
                        env={**project.env, **env},
                        stdout=sink, stderr=sink, sleep=lambda s: None, tty=False)
        except BaseException:
            code = 99
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def settle_like_a_person(project, fake_network, fake) -> None:
    """What docs/publisher.md tells a person to do with an `unknown` item: look at the
    account; record the post (its link) if it is there, else mark it not posted."""
    for item_id, entry in project.ledger_items().items():
        if entry["state"] != "unknown":
            continue
        posts = [p for p in fake.posts.values() if fake_network.written(p) == entry["text"]]
        args = (["--posted", fake_network.link(fake, posts[0].id)] if posts
                else ["--not-posted"])
        assert project.cli("resolve", item_id, *args).code == 0


def run_to_completion(project, fake_network, fake) -> list[int]:
    codes = []
    for _ in range(6):
        code = run_forked(project, fake.env())
        codes.append(code)
        if code == 0:
            return codes
        assert code == 3, codes
        settle_like_a_person(project, fake_network, fake)
    raise AssertionError(f"no clean run after {codes}")


def assert_exactly_once(project, fake, due: list[str], written=FAKES["x"].written) -> None:
    items = project.ledger_items()
    assert fake.posts_created == len(due)
    for item_id in due:
        entry = items[item_id]
        assert entry["state"] == "sent"
        matching = [p for p in fake.posts.values() if written(p) == entry["text"]]
        assert [p.id for p in matching] == [entry["post_id"]]


@pytest.mark.slow
@pytest.mark.parametrize(("step", "n"), CASES, ids=[f"{s}:{n}" for s, n in CASES])
def test_killed_at_every_step_never_posts_twice(project, net, step, n):
    fake_network, fake, due = net
    assert run_forked(project, fake.env(), crash=f"{step}:{n}") == 137
    codes = run_to_completion(project, fake_network, fake)
    assert_exactly_once(project, fake, due, fake_network.written)
    # Only a crash between the "posting" write and the POST leaves nothing to find: that
    # item is parked as unknown (never re-posted blindly) until a person settles it, unless
    # the network proves that nothing was posted (Bluesky: the item's record key is absent).
    proved = capabilities(fake_network.name).proves_absence
    assert codes == ([3, 0] if step == "after-posting-write" and not proved else [0])


@pytest.mark.slow
def test_killed_while_recording_a_reconciled_post(project, net):
    fake_network, fake, due = net
    fake.fail(fake_network.create, "drop-after-create")
    assert run_forked(project, fake.env()) == 1
    assert run_forked(project, fake.env(), crash="after-reconcile-found:1") == 137
    run_to_completion(project, fake_network, fake)
    assert_exactly_once(project, fake, due, fake_network.written)


@pytest.mark.slow
@pytest.mark.parametrize("crash", ["after-post:2", "atomic-before-rename:3"])
def test_real_subprocess_killed_by_env_crash_point(project, fake_x, crash):
    env = {**fake_x.env(), crashpoints.ENV: crash}
    killed = project.subprocess("run", env=env)
    assert killed.code == 137, killed.text
    assert "Traceback" not in killed.err
    rerun = project.subprocess("run", env=fake_x.env())
    assert rerun.code == 0, rerun.text
    assert "run: " in rerun.out
    assert_exactly_once(project, fake_x, DUE_IDS)


@pytest.mark.slow
def test_second_publisher_exits_4_and_nothing_doubles(project, fake_x):
    fake_x.fail("POST /2/tweets", "hold")
    env = {**fake_x.env(), "PUBLISH_HTTP_TIMEOUT": "5,30"}
    first = project.spawn("run", env=env)
    try:
        assert fake_x.holding.wait(15), "the first publisher never reached the POST"
        for args in (("run",), ("metrics",), ("resolve", DUE_IDS[0], "--not-posted"),
                     ("daemon",)):
            second = project.subprocess(*args, env=env)
            assert second.code == 4, (args, second.text)
            assert "another publisher holds" in second.err
            assert "Traceback" not in second.err
    finally:
        fake_x.release_hold()
        out, err = first.communicate(timeout=30)
    assert first.returncode == 0, out + err
    assert_exactly_once(project, fake_x, DUE_IDS)
    assert fake_x.count("POST", "/2/tweets") == 3
    after = project.subprocess("run", env=env)
    assert after.code == 0 and "run: 0 sent" in after.out
