"""`python -m publish build`: the swap build (publish/site/build.py) from the command line."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

from publish.context import Ctx
from publish.site import build as site_build
from publish.site.build import BuildRefused

NAME = "build"
DESCRIPTION = ("build the site into a fresh folder; replace output/ and the plan only on "
               "success")
EXAMPLES = """\
Pelican runs with --fatal errors into output.new-XXXX next to the output folder; its
messages and exit status pass through unchanged. Only when it exits 0 does the new folder
replace the output folder and the new plan replace the old one. A failed build leaves both
exactly as they were.

examples:
  python -m publish build                                  # pelicanconf.py -> output/
  python -m publish build --settings publishconf.py         # the production site
  python -m publish build -e CAMPAIGN_NOW='"2026-11-22T12:00:00Z"'
  python -m publish build -- -D --relative-urls            # extra pelican options"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--settings", type=Path, default=Path("pelicanconf.py"),
                        help="Pelican settings file (default: %(default)s)")
    parser.add_argument("--output", type=Path, metavar="DIR",
                        help="output folder (default: the settings' OUTPUT_PATH)")
    parser.add_argument("--content", type=Path, metavar="DIR",
                        help="content folder (default: the settings' PATH)")
    parser.add_argument("-e", "--extra-setting", action="append", default=[],
                        metavar="KEY=JSON", dest="extra_settings",
                        help="override one setting, the value in JSON (repeatable)")
    parser.add_argument("--reuse", action="store_true",
                        help="keep the output folder when it holds exactly what a build with "
                             "these settings and options wrote (`make serve`)")
    parser.add_argument("pelican_args", nargs="*", metavar="-- PELICAN_OPTION",
                        help="further pelican options after --, e.g. -- -D --relative-urls")


def run(ctx: Ctx) -> int:
    """Pelican's exit status; a wrong request raises BuildRefused (exit 2)."""
    args = ctx.args
    result = site_build.build(args.settings, output=args.output, content=args.content,
                              extra_settings=parse_extra_settings(args.extra_settings),
                              pelican_args=args.pelican_args, reuse=args.reuse)
    (ctx.out.say if result.ok else ctx.out.error)(site_build.describe(result))
    return result.returncode


def parse_extra_settings(pairs: Sequence[str]) -> dict[str, object]:
    """`-e KEY=JSON` options → {KEY: value}; every malformed one named at once."""
    values, problems = {}, []
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            problems.append(f"-e {pair}: want KEY=VALUE")
            continue
        try:
            values[key] = json.loads(raw)
        except json.JSONDecodeError:
            problems.append(f"-e {key}: the value must be JSON (a string is '\"text\"')")
    if problems:
        raise BuildRefused("; ".join(problems))
    return values
