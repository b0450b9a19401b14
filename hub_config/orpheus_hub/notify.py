"""Admin and user notifications: sign-up and approval webhooks, sent in the background.

API for hub-side code (the authenticator, the approvals page, the OAuth mixin)::

    notifier = Notifier(parent=authenticator, log=authenticator.log)
    await notifier.notify_signup(username, email)    # admins: Discord, ntfy, generic JSON
    await notifier.notify_approved(username, email)  # the user's hooks + generic JSON
    await notifier.drain()                           # tests/shutdown: wait for pending sends

Both ``notify_*`` coroutines only *schedule* deliveries and return at once: they
never raise, never wait for a network round trip, and every delivery has its
own ``Notifier.timeout``. A failing, slow or refused webhook is logged (with the
URL cut down to scheme and host, because webhook URLs carry tokens) and never
delays or fails the sign-up or approval that triggered it.

Deliveries (configure any subset; nothing configured means nothing is sent):

============================  ==============  ====================================================
traitlet                      events          request
============================  ==============  ====================================================
``discord_webhooks``          signup          POST JSON ``{"content": "..."}``
``ntfy_topics``               signup          POST plain text, ``Title`` header
``json_webhooks``             signup,approved POST JSON ``{"event", "username", "email", "at"}``
``approval_webhook_url``      approved        the same JSON to a URL with ``{username}`` in it
``approval_command``          approved        run argv (no shell); message on stdin, details
                                              in ``ORPHEUS_EVENT/USERNAME/EMAIL`` env (mail hook)
============================  ==============  ====================================================
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import os
from collections.abc import Coroutine
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote, urlsplit

from tornado.httpclient import AsyncHTTPClient, HTTPRequest
from traitlets import Float, List, TraitError, Unicode, default, validate
from traitlets.config import LoggingConfigurable

from .accounts.models import APPROVED

#: Event names sent to the webhooks: a sign-up, and an approval (named after the state it enters).
SIGNUP = "signup"


def redact(url: str) -> str:
    """``scheme://host[:port]`` of ``url``: safe to log (paths and queries hold tokens)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or '?'}{f':{parts.port}' if parts.port else ''}"


