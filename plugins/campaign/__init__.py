"""Campaign plugin: matching social posts, coupon offers and the publish plan, from each
post's Markdown header. See docs/writing-posts.md (metadata) and docs/settings.md."""

import sys
from pathlib import Path

# What the build shares with the publisher (contract/ at the project's root, beside
# plugins/): every module of the plugin imports it as `contract`, also when the plugin is
# loaded from PLUGIN_PATHS alone (docs/contract.md §6).
_PROJECT = str(Path(__file__).resolve().parents[2])
if _PROJECT not in sys.path:
    sys.path.append(_PROJECT)

from .plugin import register  # noqa: E402

__all__ = ["register"]
