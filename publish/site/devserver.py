"""`make devserver` / `make regenerate`: rebuild the site on every change and keep going
after a failed build.

Pelican 4.12's own loop (`pelican -lr`) ends at the first SystemExit, which is how the
campaign plugin stops a bad build (CampaignBuildFailed keeps `make html` to one line, no
traceback), and after any other exception it rebuilds at once, over and over, without waiting
for a change. This loop says in one line that the build failed, waits for the next change
under the content folder, the theme or the settings file, and builds again; the server keeps
serving the last good site meanwhile.

    python -m publish.site.devserver [pelican options]    # the options of `pelican`

`-l/--listen` also serves the output folder (`-p 0` picks a free port); `-r` is implied.
Pelican is imported here only (a development tool next to the publisher); it never imports
the campaign plugin.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import traceback
from collections.abc import Callable, Iterable, Sequence

from pelican import DEFAULT_CONFIG_NAME, LOG_HANDLERS, get_config, get_instance, parse_arguments
from pelican.log import init as init_logging
from pelican.server import ComplexHTTPRequestHandler, RootedHTTPServer
from pelican.settings import read_settings
from pelican.utils import wait_for_changes

from publish.errors import ExitCode
from publish.site import pelican_lines as problem_lines


def failure_line(exc: BaseException) -> str:
    """One line for a failed build: a SystemExit carries its own message (the campaign
    plugin's summary); anything else is named with its type."""
    if isinstance(exc, SystemExit):
        return str(exc.code) if isinstance(exc.code, str) else f"stopped (exit {exc.code})"
    return f"{type(exc).__name__}: {exc}"


def watch(build: Callable[[], None], wait: Callable[[], Iterable[str]],
          say: Callable[[str], None], err: Callable[[str], None],
          rounds: int | None = None, debug: bool = False) -> None:
    """Build, wait for a change, build again (forever, or `rounds` times). A failed build is
    one line on `err` (after its traceback with `debug`), never the end of the loop; Ctrl-C
    (KeyboardInterrupt) is."""
    done = 0
    while rounds is None or done < rounds:
        done += 1
        try:
            build()
        except (Exception, SystemExit) as exc:
            if debug:
                err("".join(traceback.format_exception(exc)).rstrip())
            err(f"devserver: build failed: {failure_line(exc)} (waiting for a change)")
        changed = sorted(wait())
        say(f"-> Modified: {', '.join(changed)}. re-generating...")


def serve(bind: str, port: int, output: str, say: Callable[[str], None]) -> RootedHTTPServer:
    """Serve `output` from a background thread (Pelican's own handler: folder URLs)."""
    server = RootedHTTPServer(output, (bind, port), ComplexHTTPRequestHandler)
    host, real_port = server.server_address[:2]
    say(f"Serving site at: http://{host}:{real_port} - Tap CTRL-C to stop")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_arguments(argv)
    init_logging(level=args.verbosity, fatal=args.fatal, name="pelican",
                 handler=LOG_HANDLERS[args.log_handler],
                 logs_dedup_min_level=getattr(logging, args.logs_dedup_min_level))
    problem_lines.install()     # each warning and error one unwrapped line, as in a build

    def say(text: str) -> None:
        print(text, flush=True)

    def err(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    if args.settings is None and os.path.isfile(DEFAULT_CONFIG_NAME):
        args.settings = DEFAULT_CONFIG_NAME
    if args.settings is None:
        err(f"devserver: no settings file: pass -s SETTINGS (or run where {DEFAULT_CONFIG_NAME} "
            "is)")
        return ExitCode.CONFIG
    try:
        settings = read_settings(args.settings, override=get_config(args))
    except Exception as exc:
        err(f"devserver: cannot read the settings: {failure_line(exc)}")
        return ExitCode.FAILED
    if args.listen:
        try:
            serve(settings["BIND"], settings["PORT"], settings["OUTPUT_PATH"], say)
        except OSError as exc:
            err(f"devserver: cannot listen on {settings['BIND']}:{settings['PORT']}: "
                f"{exc.strerror}")
            return ExitCode.FAILED
    watched = {"settings": settings}

    def build() -> None:
        # Fresh settings and instance every time: an edited settings file takes effect.
        pelican, watched["settings"] = get_instance(args)
        pelican.run()

    def wait() -> set[str]:
        return {path for _, path in wait_for_changes(args.settings, watched["settings"])}

    say("  --- AutoReload Mode: Monitoring the content, the theme and the settings for "
        "changes. ---")
    try:
        watch(build, wait, say, err, debug=args.verbosity == logging.DEBUG)
    except KeyboardInterrupt:
        say("devserver: stopped")
    return ExitCode.OK


if __name__ == "__main__":
    sys.exit(main())
