"""What the approvals page shows: rows with relative times, paging links, confirmations."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from .. import views
from ..listing import FILTERS, SORTS, UserQuery, row_actions

#: What each action is called on its button, and what its confirmation says.
LABELS = {
    "approve": "Approve",
    "trial": "Extend trial",
    "revoke": "Revoke",
    "unlock": "Unlock",
    "delete": "Delete",
    "release": "Release name",
}
CONFIRM = {
    "revoke": "Revoke {name}? They are signed out, their server and tokens are stopped, "
              "and they cannot log in until approved again.",
    "delete": "Delete {name}? Their hub user and server go; the name stays reserved "
              "until you release it.",
    "release": "Release the name {name}? Whoever signs up with it next also gets what is "
               "still kept under it (home folder, share links).",
}
#: Actions that only happen after the confirmation step.
DESTRUCTIVE = tuple(CONFIRM)
COLUMNS = (
    ("name", "User"), ("email", "Email"), ("state", "State"), ("signed_up", "Signed up"),
    ("trial_end", "Trial left"), ("last_login", "Last login"),
)


def _parse(stamp: str | None) -> datetime | None:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")) if stamp else None


def moment(stamp: str | None, now: datetime) -> dict[str, str]:
    """``{"text": "3 d 2 h ago", "exact": "2026-11-25 14:03 UTC", "iso": ...}`` or empties."""
    when = _parse(stamp)
    if when is None:
        return {"text": "", "exact": "", "iso": ""}
    return {"text": views.relative(when, now), "exact": views.human_time(when), "iso": stamp or ""}


def decorate(row: dict[str, Any], own_name: str, now: datetime) -> dict[str, Any]:
    """The row with what the page shows beside the model: times and the row's actions."""
    signed_up = _parse(row.get("created_at"))
    trial_end = _parse(row.get("trial_expires_at"))
    return {
        **row,
        "signed_up": {"text": signed_up.strftime("%Y-%m-%d") if signed_up else "",
                      "exact": views.human_time(signed_up) if signed_up else "",
                      "iso": row.get("created_at") or ""},
        "trial": {"text": row.get("trial_time_left") or "",
                  "exact": f"ends {views.human_time(trial_end)}" if trial_end else "",
                  "iso": row.get("trial_expires_at") or ""},
        "seen": moment(row.get("last_seen"), now),
        "locked": moment(row.get("locked_until"), now),
        "actions": row_actions(row, own_name),
    }


@dataclass
class Pager:
    """Where the shown rows sit in the whole list, and links to move around it."""

    query: UserQuery
    page: int
    per_page: int
    total: int
    base: str
    links: dict[str, str] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        """How many pages (at least one)."""
        return max(1, -(-self.total // self.per_page))

    @property
    def first_shown(self) -> int:
        """1-based number of the first row shown (0 when none)."""
        return min(self.total, (self.page - 1) * self.per_page + 1)

    @property
    def last_shown(self) -> int:
        """1-based number of the last row shown."""
        return min(self.total, self.page * self.per_page)

    def url(self, page: int | None = None, **changes: Any) -> str:
        """The page's URL with this query, changed by ``changes`` (a new page number)."""
        params = self.query.params(**changes)
        params["page"] = str(page or self.page)
        if self.per_page != 50:
            params["per_page"] = str(self.per_page)
        if params["page"] == "1":
            del params["page"]
        return f"{self.base}?{urlencode(params)}" if params else self.base

    def sort_url(self, column: str) -> str:
        """Sort by ``column``; the current column flips its order."""
        order = "desc" if self.query.sort == column and self.query.order == "asc" else "asc"
        return self.url(page=1, sort=column, order=order)

    def aria_sort(self, column: str) -> str:
        """``ascending``/``descending`` for the sorted column, ``none`` for the others."""
        if self.query.sort != column:
            return "none"
        return "ascending" if self.query.order == "asc" else "descending"


def page_context(rows: list[dict[str, Any]], pager: Pager) -> dict[str, Any]:
    """Template variables besides the message, error and confirmation."""
    return {
        "rows": rows, "pager": pager, "query": pager.query, "columns": COLUMNS,
        "filters": FILTERS, "sorts": tuple(SORTS), "labels": LABELS,
        "destructive": DESTRUCTIVE, "form_action": pager.url(),
    }
