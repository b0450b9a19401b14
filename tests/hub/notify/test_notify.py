"""Notifier: each webhook kind delivered to a real local receiver; dead and slow hooks never block."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from jupyterhub.app import JupyterHub
from traitlets import TraitError

from orpheus_hub.notify import Notifier, redact
from tests.fakes.webhook_receiver import WebhookReceiver, webhook_receiver
from tests.harness.ports import free_port


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with webhook_receiver(slow_seconds=3) as r:
        yield r


class _Marks(logging.Handler):
    """Puts every warning the notifier logs into the receiver's ordered event log."""

    def __init__(self, receiver: WebhookReceiver) -> None:
        super().__init__(logging.WARNING)
        self.receiver = receiver
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())
        self.receiver.mark("logged")


def _notifier(receiver: WebhookReceiver, **kw: object) -> tuple[Notifier, _Marks]:
    log = logging.getLogger(f"test-notify-{id(receiver)}")
    marks = _Marks(receiver)
    log.addHandler(marks)
    return Notifier(log=log, **kw), marks


@pytest.mark.asyncio
async def test_signup_reaches_discord_ntfy_and_json(receiver: WebhookReceiver) -> None:
    n, marks = _notifier(
        receiver,
        discord_webhooks=[f"{receiver.url}/hook/discord"],
        ntfy_topics=[f"{receiver.url}/hook/ntfy-topic"],
        json_webhooks=[f"{receiver.url}/hook/json"],
        hub_url="https://hub.example.org/",
        ntfy_token="tk_secret",
    )
    await n.notify_signup("ada", "ada@example.org")
    await n.drain()

    (discord,) = receiver.at("/hook/discord")
    content = discord.json()["content"]
    assert "ada" in content
    assert "ada@example.org" in content
    assert "https://hub.example.org/hub/approvals" in content
    assert discord.json()["allowed_mentions"] == {"parse": []}

    (ntfy,) = receiver.at("/hook/ntfy-topic")
    assert ntfy.headers["Title"] == "Orpheus: new sign-up"
    assert ntfy.headers["Authorization"] == "Bearer tk_secret"
    assert "ada (ada@example.org)" in ntfy.body.decode()

    (generic,) = receiver.at("/hook/json")
    body = generic.json()
    assert set(body) == {"event", "username", "email", "at"}
    assert (body["event"], body["username"], body["email"]) == ("signup", "ada", "ada@example.org")
    assert datetime.fromisoformat(body["at"]).utcoffset() is not None
    assert "X-Orpheus-Signature" not in generic.headers
    assert marks.messages == []


@pytest.mark.asyncio
async def test_approved_goes_to_json_and_the_users_hook_not_admin_chat(
    receiver: WebhookReceiver,
) -> None:
    n, _ = _notifier(
        receiver,
        discord_webhooks=[f"{receiver.url}/hook/discord"],
        json_webhooks=[f"{receiver.url}/hook/json"],
        approval_webhook_url=f"{receiver.url}/hook/user-{{username}}",
        json_webhook_secret="s3cret",
    )
    await n.notify_approved("bob smith", "bob@example.org")
    await n.drain()

    assert receiver.at("/hook/discord") == []
    (generic,) = receiver.at("/hook/json")
    assert generic.json()["event"] == "approved"
    expected = hmac.new(b"s3cret", generic.body, hashlib.sha256).hexdigest()
    assert generic.headers["X-Orpheus-Signature"] == f"sha256={expected}"
    (personal,) = receiver.at("/hook/user-bob%20smith")
    assert personal.json()["username"] == "bob smith"


@pytest.mark.asyncio
async def test_approval_command_gets_message_and_details(tmp_path: Path) -> None:
    out = tmp_path / "mail.txt"
    script = (
        "import os,sys,pathlib;"
        f"pathlib.Path({str(out)!r}).write_text("
        "os.environ['ORPHEUS_EVENT']+'|'+os.environ['ORPHEUS_USERNAME']+'|'"
        "+os.environ['ORPHEUS_EMAIL']+'|'+sys.stdin.read())"
    )
    n = Notifier(approval_command=[sys.executable, "-c", script], hub_url="https://hub.example.org")
    await n.notify_approved("cy", "cy@example.org")
    await n.drain()
    event, user, email, message = out.read_text().split("|", 3)
    assert (event, user, email) == ("approved", "cy", "cy@example.org")
    assert "approved" in message
    assert "https://hub.example.org/hub/login" in message

    # No email address: the mail hook is skipped, nothing runs.
    out.unlink()
    await n.notify_approved("dee", "")
    await n.drain()
    assert not out.exists()


@pytest.mark.asyncio
async def test_dead_webhook_neither_raises_nor_delays(receiver: WebhookReceiver) -> None:
    dead = f"http://127.0.0.1:{free_port()}/hook?token=very-secret-token"
    n, marks = _notifier(
        receiver, json_webhooks=[dead, f"{receiver.url}/hook/alive"], discord_webhooks=[dead]
    )
    await n.notify_signup("eve", "eve@example.org")
    receiver.mark("returned")
    await n.drain()

    # The caller got control back before any delivery finished or failed.
    assert receiver.events[0] == "returned"
    assert receiver.events.count("logged") == 2
    assert len(receiver.at("/hook/alive")) == 1  # a dead hook does not stop the others
    assert all("ConnectionRefusedError" in m for m in marks.messages)
    assert not any("very-secret-token" in m or "/hook" in m for m in marks.messages)


@pytest.mark.asyncio
async def test_slow_webhook_times_out_without_delaying(receiver: WebhookReceiver) -> None:
    n, marks = _notifier(receiver, json_webhooks=[f"{receiver.url}/slow/json"], timeout=0.5)
    await n.notify_signup("fay", "fay@example.org")
    receiver.mark("returned")
    await asyncio.to_thread(receiver.wait_for, "logged")

    # Returned before the receiver even saw the request; gave up before it answered.
    assert receiver.events[:3] == ["returned", "received:/slow/json", "logged"]
    assert "timed out" in marks.messages[0] or "Timeout" in marks.messages[0]
    await n.drain()


def test_bad_configuration_is_refused_with_the_trait_name() -> None:
    with pytest.raises(TraitError, match=r"Notifier\.discord_webhooks"):
        Notifier(discord_webhooks=["ftp://example.org/x"])
    with pytest.raises(TraitError, match=r"Notifier\.approval_webhook_url"):
        Notifier(approval_webhook_url="not a url {username}")
    with pytest.raises(TraitError, match=r"Notifier\.timeout"):
        Notifier(timeout=0)
    with pytest.raises(TraitError, match=r"Notifier\.ntfy_token"):
        Notifier(ntfy_token="tk_abc\r\nX-Injected: 1")


def test_redact_keeps_only_scheme_and_host() -> None:
    url = "https://discord.com/api/webhooks/123/tok-en?wait=true"
    assert redact(url) == "https://discord.com"
    assert redact("http://127.0.0.1:8080/x/secret") == "http://127.0.0.1:8080"


def test_hub_url_defaults_to_the_hubs_public_url() -> None:
    app = JupyterHub(public_url="https://hub.example.org/")
    assert Notifier(parent=app).hub_url == "https://hub.example.org/"
    assert Notifier(parent=app, hub_url="https://other.example.org").hub_url == "https://other.example.org"
    assert Notifier().hub_url == ""
