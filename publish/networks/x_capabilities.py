"""What the publisher knows about X as plain data (no network library imported here)."""

from __future__ import annotations

from publish.networks import Capabilities

POST_CREDENTIALS = ("X_API_KEY", "X_API_SECRET", "X_ACCESS_TOKEN", "X_ACCESS_TOKEN_SECRET")
CAPABILITIES = Capabilities(
    name="x", label="X", metrics_batch=100,
    metric_names=("likes", "reposts", "replies", "quotes", "bookmarks", "impressions"),
    post_url="https://x.com/i/web/status/{post_id}",
    link_pattern=r"https://x\.com/i/web/status/(?P<post_id>[0-9]{1,19})",
    post_credentials=POST_CREDENTIALS,
    read_credentials=(("X_BEARER_TOKEN",), POST_CREDENTIALS),
    post_id_pattern=r"[0-9]{1,19}",      # a 64-bit snowflake id, in decimal
    post_id_form="1-19 digits",
)
