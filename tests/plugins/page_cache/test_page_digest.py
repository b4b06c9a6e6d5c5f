"""plugins/page_cache/digest.py: stable digests, the same in every process, that refuse what
they do not know and stand for articles, tags and the like by their identity."""

import datetime
import decimal
import json
import subprocess
import sys
import zoneinfo
from pathlib import Path

import pytest
from markupsafe import Markup
from page_cache.digest import Digester, Undigestable, identity
from pelican.contents import Article
from pelican.paginator import Paginator
from pelican.settings import DEFAULT_CONFIG
from pelican.urlwrappers import Tag

ROOT = Path(__file__).resolve().parents[3]
VALUES = """\
import datetime, decimal, json, zoneinfo
from markupsafe import Markup
from page_cache.digest import Digester
value = {"title": "Hæ", "html": Markup("<b>x</b>"), "n": [1, 2.5, None, True, b"\\x00"],
         "when": datetime.datetime(2026, 11, 20, 9, tzinfo=zoneinfo.ZoneInfo("Atlantic/Reykjavik")),
         "day": datetime.date(2026, 11, 20), "price": decimal.Decimal("9.90"),
         "tags": frozenset({"a", "b"}), "pair": ("x", 1)}
print(Digester().digest(value))
"""


def article(body="<p>Body</p>", title="Hello", path="posts/hello.md") -> Article:
    settings = {**DEFAULT_CONFIG, "PATH": "/site/content"}
    return Article(body, {"title": title, "date": datetime.datetime(2026, 11, 20)},
                   settings=settings, source_path=f"/site/content/{path}", context={})


def test_a_digest_is_the_same_in_another_process():
    """No addresses, no hash randomisation: PYTHONHASHSEED differs between the runs."""
    digests = {
        subprocess.run([sys.executable, "-c", VALUES], capture_output=True, text=True,
                       check=True, cwd=ROOT, env={"PYTHONPATH": f"{ROOT}/plugins",
                                                  "PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2")}
    namespace: dict = {}
    exec(VALUES.replace("print(", "result = ("), namespace)      # our own text
    assert digests == {namespace["result"] + "\n"}


def test_markup_and_str_differ_and_so_do_types_that_print_alike():
    digest = Digester().digest
    assert digest(Markup("<b>")) != digest("<b>")
    assert digest(1) != digest(1.0) != digest("1") != digest(True)
    assert digest([1, 2]) != digest((1, 2)) != digest([2, 1])
    assert digest({"a": 1, "b": 2}) == digest({"b": 2, "a": 1})
    assert digest(datetime.date(2026, 1, 2)) != digest(datetime.datetime(2026, 1, 2))
    utc = datetime.datetime(2026, 1, 2, tzinfo=datetime.UTC)
    reykjavik = datetime.datetime(2026, 1, 2, tzinfo=zoneinfo.ZoneInfo("Atlantic/Reykjavik"))
    assert utc == reykjavik and digest(utc) != digest(reykjavik)     # %Z prints them apart
    assert digest(decimal.Decimal("1.0")) != digest(decimal.Decimal("1.00"))


@pytest.mark.parametrize("value", [object(), (lambda: 1).__code__, {1: object()},
                                   [iter([1])], type("Local", (), {})()])
def test_a_value_it_does_not_know_is_refused_never_guessed(value):
    with pytest.raises(Undigestable):
        Digester().digest(value)


def test_functions_are_named_by_module_and_qualified_name():
    assert Digester().digest(json.dumps) == Digester().digest(json.dumps)
    assert Digester().digest(json.dumps) != Digester().digest(json.loads)


def test_an_article_in_a_value_is_its_identity_not_its_body_nor_its_address():
    first, second = article(), article(body="<p>Edited</p>", title="Other")
    assert identity(first) == ("Article", "posts/hello.md", "en")
    assert Digester().digest([first]) == Digester().digest([second])     # same source file
    assert Digester().digest([first]) != Digester().digest([article(path="posts/other.md")])


def test_a_tag_is_its_slug_and_the_name_it_prints():
    settings = dict(DEFAULT_CONFIG)
    assert Digester().digest(Tag("Customer service", settings)) != \
        Digester().digest(Tag("customer service", settings))     # same slug, printed apart
    assert identity(Tag("Customer service", settings)) == ("Tag", "customer-service", "")


def test_a_paginator_page_is_its_fields_and_the_pagination_settings_it_reads():
    articles = [article(path=f"posts/{n}.md") for n in range(3)]
    settings = dict(DEFAULT_CONFIG)
    page = Paginator("index.html", "", articles, settings, 2).page(1)
    again = Paginator("index.html", "", articles, dict(settings), 2).page(1)
    assert Digester().digest(page) == Digester().digest(again)
    other = {**settings, "PAGINATION_PATTERNS": [(1, "{url}", "{save_as}"),
                                                 (2, "{base_name}/p{number}/",
                                                  "{base_name}/p{number}/index.html")]}
    moved = Paginator("index.html", "", articles, other, 2).page(1)
    assert Digester().digest(page) != Digester().digest(moved)
