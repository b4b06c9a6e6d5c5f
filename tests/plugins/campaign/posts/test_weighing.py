"""A text's weighted length as X counts it (campaign.posts.weighing)."""


from campaign.posts.text import ELLIPSIS
from campaign.posts.weighing import weighted_length

LINK = "https://blog.listening-brands.example/2026/post/?utm_source=x&utm_medium=social"


def test_weighted_length_counts_our_link_as_23_and_ellipsis_as_2():
    assert weighted_length("hi " + LINK, (LINK,)) == 3 + 23
    assert weighted_length(ELLIPSIS) == 2
    assert weighted_length("日本") == 4
