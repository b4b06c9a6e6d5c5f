"""Shared links: absolute production URL of the article plus UTM parameters."""

from functools import lru_cache
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit, urlunsplit

# Characters left as they are in a path (already-encoded "%XX" included).
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"
# In Shared_Urls a comma separates paths, so a comma inside one is written %2C.
_SHARED_PATH_SAFE = _PATH_SAFE.replace(",", "")


# Pure, and asked again for every network and slot of an article (about 5 times a post):
# the answer is kept for the last few thousand.
@lru_cache(maxsize=4096)
def article_url(site_url: str, url: str) -> str:
    """Absolute URL of an article from the site URL and Pelican's `article.url`."""
    base = site_url.rstrip("/") + "/"
    scheme, netloc, path, query, fragment = urlsplit(urljoin(base, url))
    return urlunsplit((scheme, netloc, quote(path, safe=_PATH_SAFE), query, fragment))


def site_path(url: str) -> str:
    """A site-relative URL (Pelican's `article.url`) as a Shared_Urls entry: percent-encoded
    as in the shared link, commas as %2C."""
    return quote(url, safe=_SHARED_PATH_SAFE)


def utm_params(utm, network: str, campaign: str) -> list[tuple[str, str]]:
    """The configured parameters with {network} and {campaign} filled in, in order."""
    if not utm:
        return []
    return [
        (name, value.replace("{network}", network).replace("{campaign}", campaign))
        for name, value in utm
    ]


@lru_cache(maxsize=4096)  # pure; `utm` is the settings' tuple of pairs (or None)
def shared_link(site_url: str, url: str, utm, network: str, campaign: str) -> str:
    base = article_url(site_url, url)
    params = utm_params(utm, network, campaign)
    if "?" not in base and "#" not in base:
        # article_url's answer is urlunsplit's: splitting it again and joining it with no
        # query of its own gives it back, and the parameters after "?" (none: no "?").
        query = urlencode(params, quote_via=quote)
        return f"{base}?{query}" if query else base
    scheme, netloc, path, query, fragment = urlsplit(base)
    params = parse_qsl(query, keep_blank_values=True) + params
    return urlunsplit((scheme, netloc, path, urlencode(params, quote_via=quote), fragment))


def forget_links() -> None:
    """Drop the remembered links (about 4,000 entries at 1000 posts): they serve one campaign
    pass, and would otherwise stay through the writing of every page."""
    article_url.cache_clear()
    shared_link.cache_clear()
