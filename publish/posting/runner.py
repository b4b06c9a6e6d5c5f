"""`publish run`: post every due item exactly once.

The pure part is publish/posting/decisions.py: `decide` (what to do with one item at `now`)
and `match_post` (which of our own recent posts, if any, is the one an interrupted attempt
created). The loop `run_once` does the I/O in this order for each item: link check (is its
page live?) → ledger "posting" → POST → ledger "sent"/"failed". An item whose page is not
live is recorded "waiting" and not posted. An item found in "posting" is reconciled against
the network before anything else is posted.
A due item of an article whose header names a share the ledger does not hold (a ledger
restored from an older commit: `pins.unrecorded_shares`) is looked for on the network first,
without a time bound, so a post made before, under any due time, is recorded, not repeated.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from publish.clock import format_age, format_duration, format_time, parse_time
from publish.networks import Draft, ErrorKind, FoundPost, Network, NetworkError
from publish.posting import ledger as L
from publish.posting.budget import MonthlyBudget
from publish.posting.crashpoints import crashpoint
from publish.posting.decisions import (
    CLOCK_SKEW,
    Action,
    RunOptions,
    decide,
    lateness,
    match_post,
    search_link,
)
from publish.posting.ledger import Ledger, LedgerStore
from publish.posting.ledger_entry import Entry, LedgerState, WaitingFor
from publish.posting.linkcheck import PageStatus
from publish.posting.pins import (
    MAY_BE_OUT,
    FileReport,
    already_sent_as,
    read_headers,
    shared_by_source,
    sync_pins,
    unrecorded_shares,
)
from publish.posting.plan_file import Plan, PlanItem
from publish.terminal import Output

# After these errors nothing more is posted to that network in this run.
STOP_NETWORK = frozenset({ErrorKind.RATE_LIMITED, ErrorKind.UNAUTHORIZED,
                          ErrorKind.OUT_OF_CREDITS, ErrorKind.SERVER, ErrorKind.NETWORK,
                          ErrorKind.MALFORMED, ErrorKind.CONFIG})


class Doubt(StrEnum):
    """Why an attempt's outcome is unknown: the reconcile that settles it says which."""
    INTERRUPTED = "an interrupted attempt"   # found in "posting" at the start of a run
    DUPLICATE = "duplicate"                  # the network refused the text as posted already
    UNRECORDED = "a share the ledger does not hold"   # the header names it: looked for first


@dataclass
class RunReport(FileReport):
    sent: int = 0
    failed: int = 0
    missed: int = 0
    unknown: int = 0       # parked, waiting for a person
    unsettled: int = 0     # still "posting": checked again on the next run
    deferred: int = 0      # due, but the network refused service for this run (rate limit…)
    waiting: int = 0       # due, but the page is not live yet: checked again next run
    not_due: int = 0
    renamed: int = 0       # due under a new id, but already sent under the old one
    found: int = 0         # due, but found already posted (the ledger did not know it)
    no_credentials: int = 0  # due on a network without posting credentials: dry there
    held: int = 0          # due, but it would pass X's monthly budget: checked next run
    blocked_until: dict[str, datetime | None] = field(default_factory=dict)

    def summary(self, dry_run: bool = False) -> str:
        head = "run (dry run)" if dry_run else "run"
        text = (f"{head}: {self.sent} sent, {self.failed} failed, {self.missed} missed, "
                f"{self.unknown + self.unsettled} unknown, {self.not_due} not yet due")
        if self.deferred:
            text += f", {self.deferred} deferred"
        if self.renamed:
            text += f", {self.renamed} renamed (not posted again)"
        if self.found:
            text += f", {self.found} found already posted (not posted again)"
        if self.waiting:
            text += f", {self.waiting} waiting for their page"
        if self.held:
            text += f", {self.held} held (X's monthly budget)"
        if self.no_credentials:
            text += f", {self.no_credentials} not posted (no credentials for their network)"
        return text


def draft(item: PlanItem, image: str | None = None) -> Draft:
    """What the network gets for `item`; `image`: the live page's share image, if known."""
    return Draft(key=item.id, text=item.text, link=item.link, due=item.due, lang=item.lang,
                 title=item.title, description=item.description, image=image)


def _short(text: str, width: int = 60) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= width else one_line[: width - 1] + "…"


