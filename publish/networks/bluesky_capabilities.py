"""What the publisher knows about Bluesky as plain data (no network library imported here).

A post is a record in the account's repository; its id is the record's AT URI,
at://<did>/app.bsky.feed.post/<rkey>, where the record key is a TID (13 characters of the
base32-sortable alphabet). Both forms are tight: the id and the link become an href.
"""

from __future__ import annotations

from publish.networks import Capabilities

POST_CREDENTIALS = ("BLUESKY_HANDLE", "BLUESKY_APP_PASSWORD")
# A DID of the two methods Bluesky accounts use: did:plc (24 base32 characters) or did:web
# (a host name, no port or path).
DID = r"did:(?:plc:[a-z2-7]{24}|web:[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?)"
# A TID: 64 bits (top bit 0) in base32-sortable, so the first character is one of 16.
TID = r"[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}"
COLLECTION = "app.bsky.feed.post"

CAPABILITIES = Capabilities(
    name="bluesky", label="Bluesky", metrics_batch=25,       # app.bsky.feed.getPosts limit
    metric_names=("likes", "reposts", "replies", "quotes"),
    post_url="https://bsky.app/profile/{did}/post/{rkey}",
    link_pattern=rf"https://bsky\.app/profile/(?P<did>{DID})/post/(?P<rkey>{TID})",
    post_id_in_link="at://{did}/app.bsky.feed.post/{rkey}",
    post_credentials=POST_CREDENTIALS,
    read_credentials=(POST_CREDENTIALS,),
    post_id_pattern=rf"at://(?P<did>{DID})/app\.bsky\.feed\.post/(?P<rkey>{TID})",
    post_id_form="an AT URI at://did:plc:…/app.bsky.feed.post/ and a 13-character record key",
)
