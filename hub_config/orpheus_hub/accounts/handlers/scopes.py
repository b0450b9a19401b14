"""Scope checks: a typed face for JupyterHub's ``needs_scope`` decorator (the hub ships no
type hints), and ``require_any_scope`` for custom scopes, which ``needs_scope`` cannot
name at import time (it validates them before the hub loads ``custom_scopes``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from jupyterhub.scopes import has_scope
from jupyterhub.scopes import needs_scope as _needs_scope
from tornado import web

F = TypeVar("F", bound=Callable[..., Any])
#: Custom hub scope (defined in jupyterhub_config.py) to read any user's account state.
ACCOUNT_STATE_SCOPE = "custom:orpheus:account-state"


def needs_scope(*scopes: str) -> Callable[[F], F]:
    """``jupyterhub.scopes.needs_scope``, keeping the decorated function's signature."""
    return cast(Callable[[F], F], _needs_scope(*scopes))


def require_any_scope(handler: Any, user_name: str, *scopes: str) -> None:
    """403 unless the caller holds one of ``scopes`` for ``user_name`` (or for all users).

    Like ``needs_scope`` with several scopes, any one suffices; unlike it, an unknown
    scope name is simply not held, and a filtered grant for another user is a 403 (not
    the 404 ``needs_scope`` answers), so the answer does not depend on who exists.
    """
    if not handler.current_user:
        raise web.HTTPError(403, "Missing or invalid credentials.")
    parsed = getattr(handler, "parsed_scopes", None) or {}
    for scope in scopes:
        if has_scope(f"{scope}!user={user_name}", parsed, db=handler.db):
            return
    raise web.HTTPError(403, f"Action is not authorized with current scopes; requires any of [{', '.join(scopes)}]")


def require_unfiltered_scope(handler: Any, *scopes: str) -> None:
    """403 unless the caller holds one of ``scopes`` for every user (no filter)."""
    if not handler.current_user:
        raise web.HTTPError(403, "Missing or invalid credentials.")
    parsed = getattr(handler, "parsed_scopes", None) or {}
    if not any(has_scope(scope, parsed) for scope in scopes):
        raise web.HTTPError(
            403, f"Action is not authorized with current scopes; requires any of [{', '.join(scopes)}]")