LinkCheck = Callable[[str], PageStatus]   # an item's link → is its page live?


class _Run:
    def __init__(self, plan: Plan, store: LedgerStore, networks: Mapping[str, Network | None],
                 now: datetime, options: RunOptions, out: Output, content: Path | None = None,
                 link_check: LinkCheck | None = None):
        self.plan, self.store, self.networks = plan, store, networks
        self.now, self.options, self.out, self.content = now, options, out, content
        self.link_check = link_check
        self.ledger: Ledger = store.load()
        self.report = RunReport()
        self.blocked: dict[str, str] = {}
        self.budget = MonthlyBudget(options.x_budget_usd, plan.x_prices, plan.tz, now,
                                    options.dry_run)

    def track_sources(self) -> None:
        """Record in each entry whose post may be out the file its item now comes from
        (moved files included): the rename safety net looks only at those."""
        changed = False
        for item in self.plan.items:
            entry = self.ledger.get(item.id)
            if (entry is not None and entry.state in MAY_BE_OUT
                    and entry.source != item.source):
                self.ledger.put(item.id, L.with_source(entry, item.source))
                changed = True
        if changed:
            self.save()

    def save(self) -> None:
        if not self.options.dry_run:
            self.store.save(self.ledger)

    def put(self, item_id: str, entry: Entry | None) -> None:
        if entry is None:
            self.ledger.remove(item_id)
        else:
            self.ledger.put(item_id, entry)
        self.save()

    def block(self, network: str, exc: NetworkError) -> None:
        self.blocked[network] = str(exc)
        self.report.blocked_until[network] = exc.reset_at

    # --- settle an attempt whose outcome is unknown ----------------------------------
    def park(self, item: PlanItem, entry: Entry, reason: str) -> None:
        """Leave the item to a person: `unknown`, with what to run."""
        reason += (f"; settle with `python -m publish resolve {item.id} --posted POST_ID` "
                   "or `--not-posted`")
        self.put(item.id, L.mark_unknown(entry, reason=reason, now=self.now))
        self.out.item(LedgerState.UNKNOWN, item.id, reason)
        self.report.unknown += 1

    def reconcile(self, item: PlanItem, entry: Entry, *, why: Doubt) -> bool:
        """Settle the attempt: sent (its post found), parked for a person, or left for the
        next run. True when the network proved it was not posted (a network whose
        capabilities say `proves_absence`): it is recorded failed, to be posted now."""
        adapter = self.networks.get(item.network)
        if self.options.dry_run or adapter is None:
            self.out.item("check", item.id, f"would look for the post on {item.network} ({why})")
            self.report.unsettled += 1
            return False
        if item.network in self.blocked:
            self.out.item("unsure", item.id, "not checked: " + self.blocked[item.network])
            self.report.unsettled += 1
            return False
        since = parse_time(entry.attempted_at) if entry.attempted_at else None
        # A duplicate may be older than this attempt: search without a time bound.
        search_since = None if why is Doubt.DUPLICATE else since
        try:
            found = adapter.find_recent_posts(search_link(
                item.text if entry.text is None else entry.text,
                item.link if entry.link is None else entry.link),
                                              search_since - CLOCK_SKEW if search_since
                                              else None, key=item.id, due=item.due)
        except NetworkError as exc:
            if exc.kind is ErrorKind.MISMATCH:
                self.park(item, entry, f"outcome unknown after {why}: {item.network} "
                          f"answered with another post ({exc})")
                return False
            self.out.item("unsure", item.id, f"could not check {item.network} ({exc}); "
                          "checked again on the next run")
            self.report.unsettled += 1
            if exc.kind in STOP_NETWORK:
                self.block(item.network, exc)
            return False
        rule = adapter.capabilities

        def problem(post: FoundPost) -> str | None:    # its id and link are stored: checked
            return rule.post_id_problem(post.post_id) or rule.link_problem(post.url)

        candidates = [p for p in found.posts if problem(p) is None]
        for bad in (p for p in found.posts if problem(p) is not None):
            self.out.item("ignored", item.id, f"a post found on {item.network}: {problem(bad)}")
        claimed = self.ledger.claimed_post_ids(except_id=item.id)
        post = match_post(item.text if entry.text is None else entry.text, search_since,
                          candidates, claimed)
        if post is not None:
            crashpoint("after-reconcile-found")
            self.put(item.id, L.mark_sent(entry, post_id=post.post_id, url=post.url,
                                          now=self.now, how=f"found-after-{why.value}"))
            self.out.item(LedgerState.SENT, item.id, f"→ {post.url} (found on {item.network} "
                          f"after {why})")
            self.report.sent += 1
            return False
        if why is Doubt.INTERRUPTED and rule.proves_absence and found.absent:
            message = (f"not posted: {item.network} has no post of this item (checked after "
                       f"{why})")
            self.put(item.id, L.mark_failed(entry, kind="not_posted", message=message,
                                            now=self.now))
            self.out.item("checked", item.id, message)
            return True
        scope = "recent posts since the attempt" if found.covered else \
            "the most recent posts (search did not reach back to the attempt)"
        self.park(item, entry, f"outcome unknown after {why}: no matching post among {scope}")
        return False

    # --- a due item the ledger may not know to be out ---------------------------------
    def unrecorded(self, due: Sequence[PlanItem]) -> set[tuple[str, str]]:
        """(file, network) of due items whose article's header names a share the ledger does
        not hold (read only for the files of due items, and only with a content folder)."""
        if self.content is None or not due:
            return set()
        labels = {name: adapter.capabilities.label
                  for name, adapter in self.networks.items() if adapter is not None}
        headers = read_headers(self.content, (i.source for i in due), labels.values())
        return unrecorded_shares(self.plan, self.ledger, headers, labels)

    def look_first(self, item: PlanItem, adapter: Network) -> bool:
        """Look for the item's post on the network before posting it (no time bound: it may
        have gone out under an older due time). True when it may be posted now: nothing
        found on a search that covered the account's posts. Found: recorded as sent. Not
        covered, or the network could not be asked: not posted in this run."""
        why = Doubt.UNRECORDED
        try:
            found = adapter.find_recent_posts(search_link(item.text, item.link), None,
                                              key=item.id, due=item.due)
        except NetworkError as exc:
            if exc.kind is ErrorKind.MISMATCH:
                entry = L.mark_posting(self.ledger.get(item.id), network=item.network,
                                       text=item.text, link=item.link, now=self.now,
                                       source=item.source)
                self.park(item, entry, f"not posted: the header names {why}, and "
                          f"{item.network} answered with another post ({exc})")
                return False
            self.out.item("unsure", item.id, f"not posted: the header names a share the "
                          f"ledger does not hold, and {item.network} could not be searched "
                          f"({exc}); tried again on the next run")
            self.report.deferred += 1
            if exc.kind in STOP_NETWORK:
                self.block(item.network, exc)
            return False
        rule = adapter.capabilities
        candidates = [p for p in found.posts if rule.post_id_problem(p.post_id) is None
                      and rule.link_problem(p.url) is None]
        claimed = self.ledger.claimed_post_ids(except_id=item.id)
        post = match_post(item.text, None, candidates, claimed)
        old = self.ledger.get(item.id)
        if post is not None:
            base = L.mark_posting(old, network=item.network, text=item.text, link=item.link,
                                  now=self.now, source=item.source)
            self.put(item.id, L.mark_sent(base, post_id=post.post_id, url=post.url,
                                          now=self.now, how="found-before-posting"))
            self.out.item("found", item.id, f"→ {post.url} (already on {item.network}: "
                          f"{why}; not posted again)")
            self.report.found += 1
            return False
        if found.covered:
            return True
        entry = L.mark_posting(old, network=item.network, text=item.text, link=item.link,
                               now=self.now, source=item.source)
        self.park(item, entry, f"not posted: the header names {why}, and the search of "
                  f"{item.network} did not reach back far enough to rule this item out")
        return False

    # --- is the page live? -------------------------------------------------------------
    def page(self, item: PlanItem) -> PageStatus:
        """Check the item's page before posting (not in a dry run, nor with the check off:
        then it counts as live). When it is not live, record the item as waiting (the
        ledger is written only when that changes)."""
        if self.link_check is None or self.options.dry_run:
            return PageStatus(item.link, True, "not checked")
        page = self.link_check(item.link)
        if page.live:
            return page
        old = self.ledger.get(item.id)
        entry = L.mark_waiting(old, network=item.network, reason=page.reason, now=self.now)
        if entry != old:
            self.put(item.id, entry)
        self.out.item(LedgerState.WAITING, item.id, f"page not live: {page.reason}; not posted, "
                      "checked again on the next run")
        self.report.waiting += 1
        return page

    def no_credentials(self, item: PlanItem, adapter: Network) -> None:
        """Due on a network without posting credentials: not posted, and the ledger says
        why (a `waiting` item for its credentials), so a later `missed` has its reason."""
        needed = " and ".join(adapter.capabilities.post_credentials)
        old = self.ledger.get(item.id)
        entry = L.mark_waiting(old, network=item.network, reason=f"{needed} not set",
                               now=self.now, waiting_for=WaitingFor.CREDENTIALS)
        if entry != old:
            self.put(item.id, entry)
        self.report.no_credentials += 1

    def hold(self, item: PlanItem, reason: str) -> None:
        """Not posted: it would pass X's monthly budget. Recorded `waiting` for the budget
        (judged by its due time like any waiting item: missed beyond the lateness limit)."""
        old = self.ledger.get(item.id)
        entry = L.mark_waiting(old, network=item.network, reason=reason, now=self.now,
                               waiting_for=WaitingFor.BUDGET)
        if entry != old:
            self.put(item.id, entry)
        self.out.item("held", item.id, reason)
        self.report.held += 1

    # --- one create request ----------------------------------------------------------
    def would_post(self, item: PlanItem) -> None:
        length = f"{item.weighted_length}/{item.max_length}"
        self.out.item("would", item.id, f"post ({length}): {_short(item.text, 200)}")

    def post(self, item: PlanItem, adapter: Network, page: PageStatus) -> None:
        old = self.ledger.get(item.id)
        crashpoint("before-posting-write")
        entry = L.mark_posting(old, network=item.network, text=item.text, link=item.link,
                               now=self.now, source=item.source,
                               cost_usd=self.budget.cost(item))
        self.put(item.id, entry)
        crashpoint("after-posting-write")
        try:
            result = adapter.post(draft(item, page.image))
        except NetworkError as exc:
            crashpoint("after-post")
            self.post_failed(item, entry, old, exc)
            return
        crashpoint("after-post")
        self.put(item.id, L.mark_sent(entry, post_id=result.post_id, url=result.url,
                                      now=self.now, how="api"))
        crashpoint("after-sent-write")
        self.out.item(LedgerState.SENT, item.id, f"→ {result.url}")
        self.report.sent += 1

    def post_failed(self, item: PlanItem, entry: Entry, old: Entry | None,
                    exc: NetworkError) -> None:
        if exc.kind is ErrorKind.DUPLICATE:
            self.reconcile(item, entry, why=Doubt.DUPLICATE)
            return
        if exc.kind is ErrorKind.MISMATCH:
            self.park(item, entry, f"outcome unknown: {item.network} answered the post with "
                      f"another post ({exc})")
            return
        if exc.kind is ErrorKind.RATE_LIMITED:
            self.put(item.id, old)      # certainly not posted: back to how it was
            until = f" until {format_time(exc.reset_at)}" if exc.reset_at else ""
            self.out.item("limited", item.id, f"rate limited{until}: stays due for the "
                          "next run")
            self.report.deferred += 1
            self.block(item.network, exc)
            return
        if exc.certain_no_post:
            self.put(item.id, L.mark_failed(entry, kind=exc.kind.value, message=str(exc),
                                            now=self.now))
            self.out.item(LedgerState.FAILED, item.id, f"{exc} (tried again on the next run)")
            self.report.failed += 1
        else:
            # Ambiguous (timeout, dropped connection, 5xx, unreadable answer): the post may
            # exist. Leave "posting"; the next run looks for it and never re-posts blindly.
            self.out.item("unsure", item.id, f"{exc}: the post may exist; the next run "
                          "checks before doing anything else")
            self.report.unsettled += 1
        if exc.kind in STOP_NETWORK:
            self.block(item.network, exc)

    # --- the whole run -----------------------------------------------------------------
    def renamed(self, item: PlanItem, old_id: str) -> None:
        """The article was renamed and lost its pin: this item already went out as
        `old_id`. Never posted again; the pin sync at the end of the run restores the pin."""
        how = "the pin would be restored (dry run)" if self.options.dry_run else \
            "pin restored"
        self.out.item("renamed", item.id, f"was already sent as {old_id}; {how}")
        self.report.renamed += 1

    def execute(self) -> RunReport:
        self.track_sources()
        work: list[tuple[PlanItem, Action]] = []
        for item in self.plan.items:
            supported = item.network in self.networks
            action = decide(item, self.ledger.get(item.id), self.now, self.options, supported)
            work.append((item, action))
        # Unknown outcomes first: settle them before posting anything new. One the network
        # proved was not posted is judged afresh (and posted, when it is still in time).
        for index, (item, action) in enumerate(work):
            entry = self.ledger.get(item.id)
            if action is Action.RECONCILE and entry is not None and self.reconcile(
                    item, entry, why=Doubt.INTERRUPTED):
                work[index] = (item, decide(item, self.ledger.get(item.id), self.now,
                                            self.options, item.network in self.networks))
        due = [(i, a) for i, a in work if a is Action.POST]
        shared, plan_ids = shared_by_source(self.plan, self.ledger), set(self.plan.by_id())
        unrecorded = self.unrecorded([i for i, _ in due])
        with self.out.progress(len(due), "posting") as bar:
            for item, _ in due:
                adapter = self.networks.get(item.network)
                old_id = already_sent_as(item, plan_ids, shared)
                look = (item.source, item.network) in unrecorded
                if old_id is not None:
                    self.renamed(item, old_id)
                elif (held := self.budget.check(item, self.ledger)) is not None:
                    self.hold(item, held)
                elif self.options.dry_run:
                    if look:
                        self.out.item("check", item.id, f"would look for it on {item.network} "
                                      f"first ({Doubt.UNRECORDED})")
                    self.would_post(item)
                elif item.network in self.blocked or adapter is None:
                    self.report.deferred += 1
                elif not adapter.can_post():     # a dry run for this network alone
                    self.would_post(item)
                    self.no_credentials(item, adapter)
                elif (not look or self.look_first(item, adapter)) and \
                        (page := self.page(item)).live:
                    self.post(item, adapter, page)
                bar.advance()
        for network, reason in self.blocked.items():
            self.out.say(f"{network}: stopped posting for this run: {reason}")
        for item, action in work:
            self.account(item, action)
        if self.content is not None:
            sync_pins(self.plan, self.ledger, self.content, self.options.dry_run, self.out,
                      self.report)
        return self.report

    def account(self, item: PlanItem, action: Action) -> None:
        if action is Action.NOT_DUE:
            self.report.not_due += 1
        elif action is Action.PARKED:
            self.out.item(LedgerState.UNKNOWN, item.id, "still waiting for a person: "
                          f"`python -m publish resolve {item.id} --posted POST_ID` "
                          "or `--not-posted`")
            self.report.unknown += 1
        elif action is Action.MISSED:
            late = format_age(lateness(item, self.now))
            self.out.item(LedgerState.MISSED, item.id, f"due {format_time(item.due)}, {late} late "
                          f"(max {format_duration(self.options.max_lateness)}; "
                          "`run --post-late` posts it anyway)")
            self.report.missed += 1
            if not self.options.dry_run:
                self.ledger.put(item.id, L.mark_missed(self.ledger.get(item.id),
                                                       network=item.network, due=item.due,
                                                       now=self.now))
                self.save()
        elif action is Action.ALREADY_MISSED:
            self.report.missed += 1
        elif action is Action.UNSUPPORTED:
            self.out.item("skipped", item.id, f"no publisher for network {item.network!r}")


def run_once(plan: Plan, store: LedgerStore, networks: Mapping[str, Network | None],
             now: datetime, options: RunOptions, out: Output,
             content: Path | None = None, link_check: LinkCheck | None = None) -> RunReport:
    """Post what is due at `now`. `networks` maps a plan network name to its adapter (None
    when it cannot post: then due items are deferred). With `content` (the folder of the
    plan's `source` files) the articles' pins are written afterwards. `link_check`
    (publish.posting.linkcheck) holds back an item whose page is not live; None posts without
    checking."""
    return _Run(plan, store, networks, now, options, out, content, link_check).execute()
