"""The users list an admin works in: search, state filter, sort and paging.

Shared by the approvals page (``/hub/approvals?q=&state=&sort=&order=&page=&per_page=``)
and the admin REST API (``/hub/api/orpheus/users?q=&state=&sort=&order=&offset=&limit=``),
so both answer the same rows in the same order. Every parameter is checked: anything
unusable is a 400 naming the parameter and what it takes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from tornado import web

from .models import APPROVED, DELETED, EXPIRED, REVOKED, TRIAL

#: ``state=`` values: the account states, plus ``locked`` (failed logins) and ``admin``.
FILTERS = ("all", TRIAL, EXPIRED, APPROVED, REVOKED, DELETED, "locked", "admin")
#: ``sort=`` values and the model field each sorts on.
SORTS: dict[str, str] = {
    "name": "name",
    "email": "email",
    "state": "state",
    "signed_up": "created_at",
    "last_login": "last_seen",
    "trial_end": "trial_expires_at",
}
ORDERS = ("asc", "desc")
MAX_QUERY = 100
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 500


@dataclass(frozen=True)
class UserQuery:
    """One request for a slice of the users list."""

    q: str = ""
    state: str = "all"
    sort: str = "name"
    order: str = "asc"
    offset: int = 0
    limit: int | None = None

    def params(self, **changes: Any) -> dict[str, str]:
        """The page's query parameters for this query with ``changes`` (defaults left out)."""
        query = replace(self, **{k: v for k, v in changes.items() if k in self.__dataclass_fields__})
        out = {"q": query.q, "state": query.state, "sort": query.sort, "order": query.order}
        defaults = {"q": "", "state": "all", "sort": "name", "order": "asc"}
        return {k: v for k, v in out.items() if v != defaults[k]}


Getter = Callable[[str], "str | None"]


def _choice(get: Getter, name: str, allowed: tuple[str, ...], default: str) -> str:
    raw = get(name)
    if raw is None or raw == "":
        return default
    if raw not in allowed:
        raise web.HTTPError(400, f"{name} must be one of {', '.join(allowed)}, not {raw[:40]!r}")
    return raw


def _whole(get: Getter, name: str, default: int | None, low: int, high: int) -> int | None:
    raw = get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise web.HTTPError(400, f"{name} must be a whole number, not {raw[:40]!r}") from None
    if not low <= value <= high:
        raise web.HTTPError(400, f"{name} must be between {low} and {high}")
    return value


def _base(get: Getter) -> UserQuery:
    q = (get("q") or "").strip()
    if len(q) > MAX_QUERY:
        raise web.HTTPError(400, f"q is longer than {MAX_QUERY} characters")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in q):
        raise web.HTTPError(400, "q contains control characters")
    return UserQuery(
        q=q,
        state=_choice(get, "state", FILTERS, "all"),
        sort=_choice(get, "sort", tuple(SORTS), "name"),
        order=_choice(get, "order", ORDERS, "asc"),
    )


def api_query(get: Getter) -> UserQuery:
    """The REST API's query: ``offset`` (default 0) and ``limit`` (default: every row)."""
    offset = _whole(get, "offset", 0, 0, 10**9) or 0
    limit = _whole(get, "limit", None, 1, MAX_PER_PAGE)
    return replace(_base(get), offset=offset, limit=limit)


def page_query(get: Getter) -> tuple[UserQuery, int]:
    """The page's query and its 1-based page number (``page``, ``per_page``)."""
    page = _whole(get, "page", 1, 1, 10**6) or 1
    per_page = _whole(get, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE) or DEFAULT_PER_PAGE
    return replace(_base(get), offset=(page - 1) * per_page, limit=per_page), page


def _matches(row: dict[str, Any], query: UserQuery) -> bool:
    if query.q:
        needle = query.q.casefold()
        if needle not in row["name"].casefold() and needle not in (row.get("email") or "").casefold():
            return False
    if query.state == "locked":
        return bool(row.get("locked_until"))
    if query.state == "admin":
        return bool(row.get("is_admin"))
    return query.state == "all" or row["state"] == query.state


def _sort_key(field: str) -> Callable[[dict[str, Any]], tuple[int, str]]:
    def key(row: dict[str, Any]) -> tuple[int, str]:
        value = row.get(field)
        # Empty values (no email, never logged in) go last whichever the order.
        return (0, str(value).casefold()) if value else (1, "")

    return key


def select(rows: list[dict[str, Any]], query: UserQuery) -> tuple[list[dict[str, Any]], int]:
    """``(the slice, how many rows match)``: filtered, sorted (name breaks ties), sliced."""
    for row in rows:
        row["last_seen"] = row.get("last_login_at") or row.get("last_activity")
    found = [r for r in rows if _matches(r, query)]
    found.sort(key=lambda r: r["name"])
    field = SORTS[query.sort]
    filled = [r for r in found if r.get(field)]
    empty = [r for r in found if not r.get(field)]
    filled.sort(key=_sort_key(field), reverse=query.order == "desc")
    ordered = filled + empty
    end = None if query.limit is None else query.offset + query.limit
    return ordered[query.offset:end], len(ordered)


def row_actions(row: dict[str, Any], own_name: str) -> list[str]:
    """The actions that make sense for a row, in button order.

    A deleted name can only be released; approve is for trial, expired and revoked
    users who are not admins (or revoked admins); revoke for anyone not revoked but
    oneself; unlock only while failed logins lock the name; delete for anyone but oneself.
    """
    state, own = row["state"], row["name"] == own_name
    if state == DELETED:
        actions = ["release"]
    else:
        actions = []
        if state == REVOKED or (state in (TRIAL, EXPIRED) and not row.get("is_admin")):
            actions.append("approve")
        if state in (TRIAL, EXPIRED):
            actions.append("trial")
        if state != REVOKED and not own:
            actions.append("revoke")
    if row.get("locked_until"):
        actions.append("unlock")
    if state != DELETED and not own:
        actions.append("delete")
    return actions
