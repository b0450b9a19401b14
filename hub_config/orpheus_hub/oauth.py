"""OAuth log-in (GitHub, any OAuth2/OIDC provider) under the Orpheus account rules.

``OrpheusOAuthMixin`` puts oauthenticator's provider log-in in front of
``OrpheusAuthenticator``: the provider proves who someone is, and *our*
database decides whether they may come in, exactly as for password accounts.

- First log-in of an unknown identity: a **trial** account is created
  (``store.ensure_account(name, email, source="oauth:<provider>")``) and the
  admins are notified (``notifier.notify_signup``). If the operator configured
  any of oauthenticator's allow rules (``allowed_users``, ``allowed_groups``,
  ``allowed_scopes``, GitHub's ``allowed_organizations``), only identities
  those rules admit may start a trial; ``oauth_signup = False`` closes OAuth
  sign-up altogether (admins then pre-approve names through the admin API).
- Every log-in: ``OrpheusAuthenticator.check_blocked_users`` refuses expired
  and revoked accounts with a 403 page saying which; ``check_allowed`` is the
  Orpheus one (trial or approved: in). Spawn refusal (``pre_spawn_start``),
  open-session checks (``refresh_user``) and the periodic enforcement sweep are
  inherited unchanged, so OAuth users are held to the same rules.
- An identity whose name belongs to an existing *password* account is refused
  (anyone can register that name at the provider), hub admins included, unless
  ``link_password_accounts`` is on. The bootstrap admin made behind OAuth has no
  password (it is the operator's provider name), so it logs in.

Ready classes: ``OrpheusGenericOAuthenticator`` and ``OrpheusGitHubOAuthenticator``;
configure the provider with oauthenticator's own traitlets
(``c.GenericOAuthenticator.client_id`` ...) and the accounts with
``c.OrpheusAuthenticator.*``, both of which apply to these classes.
"""

from __future__ import annotations

import asyncio
from contextlib import suppress
from types import TracebackType
from typing import Any

from oauthenticator.generic import GenericOAuthenticator
from oauthenticator.github import GitHubOAuthenticator
from oauthenticator.oauth2 import OAuthCallbackHandler
from tornado import web
from traitlets import Bool, default

from .accounts import views
from .accounts.models import APPROVED, DELETED
from .accounts.store import AccountExists
from .auth import OrpheusAuthenticator
from .errors import http_error_text

#: oauthenticator traits that, when set, restrict who may start a trial.
_ALLOW_TRAITS = ("allowed_users", "allowed_groups", "allowed_scopes", "allowed_organizations")


