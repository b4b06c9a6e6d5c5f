"""The articles with the most engagement, for the site's "Most shared" list.

From the Engagement_* header lines the publisher writes (article.engagement); one pass over
the articles and a heap of CAMPAIGN_MOST_SHARED entries, so the cost stays linear in the
number of posts.
"""

import heapq

# What counts as sharing: what people did with the posts. Impressions are views, not acts.
INTERACTIONS = ("likes", "reposts", "replies", "quotes", "bookmarks", "favourites", "boosts")


def interactions(engagement: dict) -> int:
    """The article's interactions, summed over its networks."""
    return sum(number for network in engagement.values()
               for name, number in network["metrics"] if name in INTERACTIONS)


def most_shared(articles, count: int) -> list[dict]:
    """Up to `count` articles with at least one interaction, the most first; equal counts:
    the newer first (then in the order given). Each: {"article", "interactions"}."""
    scored = ((interactions(a.engagement), a) for a in articles if a.engagement)
    top = heapq.nlargest(count, (pair for pair in scored if pair[0] > 0),
                         key=lambda pair: (pair[0], pair[1].date))
    return [{"article": article, "interactions": total} for total, article in top]
