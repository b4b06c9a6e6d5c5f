"""Problems found on several networks said once (campaign.posts.problems)."""


from campaign.posts.problems import merged


def test_a_problem_found_on_several_networks_is_said_once_naming_them():
    assert merged([("Social", "early", "bluesky"), ("Social_2", "long"),
                   ("Social", "early", "x"), ("Social_2", "long"), ("Social", "other", "x")]
                  ) == [("Social", "early (x, bluesky)"), ("Social_2", "long"),
                        ("Social", "other (x)")]
