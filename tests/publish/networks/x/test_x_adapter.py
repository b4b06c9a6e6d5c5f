"""The X adapter's pure parts: error classes, rate-limit resets, metrics
(publish.networks.x.x_adapter)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from publish.networks import ErrorKind
from publish.networks.x.x_adapter import classify, map_public_metrics, rate_limit_reset


@pytest.mark.parametrize(("status", "payload", "kind", "certain"), [
    (400, {"title": "Invalid Request", "detail": "x"}, ErrorKind.INVALID, True),
    (401, {"title": "Unauthorized", "status": 401}, ErrorKind.UNAUTHORIZED, True),
    (402, {"title": "CreditsDepleted"}, ErrorKind.OUT_OF_CREDITS, True),
    (403, {"detail": "You are not allowed to create a Tweet with duplicate content."},
     ErrorKind.DUPLICATE, False),
    (403, {"title": "Client Forbidden"}, ErrorKind.FORBIDDEN, True),
    (429, {"title": "Too Many Requests"}, ErrorKind.RATE_LIMITED, True),
    (500, {"title": "Internal"}, ErrorKind.SERVER, False),
    (503, "Unknown error: b'<html>'", ErrorKind.SERVER, False),
    (201, "Unknown error: b'{'", ErrorKind.MALFORMED, False),
    (None, {"status": 401, "title": "Unauthorized"}, ErrorKind.UNAUTHORIZED, True),
])
def test_classify(status, payload, kind, certain):
    error = classify(status, payload)
    assert error.kind is kind
    assert error.certain_no_post is certain


def test_an_error_text_from_x_is_one_printable_line():
    """It is printed on a terminal and stored in the ledger: no line breaks, no escape
    sequences, no bidi overrides, and not longer than 200 characters."""
    error = classify(403, {"title": "Forbidden", "detail": "line one\nline\x1b[31m two\u202e"})
    assert error.message == "Forbidden: line one line [31m two"
    assert len(classify(400, {"detail": "x" * 500}).message) == 201
    assert classify(400, {"detail": "\n\t"}).message == "error without detail"


def test_rate_limit_reset_prefers_the_exhausted_24h_bucket():
    headers = {"x-rate-limit-remaining": "5", "x-rate-limit-reset": "1800000000",
               "x-user-limit-24hour-remaining": "0", "x-user-limit-24hour-reset": "1800050000"}
    assert rate_limit_reset(headers) == datetime.fromtimestamp(1800050000, UTC)
    assert rate_limit_reset({"x-rate-limit-reset": "1800000000"}) == \
        datetime.fromtimestamp(1800000000, UTC)
    assert rate_limit_reset({}) is None


def test_public_metrics_mapping():
    raw = {"like_count": 1, "retweet_count": 2, "reply_count": 3, "quote_count": 4,
           "bookmark_count": 5, "impression_count": 6}
    assert map_public_metrics(raw) == {"likes": 1, "reposts": 2, "replies": 3, "quotes": 4,
                                       "bookmarks": 5, "impressions": 6}
    raw2 = dict(raw)
    raw2["repost_count"] = raw2.pop("retweet_count")
    assert map_public_metrics(raw2)["reposts"] == 2
    assert map_public_metrics({"like_count": "many"}) is None
    assert map_public_metrics(None) is None
