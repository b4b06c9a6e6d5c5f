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
