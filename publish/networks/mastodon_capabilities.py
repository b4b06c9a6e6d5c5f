"""What the publisher knows about Mastodon as plain data (no network library imported here).

A status link names the server and the account (`https://mastodon.social/@brand/113…`), so
only the server knows it: `post_url` is empty and the adapter returns the link the server
answers with, after checking it against `link_pattern` in full.
"""

from __future__ import annotations

from publish.networks import Capabilities

POST_CREDENTIALS = ("MASTODON_BASE_URL", "MASTODON_ACCESS_TOKEN")

# GET /api/v1/statuses?id[]=… (Mastodon ≥ 4.3) answers at most DEFAULT_STATUSES_LIMIT (20)
# ids per request; more is refused with 422 (Api::V1::StatusesController#check_statuses_limit).
METRICS_BATCH = 20

_HOST = r"[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?"
_PORT = r"(?::[0-9]{1,5})?"
# Mastodon usernames: letters, digits and underscores, dots/hyphens only inside (≤ 30).
_USERNAME = r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,28}[A-Za-z0-9_])?"
POST_ID_PATTERN = r"[0-9]{1,20}"     # a Mastodon snowflake id (64-bit), in decimal
# https only, except plain http to a loopback server (the tests' fake).
LINK_PATTERN = (rf"(?:https://{_HOST}|http://(?:127\.0\.0\.1|localhost)){_PORT}"
                rf"/@(?P<username>{_USERNAME})/(?P<post_id>{POST_ID_PATTERN})")

CAPABILITIES = Capabilities(
    name="mastodon", label="Mastodon", metrics_batch=METRICS_BATCH,
    metric_names=("favourites", "boosts", "replies"),
    post_url="",
    link_pattern=LINK_PATTERN,
    post_credentials=POST_CREDENTIALS,
    read_credentials=(POST_CREDENTIALS,),
    post_id_pattern=POST_ID_PATTERN,
    post_id_form="1-20 digits",
)
