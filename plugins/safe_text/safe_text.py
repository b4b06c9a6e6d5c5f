"""Signal receivers (module-level functions: blinker keeps only weak references)."""

from pelican import signals

from .feeds import PlainTitleWriter
from .plaintext import plaintext


class AutoescapeOff(SystemExit):
    """Pelican prints a traceback for any Exception; this ends the run with one line."""


def check_autoescape(pelican) -> None:
    if not pelican.settings.get("JINJA_ENVIRONMENT", {}).get("autoescape"):
        raise AutoescapeOff(
            "JINJA_ENVIRONMENT: autoescape is off; the theme prints header text (titles, "
            "tags, coupon offers) as plain text and needs it on: add \"autoescape\": True"
        )


def add_filter(generator) -> None:
    generator.env.filters["plaintext"] = plaintext


def get_writer(pelican):
    # Pelican uses only the first writer any plugin returns: this plugin owns get_writer.
    return PlainTitleWriter


def register() -> None:
    signals.initialized.connect(check_autoescape)
    signals.generator_init.connect(add_filter)
    signals.get_writer.connect(get_writer)
