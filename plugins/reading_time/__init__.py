"""Reading time, computed once per article and page when it is built, not in templates.

Sets `reading_minutes` (at least 1) on every article, translation, draft and page, from its
HTML with tags removed. Setting: READING_TIME_WPM (default 220 words a minute).

A template that counted words itself (`article.content|striptags|wordcount`) paid for it on
every listing an article appears in: the index, each tag, category and author page.
"""

import math
import re

from pelican import signals

DEFAULT_WPM = 220
TAG = re.compile(r"<[^>]*>")


def reading_minutes(html: str, wpm: int) -> int:
    return max(1, math.ceil(len(TAG.sub(" ", html).split()) / wpm))


def check_settings(pelican) -> None:
    wpm = pelican.settings.setdefault("READING_TIME_WPM", DEFAULT_WPM)
    if isinstance(wpm, bool) or not isinstance(wpm, int) or wpm < 1:
        raise SystemExit(f"READING_TIME_WPM: must be a whole number of words a minute, "
                         f"at least 1 (got {wpm!r})")


def set_reading_time(content) -> None:
    wpm = content.settings.get("READING_TIME_WPM", DEFAULT_WPM)
    content.reading_minutes = reading_minutes(content._content or "", wpm)


def register() -> None:
    signals.initialized.connect(check_settings)
    signals.content_object_init.connect(set_reading_time)
