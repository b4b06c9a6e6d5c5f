"""What each build wrote, so that a comparison of times is a comparison of equal work.

Plain Pelican, the default theme and ours must write the same article pages and the same
listings and feeds; only the pages named in ONLY_OURS (with why) may be ours alone. Files
that are not pages (our theme's static files, the social cards, the sitemap, the offers'
JSON) are counted apart: they are what our site adds, not a page the other side skipped.
"""

import re
from dataclasses import dataclass
from pathlib import Path

# Pages only our site writes, and why: the other side has no such page to skip.
ONLY_OURS = {
    "404.html": "our DIRECT_TEMPLATES' 404 page (the simple theme has no 404 template)",
    "offers/index.html": "the campaign plugin's offers page",
}
ARTICLE_PAGE = re.compile(r"^\d{4}/[^/]+/index\.html$")  # ARTICLE_SAVE_AS, {date:%Y}/{slug}/


class UnequalWork(AssertionError):
    """Two builds of a comparison wrote different pages: their times would not compare."""


@dataclass(frozen=True)
class Written:
    articles: int       # article pages (ARTICLE_SAVE_AS)
    pages: int          # every page (.html) and feed (.xml under feeds/) both sides wrote
    only_ours: tuple[str, ...]
    other_files: int    # ours' files besides pages and feeds (cards, sitemap, static files)


def pages_of(site: Path) -> set[str]:
    """The site's pages and feeds, as paths relative to it."""
    found = set()
    for path in site.rglob("*"):
        relative = path.relative_to(site).as_posix()
        if path.is_file() and (relative.endswith(".html") or
                               (relative.startswith("feeds/") and relative.endswith(".xml"))):
            found.add(relative)
    return found


def compare(reference: set[str], ours: set[str], what: str) -> tuple[str, ...]:
    """The pages only ours writes, once every other page is known to be on both sides; else
    UnequalWork naming every page that is on one side only."""
    problems = [f"only {what} writes {page}" for page in sorted(reference - ours)]
    extra = sorted(ours - reference)
    problems += [f"only ours writes {page}, which ONLY_OURS does not explain"
                 for page in extra if page not in ONLY_OURS]
    if problems:
        raise UnequalWork(f"ours and {what} wrote different pages ({len(problems)}): "
                          + "; ".join(problems[:20]))
    return tuple(extra)


def equal_work(plain: Path, ours: Path, others: dict[str, Path], posts: int) -> Written:
    """Assert that plain, ours and every other build wrote the same pages and every one of
    the `posts` articles (ours with only ONLY_OURS besides), and say what they wrote."""
    reference = pages_of(plain)
    our_pages = pages_of(ours)
    only_ours = compare(reference, our_pages, "plain")
    for name, site in others.items():
        compare(reference, pages_of(site) - set(ONLY_OURS), name)
    articles = sum(1 for page in reference if ARTICLE_PAGE.match(page))
    if articles != posts:
        raise UnequalWork(f"plain wrote {articles} article pages for {posts} posts: "
                          "some posts are not live")
    files = sum(1 for path in ours.rglob("*") if path.is_file())
    return Written(articles, len(reference), only_ours, files - len(our_pages))
