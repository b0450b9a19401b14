"""``DELETE /services/llm/api/tokens/{id}``: a user server revokes the gateway-only token of a
session terminal when the session ends; only the token's owner may, with their hub token."""

from __future__ import annotations

import anthropic
import pytest
import requests

from tests.fakes.base import Reply

from .conftest import LLMStack

pytestmark = [pytest.mark.slow]

MSG = [{"role": "user", "content": "hello"}]


def user(stack: LLMStack, name: str) -> str:
    """A user's own hub token."""
    return stack.hub.user_tokens.get(name) or stack.hub.create_user(name, approve=True)


def mint(stack: LLMStack, hub_token: str) -> dict[str, str]:
    r = requests.post(stack.gateway + "/api/tokens", json={"note": "session test"}, timeout=10,
                      headers={"Authorization": f"token {hub_token}"})
    assert r.status_code == 201, r.text
    minted: dict[str, str] = r.json()
    return minted


def revoke(stack: LLMStack, token_id: str, credential: str) -> requests.Response:
    return requests.delete(f"{stack.gateway}/api/tokens/{token_id}", timeout=10,
                           headers={"Authorization": f"token {credential}"})


def test_owner_revokes_a_token_and_it_stops_working(stack: LLMStack) -> None:
    owner = user(stack, "rhea")
    minted = mint(stack, owner)
    client = anthropic.Anthropic(auth_token=minted["token"], base_url=stack.gateway + "/anthropic",
                                 max_retries=0)
    stack.anthropic.enqueue(Reply(text="before"))
    assert client.messages.create(model="m", max_tokens=5, messages=MSG).content[0].text == "before"  # type: ignore[union-attr]
    r = revoke(stack, minted["id"], owner)
    assert r.status_code == 204, r.text
    with pytest.raises(anthropic.AuthenticationError) as e:
        client.messages.create(model="m", max_tokens=5, messages=MSG)
    assert "revoked" in e.value.message
    # Revoking twice is a 404 that says so (the server may retry after a lost answer).
    again = revoke(stack, minted["id"], owner)
    assert again.status_code == 404
    assert "No live gateway token" in again.json()["message"]


def test_nobody_else_may_revoke_it(stack: LLMStack) -> None:
    minted = mint(stack, user(stack, "rhea"))
    other = revoke(stack, minted["id"], user(stack, "sam"))
    assert other.status_code == 404
    assert "No live gateway token" in other.json()["message"]
    itself = revoke(stack, minted["id"], minted["token"])
    assert itself.status_code == 403
    assert revoke(stack, "not-an-id!", user(stack, "rhea")).status_code == 404
    assert requests.delete(f"{stack.gateway}/api/tokens/{minted['id']}", timeout=10).status_code == 401
    # Still live after all of those.
    client = anthropic.Anthropic(auth_token=minted["token"], base_url=stack.gateway + "/anthropic",
                                 max_retries=0)
    stack.anthropic.enqueue(Reply(text="still"))
    assert client.messages.create(model="m", max_tokens=5, messages=MSG).content[0].text == "still"  # type: ignore[union-attr]
