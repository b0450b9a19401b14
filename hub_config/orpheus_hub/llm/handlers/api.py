"""``/services/llm/api/...``: whether a model is configured, usage (own and, for admins,
everyone's) and quota overrides."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from tornado import web

from ..providers import NO_KEY_MESSAGE
from ..quotas import day_start, next_midnight
from ..usage import iso, override_model
from .base import GatewayHandler

RECENT = 50


class QuotaRequest(BaseModel):
    """Body of ``PUT /api/quotas/{user}``: ``null`` (or absent) keeps that default."""

    model_config = ConfigDict(extra="forbid")
    tokens_per_day: int | None = Field(default=None, ge=0, description="0 means no limit.")
    requests_per_minute: int | None = Field(default=None, ge=0, description="0 means no limit.")


class UsageSummary:
    """Builds the usage documents from the store (shared by own and admin views)."""

    def __init__(self, handler: GatewayHandler) -> None:
        self.handler = handler
        self.gw = handler.gateway

    async def rows(self, fn: Any, *args: Any) -> Any:
        """Read after writing any queued usage rows."""
        await self.gw.flush_usage()
        return await self.handler.in_db(fn, *args)

    async def of_user(self, user: str, state: str | None) -> dict[str, Any]:
        """Today's totals by model, the limits in force and the recent requests."""
        now = datetime.now(timezone.utc)
        by_model = await self.rows(self.gw.store.totals, day_start(now), user)
        recent = await self.rows(self.gw.store.recent, user, RECENT)
        doc: dict[str, Any] = {"user": user, "today": totals(by_model), "recent": recent,
                               "resets_at": iso(next_midnight(now).replace(tzinfo=None))}
        if state is not None:
            limits = self.gw.quotas.limits(state, self.gw.overrides.get(user))
            doc["limits"] = {"tokens_per_day": limits.tokens_per_day,
                             "requests_per_minute": limits.requests_per_minute,
                             "source": limits.source}
        return doc

    async def of_everyone(self, days: int) -> dict[str, Any]:
        """Per-user totals (with a per-model breakdown) since ``days`` days before today."""
        now = datetime.now(timezone.utc)
        since = day_start(now) - timedelta(days=days - 1)
        rows = await self.rows(self.gw.store.totals, since)
        users: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            users.setdefault(row["user"], []).append(row)
        return {"since": iso(since.replace(tzinfo=None)),
                "users": [{"user": name, **totals(models)} for name, models in users.items()]}


def totals(by_model: list[dict[str, Any]]) -> dict[str, Any]:
    """Sum rows of ``UsageStore.totals`` and keep them as a per-model breakdown."""
    keys = ("requests", "input_tokens", "output_tokens")
    summed = {k: sum(int(r[k]) for r in by_model) for k in keys}
    models = [{"model": r["model"], **{k: r[k] for k in keys}} for r in by_model]
    return {**summed, "total_tokens": summed["input_tokens"] + summed["output_tokens"],
            "models": models}


class OwnUsageHandler(GatewayHandler):
    """``GET /api/usage``: the caller's own usage today, limits and recent requests."""

    async def get(self) -> None:
        """Own usage."""
        caller = await self.authenticate()
        self.write_json(await UsageSummary(self).of_user(caller.name, caller.state))


class AllUsageHandler(GatewayHandler):
    """``GET /api/usage/users?days=N`` (admins): everyone's totals."""

    async def get(self) -> None:
        """Everyone's usage over the last ``days`` days (default 1: today)."""
        await self.require_admin()
        try:
            days = int(self.get_argument("days", "1"))
        except ValueError:
            raise web.HTTPError(400, "days must be a whole number.") from None
        if not 1 <= days <= 366:
            raise web.HTTPError(400, "days must be between 1 and 366.")
        self.write_json(await UsageSummary(self).of_everyone(days))


class UserUsageHandler(GatewayHandler):
    """``GET /api/usage/users/{name}`` (admins): one user's usage."""

    async def get(self, user: str) -> None:
        """One user's usage today and recent requests."""
        await self.require_admin()
        self.write_json(await UsageSummary(self).of_user(user, None))


class QuotasHandler(GatewayHandler):
    """``GET /api/quotas`` (admins): the defaults and every override."""

    async def get(self) -> None:
        """Defaults and overrides."""
        await self.require_admin()
        q = self.gateway.quotas
        self.write_json({
            "defaults": {"trial_tokens_per_day": q.trial_tokens_per_day,
                         "approved_tokens_per_day": q.approved_tokens_per_day,
                         "requests_per_minute": q.requests_per_minute},
            "overrides": [override_model(o) for o in self.gateway.overrides.values()],
        })


class UserQuotaHandler(GatewayHandler):
    """``PUT/DELETE /api/quotas/{name}`` (admins): set or clear one user's limits."""

    async def put(self, user: str) -> None:
        """Set ``user``'s override."""
        await self.require_admin()
        body = self.parse(QuotaRequest)
        row = await self.in_db(self.gateway.store.set_override, user, body.tokens_per_day,
                               body.requests_per_minute, datetime.now(timezone.utc))
        self.gateway.overrides[user] = row
        self.gateway.log.info("Quota of %s set to %s tokens/day, %s requests/min",
                              user, body.tokens_per_day, body.requests_per_minute)
        self.write_json(override_model(row))

    async def delete(self, user: str) -> None:
        """Back to the defaults."""
        await self.require_admin()
        if not await self.in_db(self.gateway.store.delete_override, user):
            raise web.HTTPError(404, "No quota override for %s.", user[:64])
        self.gateway.overrides.pop(user, None)
        self.set_status(204)
        self.finish()


class StatusHandler(GatewayHandler):
    """``GET /api/status``: whether any model is configured, so clients can show AI as off
    before anyone types (any caller's token, gateway-only ones included)."""

    async def get(self) -> None:
        """``{"configured", "providers", "message"}``; ``message`` is null when configured."""
        await self.authenticate(gateway_token_ok=True)
        names = [name for name, p in self.gateway.providers.items() if p.configured]
        self.write_json({"configured": bool(names), "providers": names,
                         "message": None if names else NO_KEY_MESSAGE})


default_handlers = [
    (r"/api/status", StatusHandler),
    (r"/api/usage", OwnUsageHandler),
    (r"/api/usage/users", AllUsageHandler),
    (r"/api/usage/users/([^/]+)", UserUsageHandler),
    (r"/api/quotas", QuotasHandler),
    (r"/api/quotas/([^/]+)", UserQuotaHandler),
]
