"""Every network's loopback fake behind one description, so a test runs the same steps
against each: the crash matrix (tests/publish/posting/test_publish_crash.py) and the end-to-end
`make publish` (tests/e2e). Adding a network adds one entry here (docs/publisher.md,
"Adding a network")."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from publish.networks import capabilities
from tests.fakes import fake_bluesky, fake_mastodon, fake_x
from tests.fakes.fake_api import NOW


@dataclass(frozen=True)
class FakeNetwork:
    name: str                                   # the plan's network
    running: Callable[..., contextlib.AbstractContextManager]
    create: str                                 # the create endpoint, as fail() names it
    link: Callable[[object, str], str]          # (fake, post id) → the post's link
    # A fake's post → the text the publisher wrote (Bluesky shows links shortened).
    written: Callable[[object], str] = lambda post: post.text

    @contextlib.contextmanager
    def serve(self) -> Iterator:
        with self.running(now=NOW) as fake:
            yield fake


def _formed(name: str) -> Callable[[object, str], str]:
    return lambda fake, post_id: capabilities(name).url_for(post_id)


FAKES = {
    "x": FakeNetwork("x", fake_x.running_fake, "POST /2/tweets", _formed("x")),
    "mastodon": FakeNetwork("mastodon", fake_mastodon.running_fake, "POST /api/v1/statuses",
                            lambda fake, post_id: fake.status_url(post_id)),
    "bluesky": FakeNetwork("bluesky", fake_bluesky.running_fake, fake_bluesky.CREATE,
                           _formed("bluesky"), lambda post: post.written),
}
