"""Each social network's facts, written once for the build and the publisher
(docs/contract.md §6): its name and label, how it counts a post's length and its limit, the
numbers of its Engagement line, the form of a link to a post and of a post id, and the
environment variables that hold its credentials and settings.

Plain data, standard library only. The plugin (plugins/campaign/posts/weighing.py) measures
texts with the counting each entry names; the publisher (publish/networks/<name>/) adds what
only it knows (how many ids a metrics request takes, whether a search proves absence) and
its adapter. Adding a network starts with an entry here (docs/publisher.md, "Adding a
network").
"""

from __future__ import annotations

from dataclasses import dataclass

# How a network counts a post's length: the plugin measures with the function of that name
# (plugins/campaign/posts/weighing.py COUNTINGS).
COUNT_TWITTER_TEXT = "twitter-text"  # X's weighted count (twitter-text): a link 23, emoji, CJK 2
COUNT_MASTODON = "mastodon"  # what a reader sees (grapheme clusters), a link 23
COUNT_BLUESKY = "bluesky"  # graphemes of the text as readers see it, links shortened
COUNTINGS = (COUNT_TWITTER_TEXT, COUNT_MASTODON, COUNT_BLUESKY)


@dataclass(frozen=True)
class NetworkFacts:
    name: str                 # the plan's `network`, a Social_Networks value, the id's end
    label: str                # Engagement_<Label>, Social_<Label>, and what messages say
    counting: str             # one of COUNTINGS
    max_length: int           # the plan's `max_length`
    length_unit: str          # what it counts, for the build's messages
    length_help: str          # how it counts, for the build's messages
    length_rule: str          # how it counts, in a sentence (the publisher's previews)
    link_warning: str | None  # said of every plan item on it (all carry a link)
    metric_names: tuple[str, ...]  # the numbers of the Engagement_<Label> line, in order
    # The only form a link to a post may take (Engagement_<Label>_Posts, the ledger): it
    # becomes an href. Matched in full; its named groups give the post id (post_id_in_link).
    link_pattern: str
    link_form: str            # link_pattern in words, for messages
    post_id_pattern: str      # what a post id looks like (matched in full)
    post_id_form: str         # the same in words, for messages
    post_credentials: tuple[str, ...]             # environment variables needed to post
    read_credentials: tuple[tuple[str, ...], ...]  # alternatives, each enough to read
    secrets: tuple[str, ...]  # the credentials whose values are secret (redacted)
    # Every variable of the network starts with this: none reaches a build.
    env_prefix: str
    # A link from a post id (formatted with post_id and post_id_pattern's named groups);
    # empty when only the network knows it (Mastodon: server and account).
    post_url: str = ""
    post_id_in_link: str = "{post_id}"  # the post id from link_pattern's named groups
    # Further environment variables: (name, what it sets).
    settings: tuple[tuple[str, str], ...] = ()
    shortens_links: bool = False  # readers see each link shortened (contract/bluesky_text.py)


X_API_DEFAULT = "https://api.x.com/2"
BLUESKY_SERVICE_DEFAULT = "https://bsky.social"

_X_POST = ("X_API_KEY", "X_API_SECRET", "X_ACCESS_TOKEN", "X_ACCESS_TOKEN_SECRET")
X = NetworkFacts(
    name="x",
    label="X",
    counting=COUNT_TWITTER_TEXT,
    max_length=280,
    length_unit="weighted characters",
    length_help="every link counts 23, emoji, CJK and … count 2",
    length_rule="X's weighted count: a link counts 23, emoji and CJK 2",
    link_warning="contains a link: X charges more for posts with a link (as of 2026)",
    metric_names=("likes", "reposts", "replies", "quotes", "bookmarks", "impressions"),
    link_pattern=r"https://x\.com/i/web/status/(?P<post_id>[0-9]{1,19})",
    link_form="https://x.com/i/web/status/<1 to 19 digits>",
    post_url="https://x.com/i/web/status/{post_id}",
    post_id_pattern=r"[0-9]{1,19}",  # a 64-bit snowflake id, in decimal
    post_id_form="1-19 digits",
    post_credentials=_X_POST,
    read_credentials=(("X_BEARER_TOKEN",), _X_POST),
    secrets=(*_X_POST, "X_BEARER_TOKEN"),
    env_prefix="X_",
    settings=(("X_API_BASE_URL", f"API root, default {X_API_DEFAULT} (keep the /2)"),),
)

