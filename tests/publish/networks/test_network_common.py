"""What every network adapter shares: the timeout setting (publish.networks.common)."""

from __future__ import annotations

import pytest

from publish.networks.common import parse_timeout


def test_timeout_parsing():
    assert parse_timeout(None) == (5.0, 30.0)
    assert parse_timeout("3") == (3.0, 3.0)
    with pytest.raises(ValueError):
        parse_timeout("0,1")
