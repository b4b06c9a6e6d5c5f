"""Reading time, computed once per article and page when it is built, not in templates.

Sets `reading_minutes` (at least 1) on every article, translation, draft and page, from its
HTML with tags removed. Setting: READING_TIME_WPM (default 220 words a minute).

A template that counted words itself (`article.content|striptags|wordcount`) paid for it on
every listing an article appears in: the index, each tag, category and author page.
"""

import difflib
import math
import re

from pelican import signals

DEFAULT_WPM = 220
PREFIX = "READING_TIME_"
SETTINGS = ("READING_TIME_WPM",)
TAG = re.compile(r"<[^>]*>")


def reading_minutes(html: str, wpm: int) -> int:
    return max(1, math.ceil(len(TAG.sub(" ", html).split()) / wpm))


def setting_problems(settings: dict) -> list[str]:
    """Every problem with the READING_TIME_* settings, as "SETTING: reason". A misspelt
    name would be ignored silently, leaving the default in effect: it is a problem too."""
    problems = []
    for name in sorted(k for k in settings if isinstance(k, str) and k.startswith(PREFIX)):
        if name not in SETTINGS:
            hint = difflib.get_close_matches(name, SETTINGS, n=1, cutoff=0.6)
            problems.append(f"{name}: unknown setting" + (
                f" (did you mean {hint[0]}?)" if hint else f" (the only one is {SETTINGS[0]})"))
    wpm = settings.get("READING_TIME_WPM", DEFAULT_WPM)
    if isinstance(wpm, bool) or not isinstance(wpm, int) or wpm < 1:
        problems.append(f"READING_TIME_WPM: must be a whole number of words a minute, "
                        f"at least 1 (got {wpm!r})")
    return problems


def check_settings(pelican) -> None:
    pelican.settings.setdefault("READING_TIME_WPM", DEFAULT_WPM)
    problems = setting_problems(pelican.settings)
    if problems:  # one line each; SystemExit: exit status 1 without a traceback
        raise SystemExit("\n".join(problems))


def set_reading_time(content) -> None:
    wpm = content.settings.get("READING_TIME_WPM", DEFAULT_WPM)
    content.reading_minutes = reading_minutes(content._content or "", wpm)


def register() -> None:
    signals.initialized.connect(check_settings)
    signals.content_object_init.connect(set_reading_time)
