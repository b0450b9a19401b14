"""A small local OAuth2 / OpenID Connect provider, standing in for GitHub or Google.

A tornado app on a free loopback port, in its own thread (usable from sync and
async tests, reachable from a hub subprocess). It implements the
authorization-code flow the way oauthenticator uses it:

- ``GET /authorize``: checks ``client_id``, ``redirect_uri`` and
  ``response_type=code``, auto-approves the current test identity and redirects
  back with ``code`` and ``state`` (PKCE ``code_challenge`` S256 remembered).
- ``POST /token``: checks the client (HTTP Basic or form ``client_id`` /
  ``client_secret``), the single-use code, its ``redirect_uri`` and the PKCE
  ``code_verifier``; answers ``{"access_token", "token_type": "Bearer", ...}``.
  Errors use RFC 6749 JSON (``{"error", "error_description"}``, status 400/401).
- ``GET /userinfo``: ``Authorization: Bearer <token>`` -> the identity's claims
  (``sub``, ``preferred_username``, ``email``, ``name``).
- ``GET /.well-known/openid-configuration``: the endpoints above.

It also speaks GitHub's dialect (for ``GitHubOAuthenticator`` with
``github_url`` set to ``provider.url``, i.e. a GitHub Enterprise layout):
``/login/oauth/authorize``, ``/login/oauth/access_token``, ``/api/v3/user``
(``login``, ``id``, public ``email``), ``/api/v3/user/emails`` (the primary,
possibly private, address) and ``/api/v3/orgs/{org}/members/{user}`` (204 or 404).

``provider.login_as(username, email, private_email=..., orgs=...)`` sets who the
next ``/authorize`` approves.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from tornado import web
from tornado.httpserver import HTTPServer

from tests.harness.ports import free_port


@dataclass
class OIDCProvider:
    """Clients, identity and issued codes/tokens of the fake provider."""

    client_id: str = "orpheus-hub"
    client_secret: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    port: int = field(default_factory=free_port)
    identity: dict[str, str] = field(default_factory=dict)
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    tokens: dict[str, dict[str, str]] = field(default_factory=dict)
    org_members: dict[str, set[str]] = field(default_factory=dict)
    log: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        """Issuer base URL."""
        return f"http://127.0.0.1:{self.port}"

    def login_as(self, username: str, email: str = "", private_email: str = "", orgs: tuple[str, ...] = ()) -> None:
        """The identity the next ``/authorize`` approves (``orgs``: its GitHub organizations)."""
        self.identity = {
            "sub": hashlib.sha256(username.encode()).hexdigest()[:16],
            "preferred_username": username,
            "login": username,
            "email": email,
            "name": username.title(),
            "private_email": private_email or email,
        }
        for org in orgs:
            self.org_members.setdefault(org, set()).add(username)

    def github_config(self, allowed_organizations: tuple[str, ...] = ()) -> str:
        """Python lines pointing ``OrpheusGitHubOAuthenticator`` at this provider."""
        return "\n".join(
            [
                "c.JupyterHub.authenticator_class = 'orpheus_hub.oauth.OrpheusGitHubOAuthenticator'",
                f"c.GitHubOAuthenticator.github_url = {self.url!r}",
                f"c.GitHubOAuthenticator.client_id = {self.client_id!r}",
                f"c.GitHubOAuthenticator.client_secret = {self.client_secret!r}",
                "c.GitHubOAuthenticator.scope = ['read:user', 'user:email', 'read:org']",
                f"c.GitHubOAuthenticator.allowed_organizations = {set(allowed_organizations)!r}",
            ]
        )

    def hub_config(self, callback_url: str = "", cls: str = "OrpheusGenericOAuthenticator") -> str:
        """Python lines for ``make_hub(extra_config=...)`` pointing ``cls`` at this provider.

        Without ``callback_url`` oauthenticator derives it from the request's host.
        """
        lines = [
            f"c.JupyterHub.authenticator_class = 'orpheus_hub.oauth.{cls}'",
            f"c.GenericOAuthenticator.client_id = {self.client_id!r}",
            f"c.GenericOAuthenticator.client_secret = {self.client_secret!r}",
            f"c.GenericOAuthenticator.authorize_url = '{self.url}/authorize'",
            f"c.GenericOAuthenticator.token_url = '{self.url}/token'",
            f"c.GenericOAuthenticator.userdata_url = '{self.url}/userinfo'",
            "c.GenericOAuthenticator.username_claim = 'preferred_username'",
            "c.GenericOAuthenticator.scope = ['openid', 'profile', 'email']",
            "c.GenericOAuthenticator.login_service = 'Test OIDC'",
        ]
        if callback_url:
            lines.append(f"c.GenericOAuthenticator.oauth_callback_url = {callback_url!r}")
        return "\n".join(lines)


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


class _Base(web.RequestHandler):
    def initialize(self, provider: OIDCProvider) -> None:
        self.provider = provider

    def check_xsrf_cookie(self) -> None:
        """OAuth endpoints are called cross-site by design."""

    def oauth_error(self, status: int, error: str, description: str) -> None:
        self.set_status(status)
        self.finish({"error": error, "error_description": description})


class _Authorize(_Base):
    def get(self) -> None:
        p = self.provider
        if self.get_argument("client_id", "") != p.client_id:
            return self.oauth_error(400, "invalid_client", "unknown client_id")
        if self.get_argument("response_type", "") != "code":
            return self.oauth_error(400, "unsupported_response_type", "only code is supported")
        redirect_uri = self.get_argument("redirect_uri", "")
        if not redirect_uri.startswith("http"):
            return self.oauth_error(400, "invalid_request", "redirect_uri missing")
        code = secrets.token_urlsafe(16)
        p.codes[code] = {
            "identity": dict(p.identity),
            "redirect_uri": redirect_uri,
            "challenge": self.get_argument("code_challenge", ""),
            "scope": self.get_argument("scope", ""),
        }
        p.log.append(f"authorize:{p.identity.get('preferred_username')}")
        query = urlencode({"code": code, "state": self.get_argument("state", "")})
        self.redirect(f"{redirect_uri}?{query}")


class _Token(_Base):
    def _client(self) -> tuple[str, str]:
        header = self.request.headers.get("Authorization", "")
        if header.startswith("Basic "):
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
            return user, password
        return self.get_body_argument("client_id", ""), self.get_body_argument("client_secret", "")

    def post(self) -> None:
        p = self.provider
        client_id, client_secret = self._client()
        if client_id != p.client_id or not secrets.compare_digest(client_secret, p.client_secret):
            return self.oauth_error(401, "invalid_client", "client authentication failed")
        grant = p.codes.pop(self.get_body_argument("code", ""), None)  # single use
        if grant is None or self.get_body_argument("grant_type", "") != "authorization_code":
            return self.oauth_error(400, "invalid_grant", "unknown or used code")
        if grant["redirect_uri"] != self.get_body_argument("redirect_uri", ""):
            return self.oauth_error(400, "invalid_grant", "redirect_uri mismatch")
        verifier = self.get_body_argument("code_verifier", "")
        if grant["challenge"] and _challenge(verifier) != grant["challenge"]:
            return self.oauth_error(400, "invalid_grant", "PKCE verification failed")
        token = secrets.token_urlsafe(24)
        p.tokens[token] = grant["identity"]
        p.log.append(f"token:{grant['identity'].get('preferred_username')}")
        self.finish({"access_token": token, "token_type": "bearer", "expires_in": 3600, "scope": grant["scope"]})


class _UserInfo(_Base):
    def identity(self) -> dict[str, str] | None:
        """The bearer token's identity, or None after answering 401."""
        header = self.request.headers.get("Authorization", "")
        identity = self.provider.tokens.get(header.removeprefix("Bearer ").strip())
        if not header.startswith("Bearer ") or identity is None:
            self.oauth_error(401, "invalid_token", "unknown access token")
            return None
        return identity

    def get(self) -> None:
        identity = self.identity()
        if identity is not None:
            self.finish({k: v for k, v in identity.items() if k != "private_email"})


