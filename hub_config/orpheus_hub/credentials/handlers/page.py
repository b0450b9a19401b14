"""``/hub/credentials``: the admin page of the credential sets. GET renders, POST (with
``_xsrf``) applies one action. Values are typed in, never shown again."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from jupyterhub import orm
from jupyterhub.handlers.base import BaseHandler
from pydantic import ValidationError
from tornado import web

from ...accounts.handlers.approvals_view import moment
from ..admin import CredentialAdmin
from ..rules import CreateBody, UpdateBody, Values
from .access import require_admin

ACTIONS = ("create", "rotate", "delete", "grant", "revoke", "trial")


def parse_variables(text: str) -> dict[str, str]:
    """``NAME=value`` lines (blank lines skipped) as a dict; 400 naming the line number."""
    variables: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name, sep, value = line.partition("=")
        if not sep:
            raise web.HTTPError(400, f"Variables, line {number}: expected NAME=value.")
        variables[name.strip()] = value.rstrip("\r")
    return variables


def parse_file(text: str) -> Any:
    """The JSON file field (empty: no file); 400 when it is not JSON."""
    if not text.strip():
        return None
    try:
        return json.loads(text)
    except ValueError:
        raise web.HTTPError(400, "The file content is not valid JSON.") from None


def validated(model: type[Any], data: dict[str, Any]) -> Any:
    """``data`` as ``model``; 400 naming the field (never the value)."""
    try:
        return model.model_validate(data)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "form"
        raise web.HTTPError(400, f"Invalid {where}: {first['msg']}.") from None


class CredentialsPageHandler(BaseHandler):  # type: ignore[misc]
    """Sets with their variable names, fingerprint, rotation time and groups; the forms."""

    async def _render(self, message: str = "", error: str = "", status: int = 200) -> None:
        admin = CredentialAdmin(self)
        now = datetime.now(timezone.utc)
        listed = [s.to_json() for s in await admin.list_sets()] if admin.vault.enabled else []
        sets = [{**s, "rotated": moment(s["rotated_at"], now)} for s in listed]
        groups = sorted(g.name for g in self.db.query(orm.Group))
        self.set_status(status)
        html = await self.render_template(
            "credentials.html", sets=sets, groups=groups, message=message, error=error,
            disabled=None if admin.vault.enabled else admin.vault.disabled_reason)
        self.finish(html)

    @web.authenticated
    async def get(self) -> None:
        """The page (409 with the reason while the feature is off)."""
        await require_admin(self)
        admin = CredentialAdmin(self)
        await self._render(status=200 if admin.vault.enabled else 409)

    @web.authenticated
    async def post(self) -> None:
        """One action, then the page again with what happened."""
        await require_admin(self)
        try:
            message = await self._act(self.get_body_argument("action", ""))
        except web.HTTPError as e:
            await self._render(error=e.log_message or "Request refused.", status=e.status_code)
            return
        await self._render(message=message)

    def _field(self, name: str) -> str:
        return str(self.get_body_argument(name, ""))

    async def _act(self, action: str) -> str:
        admin = CredentialAdmin(self)
        admin.store  # noqa: B018 - 409 with the reason while the feature is off
        name = self._field("name").strip()
        if action == "create":
            body = validated(CreateBody, {
                "name": name, "description": self._field("description").strip(),
                "variables": parse_variables(self._field("variables")),
                "file": parse_file(self._field("file")),
                "groups": [g.strip() for g in self._field("groups").split(",") if g.strip()],
                "allow_trial": self._field("allow_trial") == "on"})
            await admin.create(body)
            return f"Created {name}."
        if action == "rotate":
            values = validated(Values, {"variables": parse_variables(self._field("variables")),
                                        "file": parse_file(self._field("file"))})
            await admin.rotate(name, values)
            return f"Rotated {name}: running servers keep the old values until they restart."
        changed: str = await self._change(admin, action, name)
        return changed

    async def _change(self, admin: CredentialAdmin, action: str, name: str) -> str:
        group = self._field("group").strip()
        if action == "delete":
            await admin.delete(name)
            return f"Deleted {name}."
        if action == "grant":
            await admin.grant(name, group)
            return f"Granted {name} to {group}; members get it at their next server start."
        if action == "revoke":
            if not await admin.revoke(name, group):
                raise web.HTTPError(404, f"{name} is not granted to {group[:64]!r}.")
            return f"Revoked {name} from {group}; running servers keep it until they restart."
        if action == "trial":
            allow = self._field("allow_trial") == "on"
            await admin.update(name, validated(UpdateBody, {"allow_trial": allow}))
            return f"{name}: trial users {'now get' if allow else 'no longer get'} it."
        raise web.HTTPError(400, f"Unknown action; use one of {', '.join(ACTIONS)}.")


default_handlers = [(r"/credentials", CredentialsPageHandler)]
