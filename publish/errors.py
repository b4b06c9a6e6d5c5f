"""The publisher's exit codes, and the one base class of its errors, which carries its code.

`publish.cli.main` catches PublishError once and exits with `exc.exit_code`; the cycle
(publish/commands/cycle_order.py) catches it once per step and makes it that step's line and code.
No other module maps an error to an exit code. The codes are documented in docs/publisher.md
("Exit codes") and `python -m publish --help`.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    FAILED = 1        # some items failed (tried again on the next run), a deploy failed
    CONFIG = 2        # bad configuration or usage, a failed build: fix the input
    UNKNOWN = 3       # items parked as `unknown` need a person (`publish resolve`)
    LOCKED = 4        # another publisher holds the lock: nothing was done
    INTERRUPTED = 130  # Ctrl-C (128 + SIGINT, as a shell reports it)


class PublishError(Exception):
    """Every error the publisher raises. Subclasses set `exit_code` (a class attribute, or a
    property when it depends on the instance, as NetworkError's kind does). The message may
    hold several problems, one a line: all of them are shown."""

    exit_code: ExitCode = ExitCode.FAILED

    def problem_lines(self) -> list[str]:
        """Each problem, one a line (what `main` prints after `publish: `)."""
        return str(self).splitlines() or [type(self).__name__]

    def lines(self, command: str = "") -> list[str]:
        """What `command` prints on stderr for it (main: nothing caught it before)."""
        return [f"publish: {problem}" for problem in self.problem_lines()]

    def step_line(self) -> str:
        """The same in one line, for a cycle step (`cycle: STEP: …`)."""
        return "; ".join(self.problem_lines())


class ConfigError(PublishError):
    """Bad configuration, usage or input file: nothing was done; fix it (exit 2)."""

    exit_code = ExitCode.CONFIG


class UsageError(ConfigError):
    """A wrong option or combination of options, found before anything was done."""