class OrpheusOAuthCallbackHandler(OAuthCallbackHandler):  # type: ignore[misc]
    """oauthenticator's callback; a refused log-in is logged without the query string,
    which holds the one-time ``code`` and the ``state`` (tornado logs the full URI)."""

    def log_exception(
        self,
        typ: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Like tornado's, with ``path`` in place of ``uri``."""
        summary = f"{self.request.method} {self.request.path} ({self.request.remote_ip})"
        if isinstance(value, web.HTTPError):
            message = http_error_text(value)
            if message:
                self.log.warning("%d %s: %s", value.status_code, summary, message)
        else:
            self.log.error("Uncaught exception %s", summary, exc_info=(typ, value, tb))


class OrpheusOAuthMixin(OrpheusAuthenticator):
    """Orpheus accounts (trial, approval, revocation) for an oauthenticator class.

    Put it first: ``class X(OrpheusOAuthMixin, SomeOAuthenticator)``. Methods the
    provider must answer (``authenticate``, URLs, handlers, token refresh) go to
    the OAuthenticator part of the MRO; account decisions stay Orpheus's.
    """

    #: stored as the account's ``source``
    orpheus_source = "oauth"
    callback_handler = OrpheusOAuthCallbackHandler

    oauth_signup = Bool(
        True,
        help="Whether the first OAuth log-in of an unknown identity creates a trial account. "
        "If False, only names that already have an Orpheus account (e.g. approved "
        "through the admin API) can log in.",
    ).tag(config=True)
    link_password_accounts = Bool(
        False,
        help="Let an OAuth identity log in to an existing password account with the same "
        "name, hub admins' included. Off by default: anyone who registers that name at "
        "the provider would take the account over.",
    ).tag(config=True)

    @default("enable_signup")
    def _no_password_signup(self) -> bool:
        # Password accounts cannot log in through an OAuth authenticator.
        return False

    @property
    def _provider(self) -> Any:
        """The OAuthenticator part of the MRO (skips OrpheusAuthenticator's password logic)."""
        return super(OrpheusAuthenticator, self)

    # ---- provider side --------------------------------------------------------
    async def authenticate(self, handler: Any, data: Any = None, **kwargs: Any) -> Any:
        """The OAuth code exchange (oauthenticator's), not the password check."""
        return await self._provider.authenticate(handler, data, **kwargs)

    def login_url(self, base_url: str) -> str:
        """``/hub/oauth_login``."""
        url: str = self._provider.login_url(base_url)
        return url

    def logout_url(self, base_url: str) -> str:
        """oauthenticator's logout (clears its state cookie)."""
        url: str = self._provider.logout_url(base_url)
        return url

    def get_handlers(self, app: Any) -> list[tuple[str, Any]]:
        """OAuth log-in/callback/logout plus the Orpheus pages and admin API (not /login)."""
        orpheus = [h for h in OrpheusAuthenticator.get_handlers(self, app) if h[0] != "/login"]
        provider: list[tuple[str, Any]] = self._provider.get_handlers(app)
        return [*provider, *orpheus]

    async def refresh_user(self, user: Any, handler: Any = None, **kwargs: Any) -> Any:
        """Blocked accounts must log in again (and are refused); others refresh their tokens."""
        if not await OrpheusAuthenticator.refresh_user(self, user, handler):
            return False
        return await self._provider.refresh_user(user, handler, **kwargs)

    # ---- account side -----------------------------------------------------------
    async def check_blocked_users(self, username: str, authentication: Any = None) -> bool:
        """Create the trial account on a first log-in, then apply the Orpheus rules."""
        if username in self.blocked_users:
            return False
        await self._first_login(username, authentication or {})
        blocked_pass: bool = await OrpheusAuthenticator.check_blocked_users(
            self, username, authentication
        )
        return blocked_pass

    def bootstrap(self) -> None:
        """The bootstrap admin behind OAuth: an approved record *without* a password (the
        name is the operator's provider identity; passwords cannot be used here)."""
        name = self.bootstrap_admin and self.normalize_username(self.bootstrap_admin)
        if not name:
            return
        account = self.store.get(name)
        if account is None:
            with suppress(AccountExists):
                self.store.create(name, None, "bootstrap", self.clock.now(), None, status=APPROVED)
        elif account.password_hash and not self.link_password_accounts:
            self.log.warning(
                "Bootstrap admin %s has a password account, so %s log-ins as %s are refused "
                "unless link_password_accounts is on",
                name, self.login_service, name,
            )

    async def _first_login(self, username: str, auth_model: dict[str, Any]) -> None:
        account = await asyncio.to_thread(self.store.get, username)
        is_admin = bool(auth_model.get("admin")) or self.is_hub_admin(username)
        if account is not None and account.status == DELETED:
            raise web.HTTPError(403, views.deleted_message(username))
        if account is not None:
            self._check_link(username, account.source, account.password_hash)
            return
        if is_admin:
            return  # hub admins count as approved without a record
        await self._check_signup(username, auth_model)
        email = self._email(auth_model)
        try:
            await asyncio.to_thread(
                self.store.ensure_account, username, email, self.orpheus_source, self.clock.now()
            )
        except AccountExists:
            return  # a concurrent first log-in created it
        self.log.info("Trial account created for %s at first %s log-in", username, self.login_service)
        if self.notifier is not None:
            self.background(self.notifier.notify_signup(username, email))

    def _check_link(self, username: str, source: str, password_hash: str | None) -> None:
        """Refuse an identity whose name is a password account's (admins too) unless opted in."""
        if not password_hash or source.startswith("oauth") or self.link_password_accounts:
            return
        raise web.HTTPError(
            403,
            f"The name {username} belongs to an account that signs in with a password, "
            f"so it cannot be used through {self.login_service}. Ask an administrator.",
        )

    async def _check_signup(self, username: str, auth_model: dict[str, Any]) -> None:
        service = self.login_service
        if not self.oauth_signup:
            raise web.HTTPError(
                403, f"Sign-up through {service} is closed here; ask an administrator to add {username}."
            )
        if self.allow_all or not any(getattr(self, name, None) for name in _ALLOW_TRAITS):
            return
        if not await self._provider.check_allowed(username, auth_model):
            raise web.HTTPError(403, f"Your {service} account is not among those allowed to sign up here.")

    def _email(self, auth_model: dict[str, Any]) -> str:
        """The provider's email claim ('' if none or not a plausible address)."""
        user_info = (auth_model.get("auth_state") or {}).get(self.user_auth_state_key) or {}
        email = user_info.get("email") if isinstance(user_info, dict) else None
        if not isinstance(email, str) or "@" not in email or len(email) > 320:
            return ""
        return email.strip()


class OrpheusGenericOAuthenticator(OrpheusOAuthMixin, GenericOAuthenticator):  # type: ignore[misc]
    """Any OAuth2 / OpenID Connect provider, with Orpheus trials and approval."""

    orpheus_source = "oauth:generic"


class OrpheusGitHubOAuthenticator(OrpheusOAuthMixin, GitHubOAuthenticator):  # type: ignore[misc]
    """GitHub log-in, with Orpheus trials and approval."""

    orpheus_source = "oauth:github"
