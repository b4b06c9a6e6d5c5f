"""What a planned post is estimated to cost to send: the one function both the diff
(`python -m publish diff`) and, later, the monthly budget ask.

PLACEHOLDER, marked so: the engineer adding X prices and a monthly budget (`costs`) owns this
module and replaces it with the full price list. Until then, X's pay-per-use prices as of
2026-08 (X developer docs, "Pricing" page): a post whose text carries a link costs $0.20, any
other post $0.015. Mastodon and Bluesky cost nothing to post. Pure; imports neither side.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

AS_OF = "2026-08"
SOURCE = "X developer docs, Pricing page"
X_POST_WITH_LINK_USD = 0.20
X_POST_USD = 0.015
_LINK = re.compile(r"https?://", re.IGNORECASE)


def estimated_cost_usd(item: object) -> float:
    """The estimated price in US dollars of posting `item` once: a plan item as the plan
    file has it (a mapping with `network` and `text`) or an object with those attributes."""
    if isinstance(item, Mapping):
        network, text = item.get("network"), item.get("text")
    else:
        network, text = getattr(item, "network", None), getattr(item, "text", None)
    if network != "x":
        return 0.0
    return X_POST_WITH_LINK_USD if _LINK.search(str(text or "")) else X_POST_USD
