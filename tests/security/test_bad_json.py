"""Non-JSON number constants (NaN, Infinity) are a 400 everywhere, never a 500."""

from __future__ import annotations

import json
from typing import Any

import pytest


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (("orpheus", "api", "sessions"), b'{"title": "t", "cols": Infinity, "rows": 30}'),
        (("orpheus", "api", "projects"), b'{"name": "p", "description": NaN}'),
        (("orpheus", "api", "projects", "p", "video", "render"), b'{"scene": -Infinity}'),
    ],
)
async def test_nan_and_infinity_are_refused(jp_fetch: Any, path: tuple[str, ...], body: bytes) -> None:
    r = await jp_fetch(*path, method="POST", body=body, raise_error=False,
                       headers={"Content-Type": "application/json"})
    assert r.code == 400, r.body
    assert "is not a JSON number" in json.loads(r.body)["message"]
