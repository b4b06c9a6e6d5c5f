"""One build's state: what the campaign keeps from one signal of a run to the next.

Pelican gives each signal its own objects (the Pelican instance, a generator, a reader), and
all of them share one settings dict: the state lives there, under KEY, made fresh as each
run begins (`begin`, from `get_generators`, the first signal of every run) and taken out
when the run has written the site (`end`, from `finalized`). A second build in the same
process (the tests, `pelican -lr`, the devserver) starts from a state of its own, even after
a build that failed halfway and never reached `finalized`.

The state holds the run's resolved settings (its one clock read), the post lengths it
measured (posts/lengths.py), the Markdown workers (header/prerender.py) and the plan and
next-change documents waiting for the end of a successful run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .header import prerender
from .posts import lengths
from .settings import Config, resolve

KEY = "campaign_build"  # in the settings dict (lowercase: no site sets it)


def _left_behind() -> None:
    return None


@dataclass(eq=False)
class BuildState:
    settings: dict = field(repr=False)
    lengths: lengths.Lengths
    workers: prerender.Prerendered | None = None
    # The plan document and where it goes (None: not written), kept until the site is.
    plan: tuple[str | None, dict] | None = None
    # The same for the next-change file (CAMPAIGN_NEXT_CHANGE_PATH, docs/contract.md §1.1).
    next_change: tuple[str, dict] | None = None
    _config: Config | None = field(default=None, repr=False)

    @property
    def config(self) -> Config:
        """The settings of this run, resolved (the clock read) the first time one asks."""
        if self._config is None:
            self._config = resolve(self.settings)
        return self._config

    def take_rendered(self, path: str, body: str) -> tuple[str, tuple[str, ...]] | None:
        """A worker's HTML of `body` and its raw-HTML reasons; None: the reader renders it."""
        return self.workers.take(path, body) if self.workers else None

    def stop_workers(self) -> None:
        workers, self.workers = self.workers, None
        if workers:
            workers.close()

    def __reduce__(self):
        # Pelican's content cache pickles each article with its settings, this included:
        # what a run holds (worker processes, open answers) is left behind with the run.
        return _left_behind, ()


def current(settings: dict) -> BuildState | None:
    """The state of the run these settings are in, if one has begun."""
    state = settings.get(KEY)
    return state if isinstance(state, BuildState) else None


def of(settings: dict) -> BuildState:
    """The state of the run these settings are in; a handler called outside a whole run
    (the tests call some on their own) begins one."""
    return current(settings) or begin(settings)


def begin(settings: dict) -> BuildState:
    """A fresh state for a run that begins now; whatever a run before it left is ended."""
    end(settings)
    state = BuildState(settings, lengths.start(settings), prerender.start(settings))
    settings[KEY] = state
    return state


def end(settings: dict) -> BuildState | None:
    """Take the run's state out of the settings, its workers stopped."""
    state = current(settings)
    settings.pop(KEY, None)
    if state:
        state.stop_workers()
    return state
