"""The Claude data analyst of a Data Studio project (agentic analysis runs)."""

from __future__ import annotations

from typing import Any

default_handlers: list[tuple[str, Any]] = []