# Mastodon-API servers (Mastodon, GoToSocial, Takahē, Akkoma/Pleroma) each link a status
# their own way (docs/publisher.md, "Mastodon-API servers"): `/@user/ID`,
# `/users/user/statuses/ID`, `/@user/statuses/ID`, `/@user/posts/ID/`,
# `/@user@domain/posts/ID/`, `/notice/ID`. https only, except plain http to a loopback
# server (the tests' fake). Usernames: letters, digits, `_`, dots and hyphens only inside
# (≤ 30). Ids: snowflakes, ULIDs, FlakeIds: letters, digits, `_`, `-`.
_HOST = r"[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?"
_USERNAME = r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,28}[A-Za-z0-9_])?"
_STATUS_ID = r"[A-Za-z0-9_-]{1,64}"
_STATUS_PATH = (rf"/(?:@{_USERNAME}(?:@{_HOST})?/(?:statuses/|posts/)?"
                rf"|users/{_USERNAME}/statuses/|notice/)")
_MASTODON_POST = ("MASTODON_BASE_URL", "MASTODON_ACCESS_TOKEN")
MASTODON = NetworkFacts(
    name="mastodon",
    label="Mastodon",
    counting=COUNT_MASTODON,
    max_length=500,
    length_unit="characters",
    length_help="as a reader sees them; every link counts 23",
    length_rule="Mastodon's count: characters as a reader sees them, a link counts 23",
    link_warning=None,
    metric_names=("favourites", "boosts", "replies"),
    link_pattern=(rf"(?:https://{_HOST}|http://(?:127\.0\.0\.1|localhost))(?::[0-9]{{1,5}})?"
                  rf"{_STATUS_PATH}(?P<post_id>{_STATUS_ID})/?"),
    link_form="https://<server>/<the server's status path>/<status id>",
    post_id_pattern=_STATUS_ID,
    post_id_form="1-64 letters, digits, _ or -",
    post_credentials=_MASTODON_POST,
    read_credentials=(_MASTODON_POST,),
    secrets=("MASTODON_ACCESS_TOKEN",),
    env_prefix="MASTODON_",
)

# A post is a record in the account's repository; its id is the record's AT URI,
# at://<did>/app.bsky.feed.post/<rkey>. A DID of the two methods Bluesky accounts use:
# did:plc (24 base32 characters) or did:web (a host name, no port or path). The record key
# is a TID: 64 bits (top bit 0) in base32-sortable, so its first character is one of 16.
BLUESKY_DID = r"did:(?:plc:[a-z2-7]{24}|web:[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?)"
BLUESKY_TID = r"[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}"
BLUESKY_MAX_GRAPHEMES = 300  # app.bsky.feed.post's text, as readers see it
_BLUESKY_POST = ("BLUESKY_HANDLE", "BLUESKY_APP_PASSWORD")
BLUESKY = NetworkFacts(
    name="bluesky",
    label="Bluesky",
    counting=COUNT_BLUESKY,
    max_length=BLUESKY_MAX_GRAPHEMES,
    length_unit="characters",
    length_help="as a reader sees them; a link counts as the app shows it, shortened to "
                "its domain and 13 more characters and ...",
    length_rule=("Bluesky's count: characters as a reader sees them, each link shortened as "
                 "Bluesky's app shows it; at most 3,000 bytes"),
    link_warning=None,
    metric_names=("likes", "reposts", "replies", "quotes"),
    link_pattern=(rf"https://bsky\.app/profile/(?P<did>{BLUESKY_DID})"
                  rf"/post/(?P<rkey>{BLUESKY_TID})"),
    link_form="https://bsky.app/profile/<did>/post/<record key>",
    post_url="https://bsky.app/profile/{did}/post/{rkey}",
    post_id_pattern=(rf"at://(?P<did>{BLUESKY_DID})/app\.bsky\.feed\.post"
                     rf"/(?P<rkey>{BLUESKY_TID})"),
    post_id_form="an AT URI at://did:plc:…/app.bsky.feed.post/ and a 13-character record key",
    post_id_in_link="at://{did}/app.bsky.feed.post/{rkey}",
    post_credentials=_BLUESKY_POST,
    read_credentials=(_BLUESKY_POST,),
    secrets=("BLUESKY_APP_PASSWORD",),
    env_prefix="BLUESKY_",
    settings=(("BLUESKY_SERVICE_URL",
               f"the account's server (PDS), default {BLUESKY_SERVICE_DEFAULT}"),),
    shortens_links=True,
)

# Every network, in the order messages, reports and the Engagement lines list them.
NETWORKS: dict[str, NetworkFacts] = {facts.name: facts for facts in (X, MASTODON, BLUESKY)}


def secret_names() -> tuple[str, ...]:
    """Every network's secret environment variables, in network order."""
    return tuple(name for facts in NETWORKS.values() for name in facts.secrets)


def env_prefixes() -> tuple[str, ...]:
    """The prefixes of every network's environment variables."""
    return tuple(facts.env_prefix for facts in NETWORKS.values())
