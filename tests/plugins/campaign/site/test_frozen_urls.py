"""campaign.frozen_urls: each URL worked out once, the same URL as Pelican's."""

from types import SimpleNamespace

from campaign.site.frozen_urls import contents_of, freeze
from pelican.contents import Article, Page
from pelican.settings import DEFAULT_CONFIG
from pelican.utils import SafeDatetime


def _article(slug, lang="en", **metadata):
    settings = {**DEFAULT_CONFIG, "ARTICLE_URL": "{date:%Y}/{slug}/",
                "ARTICLE_LANG_URL": "{lang}/{date:%Y}/{slug}/"}
    return Article("<p>x</p>", settings=settings, source_path=f"/c/posts/{slug}.md",
                   metadata={"title": slug, "slug": slug, "lang": lang,
                             "date": SafeDatetime(2026, 11, 20, 9), **metadata})


def test_a_frozen_url_is_pelicans_and_is_worked_out_once(monkeypatch):
    english, icelandic = _article("answering"), _article("answering", lang="is")
    expected = [english.url, icelandic.url]
    assert expected == ["2026/answering/", "is/2026/answering/"]
    freeze([english, icelandic])
    calls = []
    real = Article._expand_settings
    monkeypatch.setattr(Article, "_expand_settings",
                        lambda self, *a, **k: calls.append(a) or real(self, *a, **k))
    assert [english.url for _ in range(5)][-1] == expected[0]
    assert icelandic.url == expected[1]
    assert calls == []                      # no formatting after the freeze
    assert english.save_as == "answering.html"  # save_as is not frozen (ARTICLE_SAVE_AS)
    assert not hasattr(english, "override_save_as")


def test_an_own_url_header_is_kept_and_every_list_is_covered():
    own = _article("own", url="elsewhere/")
    freeze([own])
    assert own.url == "elsewhere/"
    page = Page("<p>x</p>", settings={**DEFAULT_CONFIG}, source_path="/c/pages/about.md",
                metadata={"title": "About", "slug": "about"})
    articles = SimpleNamespace(articles=[own], translations=[], hidden_articles=[],
                               drafts=[own])
    pages = SimpleNamespace(pages=[page], hidden_pages=[], draft_pages=[])
    assert contents_of([articles, pages, object()]) == [own, page]
