"""plugins/sitemap_hreflang: pelican-sitemap 1.2.2 keeps writing a sitemap after a failed
build in the same process (the devserver rebuilds in-process)."""

import pytest
from campaign.plugin import CampaignBuildFailed

from tests.plugins.conftest import SITE_URL, run_build, write_posts

PLUGINS = ["campaign", "sitemap", "sitemap_hreflang"]
GOOD = "Title: A post\nDate: 2026-11-20 09:00\nSocial: off\n\nText.\n"


def test_a_build_after_a_failed_one_still_writes_the_sitemap(tmp_path):
    content = write_posts(tmp_path / "content", {"a.md": GOOD.replace("Title:", "Titel:")})
    with pytest.raises(CampaignBuildFailed):
        run_build(content, tmp_path / "first", PLUGINS=PLUGINS, SITEURL=SITE_URL)
    (content / "posts" / "a.md").write_text(GOOD, encoding="utf-8")
    run_build(content, tmp_path / "second", PLUGINS=PLUGINS, SITEURL=SITE_URL)
    sitemap = (tmp_path / "second" / "output" / "sitemap.xml").read_text(encoding="utf-8")
    assert f"{SITE_URL}/2026/a-post/" in sitemap
