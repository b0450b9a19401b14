"""``/hub/signup``: GET renders the form, POST creates a trial account and logs it in."""

from __future__ import annotations

import asyncio
from typing import Any

from jupyterhub import orm
from jupyterhub.handlers.base import BaseHandler
from tornado import web

from .. import views
from ..forms import FormError, SignupData, check_signup
from ..models import DELETED, TRIAL, from_db
from ..store import AccountExists


class SignupHandler(BaseHandler):  # type: ignore[misc]
    """Self-service sign-up into a trial of ``OrpheusAuthenticator.trial_hours``."""

    def _require_open(self) -> None:
        if not getattr(self.authenticator, "enable_signup", False):
            raise web.HTTPError(404, "Sign-up is closed on this hub; ask an administrator for an account.")

    async def _render(self, error: str = "", status: int = 200, **fields: str) -> None:
        self.set_status(status)
        html = await self.render_template(
            "signup.html",
            signup_error=error,
            username=fields.get("username", ""),
            email=fields.get("email", ""),
            min_password_length=self.authenticator.min_password_length,
            trial_hours=self.authenticator.trial_hours,
            xsrf=self.xsrf_token.decode("ascii"),
        )
        self.finish(html)

    async def get(self) -> None:
        """The sign-up form (signed-in users go home)."""
        self._require_open()
        if self.current_user:
            self.redirect(self.get_next_url(self.current_user))
            return
        await self._render()

    async def post(self) -> None:
        """Validate, create the account (Argon2id in a thread), sign in, redirect."""
        self._require_open()
        auth = self.authenticator
        fields = {k: self._raw(k) for k in ("username", "email")}
        shown = {"username": fields["username"][:64], "email": fields["email"][:254]}
        try:
            auth.rate_limit(auth.signup_limiter, self, "sign-up")
            data = check_signup(
                fields["username"], fields["email"], self.get_body_argument("password", ""), auth.policy
            )
            await self._create(data)
        except FormError as e:
            await self._render(str(e), e.status, **shown)
            return
        except web.HTTPError as e:
            await self._render(e.log_message or "Sign-up refused.", e.status_code, **shown)
            return
        self.log.info("New Orpheus account signed up")
        await auth.notifier.notify_signup(data.username, data.email)  # schedules; never raises
        user = await self.auth_to_user({"name": data.username, "admin": False})
        self.set_login_cookie(user)
        self.redirect(self.get_next_url(user))

    def _raw(self, name: str) -> str:
        """A form field as sent: tornado's getters turn control characters into spaces,
        which would hide them from the username check."""
        values: list[bytes] = self.request.body_arguments.get(name) or [b""]
        return values[0].decode("utf-8", "replace")

    async def _create(self, data: SignupData) -> Any:
        auth = self.authenticator
        existing = await asyncio.to_thread(auth.store.get, data.username)
        if existing is not None and existing.status == DELETED:
            raise FormError(views.deleted_message(data.username), 409)
        if orm.User.find(self.db, data.username) is not None or data.username == auth.bootstrap_admin:
            raise FormError("That username is already taken.", 409)
        password_hash = await auth.hasher.ahash(data.password)
        try:
            return await asyncio.to_thread(
                auth.store.create, data.username, data.email, "signup", auth.clock.now(), password_hash
            )
        except AccountExists as e:
            raise FormError(str(e), 409) from None


def trial_banner(user: Any) -> str:
    """Template variable ``orpheus_trial``: "2 h 10 min" left for a user on trial, else ""."""
    if user is None or getattr(user, "authenticator", None) is None:
        return ""
    auth = user.authenticator
    account = auth.store.get(user.name) if hasattr(auth, "store") else None
    if account is None:
        return ""
    now = auth.clock.now()
    if account.state(now) != TRIAL:
        return ""
    return views.time_left(from_db(account.trial_expires_at), now)


default_handlers = [(r"/signup", SignupHandler)]
