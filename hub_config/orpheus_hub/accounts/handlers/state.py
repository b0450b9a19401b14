"""``GET /hub/orpheus/account-state``: the signed-in browser's account, for the Lab.

When a Lab request meets a blocked account (revoked, trial over, awaiting approval,
deleted) the hub refuses it in ways a page cannot explain (a stopped server, a login
redirect, a dead kernel). The Lab then asks this route, which answers one JSON document
with the reason and a way out::

    {"name": "ada", "state": "revoked", "blocked": true,
     "message": "Your account has been revoked by an administrator.",
     "actions": [{"label": "Log out", "url": "/hub/logout"}]}

It reads the hub login cookie *without* the per-request refresh that signs blocked users
out (so a revoked or expired user is still told why); a token works too. Without a valid
cookie it answers 401 with ``state`` ``signed_out`` and a login action.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from jupyterhub.handlers.base import BaseHandler, UserUrlHandler
from jupyterhub.utils import url_path_join
from tornado import web

from .. import views
from ..models import ACTIVE_STATES, APPROVED, DELETED, EXPIRED, REVOKED, TRIAL, Account, from_db

SIGNED_OUT = "signed_out"
PENDING = "pending"
SIGNED_OUT_MESSAGE = "You are signed out of the hub. Log in again to continue."


def public_state(account: Account | None, state: str) -> str:
    """The state the Lab shows: ``expired`` only for a trial that ended; an account that
    never had one (or was made by an administrator) is ``pending`` approval."""
    if state != EXPIRED:
        return state
    ended = from_db(account.trial_expires_at) if account else None
    if ended is None or account is None or account.source == "admin":
        return PENDING
    return EXPIRED


def message_for(account: Account | None, state: str, now: datetime) -> str:
    """One sentence for the user, blocked or not."""
    blocked = views.blocked_message(account, state)
    if blocked:
        return blocked
    if state == TRIAL and account is not None:
        ends = from_db(account.trial_expires_at)
        if ends is not None:
            return (f"Your trial ends on {views.human_time(ends)} "
                    f"({views.time_left(ends, now)} left).")
    return "Your account is approved."


class AccountStateHandler(BaseHandler):  # type: ignore[misc]
    """The account state of the cookie's (or token's) owner; never refreshes them away."""

    def check_xsrf_cookie(self) -> None:
        """A read-only GET that changes nothing: no XSRF token needed."""

    def _owner(self) -> Any:
        """The user behind the token or login cookie, as stored (no refresh)."""
        user = self.get_current_user_token() or self.get_current_user_cookie()
        if user is None or getattr(user, "kind", "user") != "user":
            return None
        return user

    def _action(self, label: str, *path: str) -> dict[str, str]:
        return {"label": label, "url": url_path_join(self.hub.base_url, *path)}

    def _answer(self, status: int, doc: dict[str, Any]) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(doc))

    async def get(self) -> None:
        """200 with the state of a known user (blocked or not); 401 ``signed_out``."""
        user = self._owner()
        if user is None:
            self._answer(401, {"name": None, "state": SIGNED_OUT, "blocked": True,
                               "message": SIGNED_OUT_MESSAGE, "actions": [self._action("Log in", "login")]})
            return
        account, state = await self.authenticator.account_state(user.name)
        shown = public_state(account, state)
        blocked = state not in ACTIVE_STATES
        actions = [self._action("Log out", "logout")] if blocked else []
        self._answer(200, {"name": user.name, "state": shown, "blocked": blocked,
                           "message": message_for(account, state, self.authenticator.clock.now()),
                           "actions": actions})


class BlockedUserUrlHandler(UserUrlHandler):  # type: ignore[misc]
    """The hub's handler of ``/hub/user/<name>/...`` (requests for a server that is not
    running), except that a *blocked* user's API request is answered 403 in JSON with the
    reason, where the hub would redirect it to the login page (HTML a Lab call cannot read)
    or call the server merely "no longer running". Page visits are left to the hub."""

    _xsrf_failure: web.HTTPError | None = None

    def _api_request(self) -> bool:
        """Not a page visit (a Lab call asks for JSON or anything, never for HTML)."""
        return "text/html" not in self.request.headers.get("Accept", "")

    def check_xsrf_cookie(self) -> None:
        """The hub's check; for a signed-out caller's API request its failure waits until
        :meth:`prepare` knows whether the request is refused anyway (the hub ties XSRF
        tokens to the signed-in user, so a blocked user's POST always fails it)."""
        try:
            super().check_xsrf_cookie()
        except web.HTTPError as e:
            if self.current_user is not None or not self._api_request():
                raise
            self._xsrf_failure = e

    async def prepare(self) -> None:
        """The hub's prepare, then the refusal of a blocked cookie owner's API request."""
        await super().prepare()
        refusal = await self._refusal()
        if refusal is not None:
            self.set_status(403)
            self.set_header("Content-Type", "application/json")
            self.set_header("Cache-Control", "no-store")
            self.finish(json.dumps(refusal))
            raise web.Finish()
        if self._xsrf_failure is not None:
            raise self._xsrf_failure

    async def _refusal(self) -> dict[str, Any] | None:
        """The JSON refusal of a blocked cookie owner's API request, or None."""
        if self.current_user is not None or not self._api_request():
            return None
        user = self.get_current_user_cookie()
        if user is None or getattr(user, "kind", "user") != "user":
            return None
        account, state = await self.authenticator.account_state(user.name)
        message = views.blocked_message(account, state)
        if not message:
            return None
        return {"message": message, "state": public_state(account, state), "blocked": True,
                "account_state_url": url_path_join(self.hub.base_url, "orpheus", "account-state"),
                "actions": [{"label": "Log out", "url": url_path_join(self.hub.base_url, "logout")}]}


#: every state this route answers
STATES = (APPROVED, TRIAL, PENDING, REVOKED, EXPIRED, DELETED, SIGNED_OUT)

default_handlers: list[tuple[str, Any]] = [
    (r"/orpheus/account-state", AccountStateHandler),
    # Ahead of the hub's own route of the same pattern (authenticator routes come first).
    (r"/user/(?P<user_name>[^/]+)(?P<user_path>/.*)?", BlockedUserUrlHandler),
]
