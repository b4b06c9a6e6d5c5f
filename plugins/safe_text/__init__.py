"""safe_text: text from headers reaches pages and feeds exactly as written.

- the `plaintext` Jinja filter: an HTML fragment (a summary, a rendered block) → plain text,
  for meta descriptions, Open Graph and Twitter cards, JSON-LD and listings;
- feeds carry titles as plain text (Pelican's writer runs them through
  `Markup(title).striptags()`, which drops `<perfect>` from `Why <perfect>`);
- the build stops when `JINJA_ENVIRONMENT` turns autoescape off.

See docs/theme.md, "Escaping".
"""

from .safe_text import register

__all__ = ["register"]
