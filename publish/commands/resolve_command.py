"""`python -m publish resolve`: a person settles an `unknown` item."""

from __future__ import annotations

import argparse
from pathlib import Path

from publish import networks as registry
from publish.commands import options
from publish.context import Ctx
from publish.errors import ExitCode, UsageError
from publish.posting.ledger import Ledger
from publish.posting.lock import publisher_lock
from publish.posting.plan_file import load_plan

NAME = "resolve"
DESCRIPTION = "settle an `unknown` item by hand"
EXAMPLES = """\
An item is `unknown` when an attempt to post it was interrupted and the post could not be
found afterwards. Look at the account on x.com, then:

examples:
  python -m publish resolve en/my-post/social-1/x --posted 1849203000000000001
  python -m publish resolve en/my-post/social-1/x --not-posted   # next run posts it"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    options.common(parser)
    parser.add_argument("item_id", metavar="ID", help="plan item id, as shown by `status`")
    how = parser.add_mutually_exclusive_group(required=True)
    how.add_argument("--posted", metavar="POST",
                     help="the post exists: record it (its id, or its link, e.g. "
                          "https://x.com/i/web/status/1849203000000000001)")
    how.add_argument("--not-posted", action="store_true",
                     help="the post does not exist: the next run may post it")


def run(ctx: Ctx) -> int:
    from publish.posting import ledger as L
    from publish.posting.ledger_entry import Entry, LedgerState

    item_id = ctx.args.item_id
    plan = load_plan(ctx.args.plan) if Path(ctx.args.plan).exists() else None
    item = plan.by_id().get(item_id) if plan else None

    def settle(ledger: Ledger) -> str:
        entry = ledger.get(item_id)
        if entry is None and item is None:
            raise UsageError(f"no item {item_id!r} in the ledger or the plan")
        state = entry.state if entry else None
        if entry is not None and state is LedgerState.SENT:
            raise UsageError(f"{item_id} is already sent as {entry.url}; nothing to do")
        if ctx.args.not_posted:
            if state is LedgerState.POSTING:      # not checked yet: the post may be out
                raise UsageError(
                    f"{item_id} has an attempt whose outcome is not checked yet; the next "
                    "run looks for it on X first (only an `unknown` item needs a person)")
            ledger.remove(item_id)
            return (f"{item_id}: recorded as not posted; the next run posts it when due "
                    "(beyond --max-lateness only with --post-late)")
        if entry is None:
            assert item is not None         # checked first: the ledger or the plan has it
            entry = Entry(LedgerState.UNKNOWN, item.network, source=item.source,
                          link=item.link)
        post_id, url = posted_as(entry.network, ctx.args.posted)
        ledger.put(item_id, L.mark_sent(entry, post_id=post_id, url=url, now=ctx.now,
                                        how="person"))
        return f"{item_id}: recorded as sent → {url}"

    if ctx.args.dry_run:
        message = settle(ctx.store.load())
        ctx.out.say(f"dry run: would record: {message}")
        return ExitCode.OK
    with publisher_lock(ctx.lock_path, "resolve"):
        ledger = ctx.store.load()
        message = settle(ledger)
        ctx.store.save(ledger)
    ctx.out.say(message)
    return ExitCode.OK


def posted_as(network: str, posted: str) -> tuple[str, str]:
    """`resolve --posted` → (post id, link). It takes a post id, or a post's link where the
    network has a link form (Bluesky, X), and must be the link where only the network knows
    it (Mastodon: instance and account are in it; its id is the last part)."""
    rule = registry.post_id_rule(network)
    caps = registry.capabilities(network) if registry.known(network) else None
    if caps is not None and caps.link_problem(posted) is None:
        post_id = caps.post_id_from_link(posted)
        if post_id is not None:
            return post_id, posted
    if problem := rule.post_id_problem(posted):
        raise UsageError(f"--posted: {problem}: copy the post's link (or its id)")
    url = caps.url_for(posted) if caps is not None else None
    if url is None:
        raise UsageError(f"--posted: give the post's link on {rule.label} (its id alone "
                         "does not say where it is)")
    return posted, url