def _check_url(trait: str, url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TraitError(f"Notifier.{trait}: {redact(url)!r}... is not an http(s) URL")
    return url


class Notifier(LoggingConfigurable):  # type: ignore[misc]
    """Sends sign-up and approval notifications to the configured webhooks."""

    discord_webhooks = List(
        Unicode(),
        default_value=[],
        help="Discord webhook URLs told about every sign-up (POST {'content': message}).",
    ).tag(config=True)
    ntfy_topics = List(
        Unicode(),
        default_value=[],
        help="ntfy topic URLs (e.g. https://ntfy.sh/my-topic) told about every sign-up; "
        "plain-text body with a Title header.",
    ).tag(config=True)
    ntfy_token = Unicode(
        "",
        help="Access token sent as 'Authorization: Bearer' to the ntfy topics (empty: none).",
    ).tag(config=True)
    json_webhooks = List(
        Unicode(),
        default_value=[],
        help="URLs receiving a JSON POST {event, username, email, at} for each sign-up "
        "and each approval (event is 'signup' or 'approved'; 'at' is ISO 8601 UTC).",
    ).tag(config=True)
    json_webhook_secret = Unicode(
        "",
        help="If set, JSON webhook bodies are signed: header X-Orpheus-Signature: "
        "sha256=HEX, the hex HMAC-SHA256 of the body keyed with this secret.",
    ).tag(config=True)
    approval_webhook_url = Unicode(
        "",
        help="Per-user approval hook: a URL where '{username}' is replaced by the "
        "URL-quoted username; receives the JSON 'approved' event when an admin "
        "approves that user (empty: off).",
    ).tag(config=True)
    approval_command = List(
        Unicode(),
        default_value=[],
        help="Per-user approval email hook: a command (argv list, no shell) run when an "
        "admin approves a user who has an email address. The message is on stdin; "
        "ORPHEUS_EVENT, ORPHEUS_USERNAME and ORPHEUS_EMAIL are in its environment. "
        "Example: ['/usr/local/bin/orpheus-mail-user'] (empty: off).",
    ).tag(config=True)
    hub_url = Unicode(
        "",
        help="Public URL of the hub (e.g. https://hub.example.org); when set, messages "
        "link to /hub/approvals and /hub/login. Default: JupyterHub.public_url.",
    ).tag(config=True)
    timeout = Float(
        10.0,
        help="Seconds each delivery may take (connect + response) before it is abandoned "
        "and logged as failed.",
    ).tag(config=True)

    @default("hub_url")
    def _hub_url_default(self) -> str:
        node = self.parent  # the authenticator, whose parent is the JupyterHub app
        while node is not None:
            url = getattr(node, "public_url", "")
            if isinstance(url, str) and url:
                return url
            node = getattr(node, "parent", None)
        return ""

    @validate("discord_webhooks", "ntfy_topics", "json_webhooks")
    def _valid_urls(self, proposal: dict[str, Any]) -> list[str]:
        name = proposal["trait"].name
        return [_check_url(name, url) for url in proposal["value"]]

    @validate("approval_webhook_url")
    def _valid_approval_url(self, proposal: dict[str, Any]) -> str:
        url: str = proposal["value"]
        if url:
            _check_url("approval_webhook_url", url.replace("{username}", "x"))
        return url

    @validate("ntfy_token")
    def _valid_token(self, proposal: dict[str, Any]) -> str:
        token: str = proposal["value"]
        if any(ord(ch) < 33 or ord(ch) > 126 for ch in token):
            raise TraitError("Notifier.ntfy_token must be printable ASCII without spaces")
        return token

    @validate("timeout")
    def _valid_timeout(self, proposal: dict[str, Any]) -> float:
        value = float(proposal["value"])
        if not 0 < value <= 300:
            raise TraitError(f"Notifier.timeout must be in (0, 300] seconds, not {value}")
        return value

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # Strong references: the event loop keeps only weak ones to running tasks.
        self._pending: set[asyncio.Task[None]] = set()
        self._client: AsyncHTTPClient | None = None

    @property
    def client(self) -> AsyncHTTPClient:
        """Our own HTTP client: slow webhooks must not queue behind (or ahead of)
        the hub's proxy calls in the shared per-loop ``AsyncHTTPClient``."""
        if self._client is None:
            self._client = AsyncHTTPClient(force_instance=True)
        return self._client

    # ---- public API --------------------------------------------------------
    async def notify_signup(self, username: str, email: str | None) -> None:
        """Tell the admins' channels about a new account; returns without waiting."""
        try:
            self._schedule_signup(username, email or "")
        except Exception as e:
            self.log.warning("Sign-up notifications not scheduled: %s", type(e).__name__)

    async def notify_approved(self, username: str, email: str | None) -> None:
        """Tell the user (their hooks) and the JSON webhooks about an approval."""
        try:
            self._schedule_approved(username, email or "")
        except Exception as e:
            self.log.warning("Approval notifications not scheduled: %s", type(e).__name__)

    def _schedule_signup(self, username: str, email: str) -> None:
        text = self._signup_text(username, email)
        for url in self.discord_webhooks:
            self._discord(url, text)
        for url in self.ntfy_topics:
            self._ntfy(url, "Orpheus: new sign-up", text)
        for url in self.json_webhooks:
            self._json(url, SIGNUP, username, email)

    def _schedule_approved(self, username: str, email: str) -> None:
        for url in self.json_webhooks:
            self._json(url, APPROVED, username, email)
        if self.approval_webhook_url:
            url = self.approval_webhook_url.replace("{username}", quote(username, safe=""))
            self._json(url, APPROVED, username, email)
        if self.approval_command:
            if email:
                self._spawn(self._run_command(username, email), "approval command")
            else:
                self.log.info("Approval command skipped: the approved account has no email")

    async def drain(self) -> None:
        """Wait for every delivery scheduled so far (tests, orderly shutdown)."""
        while self._pending:
            await asyncio.gather(*list(self._pending), return_exceptions=True)

    # ---- messages ----------------------------------------------------------
    def _signup_text(self, username: str, email: str) -> str:
        who = f"{username} ({email})" if email else username
        text = f"New Orpheus sign-up: {who}. The account is on trial until an admin approves it."
        if self.hub_url:
            text += f" Review: {self.hub_url.rstrip('/')}/hub/approvals"
        return text

    def _approved_text(self, username: str) -> str:
        text = f"Hello {username}, your Orpheus account has been approved."
        if self.hub_url:
            text += f" Log in at {self.hub_url.rstrip('/')}/hub/login"
        return text + "\n"

    # ---- deliveries --------------------------------------------------------
    def _discord(self, url: str, text: str) -> None:
        # allowed_mentions: a user-chosen name must never ping @everyone.
        body = json.dumps({"content": text[:2000], "allowed_mentions": {"parse": []}})
        self._post(url, body.encode(), {"Content-Type": "application/json"}, "discord")

    def _ntfy(self, url: str, title: str, text: str) -> None:
        headers = {"Title": title, "Tags": "bust_in_silhouette", "Content-Type": "text/plain"}
        if self.ntfy_token:
            headers["Authorization"] = f"Bearer {self.ntfy_token}"
        self._post(url, text.encode(), headers, "ntfy")

    def _json(self, url: str, event: str, username: str, email: str) -> None:
        at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        payload = {"event": event, "username": username, "email": email, "at": at}
        body = json.dumps(payload).encode()
        headers = {"Content-Type": "application/json"}
        if self.json_webhook_secret:
            digest = hmac.new(self.json_webhook_secret.encode(), body, hashlib.sha256).hexdigest()
            headers["X-Orpheus-Signature"] = f"sha256={digest}"
        self._post(url, body, headers, f"json {event}")

    def _post(self, url: str, body: bytes, headers: dict[str, str], kind: str) -> None:
        request = HTTPRequest(
            url,
            method="POST",
            body=body,
            headers=headers,
            connect_timeout=self.timeout,
            request_timeout=self.timeout,
            follow_redirects=False,
        )
        self._spawn(self._send(request, kind), f"{kind} webhook {redact(url)}")

    async def _send(self, request: HTTPRequest, kind: str) -> None:
        response = await self.client.fetch(request, raise_error=False)
        if response.code >= 300:
            self.log.warning(
                "Notification (%s) to %s answered HTTP %s", kind, redact(request.url), response.code
            )
        else:
            self.log.debug("Notification (%s) delivered to %s", kind, redact(request.url))

    async def _run_command(self, username: str, email: str) -> None:
        env = {
            **os.environ,
            "ORPHEUS_EVENT": APPROVED,
            "ORPHEUS_USERNAME": username,
            "ORPHEUS_EMAIL": email,
        }
        proc = await asyncio.create_subprocess_exec(
            *self.approval_command,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
            env=env,
        )
        try:
            message = self._approved_text(username).encode()
            await asyncio.wait_for(proc.communicate(message), self.timeout)
        except asyncio.TimeoutError:
            proc.kill()
            await proc.wait()
            raise
        if proc.returncode:
            self.log.warning("Approval command exited with status %s", proc.returncode)

    # ---- background tasks --------------------------------------------------
    def _spawn(self, work: Coroutine[Any, Any, None], what: str) -> None:
        task = asyncio.ensure_future(self._guard(work, what))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _guard(self, work: Coroutine[Any, Any, None], what: str) -> None:
        try:
            await asyncio.wait_for(work, self.timeout + 1)
        except asyncio.CancelledError:
            raise
        except asyncio.TimeoutError:
            self.log.warning("Notification %s timed out after %ss", what, self.timeout)
        except Exception as e:
            self.log.warning("Notification %s failed: %s", what, type(e).__name__)
