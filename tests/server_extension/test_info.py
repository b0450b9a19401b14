"""``GET /orpheus/api/info`` against a real jupyter server (pytest-jupyter)."""

from __future__ import annotations

import json

import pytest
from tornado.httpclient import HTTPClientError

import orpheus


async def test_info_reports_version_and_no_account_off_hub(jp_fetch):  # type: ignore[no-untyped-def]
    r = await jp_fetch("orpheus", "api", "info")
    assert r.code == 200
    body = json.loads(r.body)
    assert body["version"] == orpheus.__version__
    assert body["account"] is None  # not under a hub: no account state to report


async def test_info_needs_authentication(jp_fetch):  # type: ignore[no-untyped-def]
    with pytest.raises(HTTPClientError) as e:
        await jp_fetch("orpheus", "api", "info", headers={"Authorization": ""})
    assert e.value.code == 403
