"""JSON request bodies validated by pydantic models (hub API and services alike)."""

from __future__ import annotations

import json
from typing import TypeVar

from pydantic import BaseModel, ValidationError
from tornado import web

M = TypeVar("M", bound=BaseModel)


def parse_body(body: bytes, model: type[M]) -> M:
    """``body`` as ``model``; any problem is a 400 naming the field."""
    raw = body.strip()
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        raise web.HTTPError(400, "The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise web.HTTPError(400, "The request body must be a JSON object.")
    try:
        return model.model_validate(data)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "body"
        raise web.HTTPError(400, "Invalid %s: %s.", where, first["msg"]) from None
