"""What a site build is made from: the one definition every "is the build current?" question
uses. `plan` and `status` compare the plan's age with these files (publish/site/freshness.py);
the cycle hashes them into its stamp (publish/site/fingerprint.py, publish/site/stamp.py) and
keys the content cache on them (publish/site/contentcache.py). A file that is an input for
one is an input for all.

Pure: names and paths only; the callers read the files. Details: docs/publisher.md,
"Skipping a build"."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

# Next to the settings file, read by every build: the theme, the plugins, what the plugin
# and the publisher share, and the pinned packages. Every `*.py` there is an input too (the
# settings files import each other).
BESIDE_SETTINGS = ("theme", "plugins", "contract", "requirements.txt")
SETTINGS_SUFFIX = ".py"

# Environment variables a build may depend on (the locale formats dates; a settings file
# may read SITEURL or a PELICAN_*/CAMPAIGN_* variable). Others (CI run ids, credentials)
# never reach the site.
ENV_NAMES = ("LANG", "LANGUAGE", "TZ", "SITEURL", "PYTHONPATH", "PYTHONHASHSEED",
             "PYTHONUTF8")
ENV_PREFIXES = ("LC_", "PELICAN", "CAMPAIGN_", "SOCIAL_CARDS", "SITEMAP", "READING_TIME")

# Settings the publisher sets for every build that change from run to run: not inputs.
NOT_INPUTS = ("CAMPAIGN_NOW", "CAMPAIGN_NEXT_CHANGE_PATH")

# Byte code and editor or VCS leftovers are not sources.
SKIPPED_DIRS = frozenset({"__pycache__", ".git", ".hg", ".svn", ".mypy_cache", ".ruff_cache",
                          ".pytest_cache"})
SKIPPED_SUFFIXES = (".pyc", "~")


def skipped_dir(name: str) -> bool:
    return name in SKIPPED_DIRS


def skipped_file(name: str) -> bool:
    return name.endswith(SKIPPED_SUFFIXES)


def roots(settings: Path, content: Path | None, beside: Iterable[str], publisher: Path
          ) -> list[Path]:
    """Every file or folder a build of `settings` reads, absolute and sorted: the settings
    file, every `*.py` beside it (`beside`: the names in its folder), BESIDE_SETTINGS, the
    publisher's own code (`publisher`: it runs the build) and the content folder. The
    folders a build reports reading beyond these (a THEME or PLUGIN_PATHS elsewhere) are
    added by the cycle from its stamp (publish/site/stamp.py, `roots`)."""
    settings = _absolute(settings)
    here = settings.parent
    found = {settings, _absolute(publisher)}
    found.update(here / name for name in beside if name.endswith(SETTINGS_SUFFIX))
    found.update(here / name for name in BESIDE_SETTINGS)
    if content is not None:
        found.add(_absolute(content))
    return sorted(found)


def environment(env: Iterable[str]) -> list[str]:
    """The names in `env` a build may read (ENV_NAMES, ENV_PREFIXES), sorted."""
    return sorted(key for key in env if key in ENV_NAMES or key.startswith(ENV_PREFIXES))


def options(extra: dict[str, object]) -> dict[str, object]:
    """The `-e` overrides that are inputs (sorted; NOT_INPUTS left out)."""
    return {key: value for key, value in sorted(extra.items()) if key not in NOT_INPUTS}


def _absolute(path: Path) -> Path:
    # Not resolve(): a symlinked folder is named as the caller named it.
    return Path(os.path.abspath(path))