class _GitHubUser(_UserInfo):
    def get(self) -> None:
        identity = self.identity()
        if identity is not None:
            uid = int(identity["sub"], 16) % 10**8
            self.finish(
                {"login": identity["login"], "id": uid, "name": identity["name"], "email": identity["email"] or None}
            )


class _GitHubEmails(_UserInfo):
    def get(self) -> None:
        identity = self.identity()
        if identity is not None:
            email = identity["private_email"]
            self.finish(json.dumps([{"email": email, "primary": True, "verified": True}] if email else []))


class _GitHubMembership(_UserInfo):
    def get(self, org: str, user: str) -> None:
        if self.identity() is not None:
            self.set_status(204 if user in self.provider.org_members.get(org, set()) else 404)
            self.finish()


class _Discovery(_Base):
    def get(self) -> None:
        url = self.provider.url
        self.finish(
            {
                "issuer": url,
                "authorization_endpoint": f"{url}/authorize",
                "token_endpoint": f"{url}/token",
                "userinfo_endpoint": f"{url}/userinfo",
                "response_types_supported": ["code"],
                "code_challenge_methods_supported": ["S256"],
            }
        )


@contextmanager
def oidc_provider(**kw: Any) -> Iterator[OIDCProvider]:
    """Run a provider in a daemon thread for the ``with`` block."""
    provider = OIDCProvider(**kw)
    ready = threading.Event()
    state: dict[str, Any] = {}

    async def serve() -> None:
        args = {"provider": provider}
        app = web.Application(
            [
                (r"/authorize", _Authorize, args),
                (r"/token", _Token, args),
                (r"/userinfo", _UserInfo, args),
                (r"/.well-known/openid-configuration", _Discovery, args),
                (r"/login/oauth/authorize", _Authorize, args),
                (r"/login/oauth/access_token", _Token, args),
                (r"/api/v3/user", _GitHubUser, args),
                (r"/api/v3/user/emails", _GitHubEmails, args),
                (r"/api/v3/orgs/([^/]+)/members/([^/]+)", _GitHubMembership, args),
            ]
        )
        server = HTTPServer(app)
        server.listen(provider.port, "127.0.0.1")
        state["stop"], state["loop"] = asyncio.Event(), asyncio.get_running_loop()
        ready.set()
        await state["stop"].wait()
        server.stop()

    thread = threading.Thread(target=asyncio.run, args=(serve(),), daemon=True)
    thread.start()
    ready.wait(10)
    try:
        yield provider
    finally:
        state["loop"].call_soon_threadsafe(state["stop"].set)
        thread.join(10)
