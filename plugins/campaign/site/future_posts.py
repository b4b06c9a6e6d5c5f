"""Scheduled articles: an article dated after the build's `now` is not live yet.

`CAMPAIGN_FUTURE_POSTS = "hide"` (production) takes such articles, and hidden ones, out of
the generator's lists before Pelican builds categories, tags, authors, archives, feeds and
pages from them (the `article_generator_pretaxonomy` signal), so nothing of them is written,
not even as a draft; the articles that stay are paired with their translations again, so
no page links to a language version that is not live. `"show"` (development) keeps them
listed. Either way every article gets `article.scheduled` (True when dated after `now`), and
the withheld ones are kept in `generator.withheld_articles` for the plan: their social
posts are never due before the article's date, so the build that puts the page live is the
one whose plan makes them due.
"""

from datetime import datetime

from pelican.utils import order_content, process_translations

# (listed, translations) attribute pairs of a Pelican ArticlesGenerator that are written.
WRITTEN_LISTS = (("articles", "translations"), ("hidden_articles", "hidden_translations"))
ALL_LISTS = (*(name for pair in WRITTEN_LISTS for name in pair), "drafts",
             "drafts_translations")


def is_scheduled(article, now: datetime) -> bool:
    """Dated after `now`. Articles without an aware date (drafts without one) never are."""
    date = getattr(article, "date", None)
    return isinstance(date, datetime) and date.tzinfo is not None and date > now


def withhold(generator, now: datetime) -> list:
    """Remove every published or hidden article dated after `now` from the generator's lists,
    and pair what stays again (Pelican's own pairing: a translation whose original is
    withheld becomes an original itself). Returns the withheld articles."""
    settings = generator.settings
    withheld = []
    for listed, translations in WRITTEN_LISTS:
        everything = getattr(generator, listed) + getattr(generator, translations)
        later = [article for article in everything if is_scheduled(article, now)]
        if not later:
            continue
        live = [article for article in everything if not is_scheduled(article, now)]
        originals, others = process_translations(
            live, translation_id=settings["ARTICLE_TRANSLATION_ID"])
        setattr(generator, listed, order_content(originals, settings["ARTICLE_ORDER_BY"]))
        setattr(generator, translations, others)
        withheld += later
    return withheld


def apply(generator, now: datetime, future_posts: str) -> None:
    """Set `article.scheduled` on every article, and with "hide" withhold the scheduled ones
    (kept in `generator.withheld_articles`; empty with "show")."""
    withheld = withhold(generator, now) if future_posts == "hide" else []
    generator.withheld_articles = withheld
    for name in ALL_LISTS:
        for article in getattr(generator, name):
            article.scheduled = is_scheduled(article, now)
    for article in withheld:
        article.scheduled = True


def planned(generator) -> list:
    """Withheld articles whose social posts belong in the plan: the published ones (a hidden
    article never posts, live or not)."""
    return [article for article in generator.withheld_articles
            if article.status == "published"]
