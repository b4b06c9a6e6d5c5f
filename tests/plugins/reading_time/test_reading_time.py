"""The reading_time plugin: minutes from the article's HTML, and its one setting."""

import pytest
from pelican import Pelican, signals
from reading_time import reading_minutes

from tests.plugins.conftest import settings_for

# settings_for: Pelican's signals are process-wide, so receivers of plugins that other tests
# loaded (campaign) fire here too, and need their settings.


def test_minutes_count_words_not_tags_and_round_up():
    assert reading_minutes("", 220) == 1
    assert reading_minutes("<p>" + "word " * 220 + "</p>", 220) == 1
    assert reading_minutes("<p>" + "word " * 221 + "</p>", 220) == 2
    assert reading_minutes('<p class="x">a</p><ul><li>b</li></ul>' * 150, 100) == 3


def test_every_article_and_translation_gets_minutes(tmp_path):
    posts = tmp_path / "content"
    posts.mkdir()
    (posts / "a.md").write_text("Title: A\nDate: 2026-11-01\nSlug: a\n\n" + "orð " * 500)
    (posts / "a-is.md").write_text("Title: Á\nDate: 2026-11-01\nSlug: a\nLang: is\n\nstutt\n")
    settings = settings_for(posts, tmp_path, PLUGINS=["reading_time"], READING_TIME_WPM=200)
    seen = {}

    def keep(generator):
        for article in generator.articles + generator.translations:
            seen[article.lang] = article.reading_minutes

    with signals.article_generator_finalized.connected_to(keep):
        Pelican(settings).run()
    assert seen == {"en": 3, "is": 1}


@pytest.mark.parametrize("value", [0, "220", 2.5, True])
def test_a_bad_setting_names_the_key(value, tmp_path):
    settings = settings_for(tmp_path, tmp_path, PLUGINS=["reading_time"], READING_TIME_WPM=value)
    with pytest.raises(SystemExit, match="READING_TIME_WPM: must be a whole number"):
        Pelican(settings)


def test_a_misspelt_reading_time_setting_is_refused(tmp_path):
    settings = settings_for(tmp_path, tmp_path, PLUGINS=["reading_time"], READING_TIME_WMP=150,
                            READING_TIME_WPM=0)
    with pytest.raises(SystemExit) as failure:
        Pelican(settings)
    assert str(failure.value.code).splitlines() == [
        "READING_TIME_WMP: unknown setting (did you mean READING_TIME_WPM?)",
        "READING_TIME_WPM: must be a whole number of words a minute, at least 1 (got 0)",
    ]
