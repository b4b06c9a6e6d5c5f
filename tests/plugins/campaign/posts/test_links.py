"""The shared link with its tracking parameters (campaign.posts.links)."""


from campaign.posts.links import shared_link

UTM = (("utm_source", "{network}"), ("utm_medium", "social"), ("utm_campaign", "{campaign}"))




def test_shared_link_is_absolute_with_encoded_utm():
    assert shared_link("https://b.example", "2026/a-b/", UTM, "x", "listening week") == (
        "https://b.example/2026/a-b/?utm_source=x&utm_medium=social"
        "&utm_campaign=listening%20week"
    )
    assert shared_link("https://b.example/blog/", "2026/caf\u00e9/", None, "x", "c") == (
        "https://b.example/blog/2026/caf%C3%A9/"
    )


def test_the_short_cut_for_a_base_without_query_gives_the_general_answer():
    """shared_link joins the parameters to a base without "?" or "#" by hand: the same as
    splitting it, adding them to its query and joining it again, on random addresses."""
    import random
    from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

    from campaign.posts.links import article_url, shared_link, utm_params

    def general(site_url, url, utm, network, campaign):
        scheme, netloc, path, query, fragment = urlsplit(article_url(site_url, url))
        params = parse_qsl(query, keep_blank_values=True) + utm_params(utm, network, campaign)
        return urlunsplit((scheme, netloc, path, urlencode(params, quote_via=quote), fragment))

    rng = random.Random(3)
    pieces = ["a", "/", "2026", "é", " ", "%20", "?", "#", "x=1", "&", "..", ":", "@", ";",
              "{", "'", "%", "+"]
    sites = ["https://blog.example", "https://blog.example/", "https://blog.example/sub",
             "http://h:8080/x/", "https://b.example?q=1", "https://b.example#f"]
    utms = [None, (), (("utm_source", "{network}"), ("utm_campaign", "{campaign}")),
            (("a b", "c&d"),)]
    for _ in range(3000):
        url = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
        args = (rng.choice(sites), url, rng.choice(utms), rng.choice(["x", "bluesky"]),
                rng.choice(["post-1", "ü ß", ""]))
        assert shared_link(*args) == general(*args), args
