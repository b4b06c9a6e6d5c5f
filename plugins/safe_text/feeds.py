"""A Pelican writer whose feeds carry titles as plain text, exactly.

Pelican's `Writer` reads every title as HTML: `Markup(item.title).striptags()` drops
`<perfect>` from the title `Why "fast" beats <perfect> & more`, and decodes entities, so
`&lt;b&gt;` written in a header would reach the feed as `<b>`. Titles are plain text here
(docs/theme.md, "Escaping"): the feed gets them as they are, and feedgenerator escapes them
for XML like any other text. Everything else is Pelican's.
"""

from pelican.writers import Writer


def feed_title(sitename, title) -> str:
    """What Pelican names a feed: the site, then the category, tag or author, if any."""
    return f"{sitename} - {title}" if title else str(sitename)


class PlainTitleWriter(Writer):
    def _create_new_feed(self, feed_type, feed_title_text, context):
        feed = super()._create_new_feed(feed_type, feed_title_text, context)
        feed.feed["title"] = feed_title(context["SITENAME"], feed_title_text)
        return feed

    def _add_item_to_the_feed(self, feed, item):
        super()._add_item_to_the_feed(feed, item)
        feed.items[-1]["title"] = str(item.title)  # add_item appends: this is the new item
