"""Pelican's command line with every warning and error as its own unwrapped line(s).

Pelican logs through rich: a message is wrapped at the console's width (80 columns without a
terminal, as in CI) and each piece carries a time and the logging call's `campaign.py:73`, so
`posts/a.md: Coupon_Expiers: unknown key (did you mean Coupon_Expires?)` reached a CI log cut
over four lines. `install` sends every warning and error to stderr as its message alone, never
wrapped (a traceback, when the record has one, follows it); everything else (progress,
`Done: …`) stays with Pelican's handler. Always, on a terminal too: a problem line is what a
person acts on, and a test or a script matches it whole.

`publish.site.build` runs Pelican as this file
(`python publish/site/pelican_lines.py PELICAN_ARGS`),
which needs nothing but Pelican on the path; `publish.site.devserver` calls `install` itself.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence


class ProblemLines(logging.Handler):
    """Warnings and errors: the message as it is, on stderr (looked up at each record, so a
    redirected or captured stderr is honoured)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
            if record.exc_info:
                text += "\n" + logging.Formatter().formatException(record.exc_info)
            sys.stderr.write(text + "\n")
            sys.stderr.flush()
        except Exception:   # logging's own convention: handleError reports it
            self.handleError(record)


def _below_warning(record: logging.LogRecord) -> bool:
    return record.levelno < logging.WARNING


def install(root: logging.Logger | None = None) -> None:
    """Route warnings and errors away from rich (once: calling again changes nothing)."""
    from rich.logging import RichHandler

    root = root or logging.getLogger()
    if any(isinstance(handler, ProblemLines) for handler in root.handlers):
        return
    for handler in root.handlers:
        if isinstance(handler, RichHandler):
            handler.addFilter(_below_warning)
    root.addHandler(ProblemLines())


def main(argv: Sequence[str] | None = None) -> None:
    """`pelican ARGV`, its logging set up as Pelican sets it, then `install`ed."""
    import pelican

    pelican_init = pelican.init_logging

    def init_logging(*args, **kwargs) -> None:
        pelican_init(*args, **kwargs)
        install()

    pelican.init_logging = init_logging     # what pelican.main() calls
    pelican.main(list(argv) if argv is not None else None)


if __name__ == "__main__":
    main()
