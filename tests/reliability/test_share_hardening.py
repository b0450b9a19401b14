"""Items 5 and 13 (share parts): account state on every owner call, links of revoked and
deleted owners disabled, security headers on every answer, 413 for oversized uploads."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.hub.share.content import tar_bytes

from .share_gateway_stack import Stack, stack_fixture

pytestmark = [pytest.mark.slow]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    yield from stack_fixture(Path(tmp_path_factory.mktemp("sharehard")))


def owner_call(stack: Stack, token: str, method: str, path: str, **kw: Any) -> requests.Response:
    headers = {"Authorization": f"token {token}", **kw.pop("headers", {})}
    return requests.request(method, stack.share + path, headers=headers, timeout=60, **kw)


def upload(stack: Stack, token: str, text: str = "hello") -> requests.Response:
    data = tar_bytes([("files/note.txt", text.encode())])
    return owner_call(stack, token, "POST", "api/shares?kind=file&title=t", data=data,
                      headers={"Content-Type": "application/x-tar"})


def public(url: str) -> requests.Response:
    return requests.get(url, timeout=60, allow_redirects=False)


def test_a_revoked_owner_is_refused_at_once_and_their_links_come_back_on_approval(stack: Stack) -> None:
    token = stack.user("revokee")
    r = upload(stack, token)
    assert r.status_code == 201, r.text
    link = r.json()["url"]
    assert public(link).status_code == 200
    stack.account("revokee", "revoke")
    # Every owner call checks the account: no grace period on a cached token.
    for method, path in (("GET", "api/shares"), ("POST", "api/shares?kind=file")):
        r = upload(stack, token) if method == "POST" else owner_call(stack, token, method, path)
        assert r.status_code == 403, (method, path, r.text)
    disabled = public(link)
    assert disabled.status_code == 410
    assert "This link is disabled" in disabled.text
    assert disabled.headers["X-Content-Type-Options"] == "nosniff"
    stack.account("revokee", "approve")
    assert public(link).status_code == 200  # disabled, not revoked: back once approved


def test_a_deleted_owners_links_are_revoked_for_good(stack: Stack) -> None:
    token = stack.user("leaver")
    r = upload(stack, token, "leaver's note")
    assert r.status_code == 201, r.text
    link, share_id = r.json()["url"], r.json()["id"]
    assert stack.hub.api("DELETE", "/users/leaver").status_code == 204
    assert public(link).status_code in (404, 410)
    # A newcomer under the same name (once an admin releases it) inherits nothing:
    # the share is gone, not hidden.
    stack.account("leaver", "release")
    newcomer = stack.hub.create_user("leaver")
    assert public(link).status_code == 404
    listed = owner_call(stack, newcomer, "GET", "api/shares")
    assert listed.status_code == 200, listed.text
    assert share_id not in {s["id"] for s in listed.json()["shares"]}


def test_every_answer_carries_the_security_headers(stack: Stack) -> None:
    urls = [stack.share + "no/such/route", stack.share + "s/" + "x" * 5,
            stack.share + "s/" + secrets.token_urlsafe(32), stack.share + "api/shares",
            stack.share + "health", stack.share + "static/missing.js"]
    for url in urls:
        r = public(url)
        assert r.status_code in (200, 403, 404), (url, r.status_code)
        assert r.headers.get("X-Content-Type-Options") == "nosniff", url
        assert "default-src 'none'" in r.headers.get("Content-Security-Policy", ""), url
        assert r.headers.get("Referrer-Policy") == "no-referrer", url


def test_an_oversized_upload_is_a_413_naming_the_limit(stack: Stack) -> None:
    token = stack.user("bigsender")
    big = b"\0" * 60_000_000  # over the default 50 MB limit
    r = owner_call(stack, token, "POST", "api/shares?kind=file", data=big,
                   headers={"Content-Type": "application/x-tar"})
    assert r.status_code == 413, r.status_code
    assert "limit" in r.json()["message"]
