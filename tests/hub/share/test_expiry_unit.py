"""``expires_in`` validation of the owner API: whole seconds within the limit, never an overflow."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tornado import web

from orpheus_hub.share.owner_api import expiry_delta


def test_default_and_explicit_expiry() -> None:
    assert expiry_delta(None, 24, 0) == timedelta(hours=24)
    assert expiry_delta("", 0, 0) is None  # no default: the link lives until revoked
    assert expiry_delta("3600", 24, 48) == timedelta(hours=1)


@pytest.mark.parametrize(
    ("value", "max_hours", "message"),
    [
        ("soon", 0, "whole number"),
        ("0", 0, "positive"),
        ("-5", 0, "positive"),
        (str(48 * 3600 + 1), 48, "at most 172800 seconds"),
        (str(10**14), 0, "at most 3153600000 seconds"),  # "no limit" still fits a date
    ],
)
def test_bad_expiry_is_400(value: str, max_hours: float, message: str) -> None:
    with pytest.raises(web.HTTPError) as e:
        expiry_delta(value, 24, max_hours)
    assert e.value.status_code == 400
    assert message in str(e.value.log_message)
