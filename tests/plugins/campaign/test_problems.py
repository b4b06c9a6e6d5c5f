"""Problems said once, one line each, naming the file and the key (campaign.problems)."""


from campaign.posts.weighing import NETWORKS
from campaign.problems import Problem, lines, merged


def test_a_problem_found_on_several_networks_is_said_once_naming_them():
    found = [Problem("early", "Social", network="bluesky"), Problem("long", "Social_2"),
             Problem("early", "Social", network="x"), Problem("long", "Social_2"),
             Problem("other", "Social", network="x")]
    assert lines(merged(found, NETWORKS)) == [
        "Social: early (x, bluesky)", "Social_2: long", "Social: other (x)"]


def test_a_problem_is_said_as_one_line_naming_its_file_and_key():
    assert Problem("missing", "Coupon_Offer", file="posts/a.md").as_line() == (
        "posts/a.md: Coupon_Offer: missing")
    assert Problem("no header", file="posts/a.md").as_line() == "posts/a.md: no header"
    assert Problem("not a header line", line=4, file="a.md").as_line() == (
        "a.md: line 4: not a header line")
    assert Problem("must be True or False", "CAMPAIGN_ALLOW_RAW_HTML").as_line() == (
        "CAMPAIGN_ALLOW_RAW_HTML: must be True or False")
