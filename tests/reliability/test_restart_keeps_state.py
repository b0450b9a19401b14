"""R7: a hub restart keeps accounts, lockouts, shares, quotas and usage (embedded default,
SQLite; the production profile's own test does the same on PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.fakes.anthropic import FakeAnthropic, Reply
from tests.harness.hub import Hub, running_hub
from tests.harness.ports import free_port
from tests.hub.accounts.helpers import PASSWORD, accounts, clock_extra, login, set_clock, signup

pytestmark = [pytest.mark.slow]

KEY = "sk-ant-operator-" + "K4" * 12


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Hub, FakeAnthropic]]:
    data = Path(tmp_path_factory.mktemp("restart"))
    clock = data / "clock"
    set_clock(clock, 0)
    with FakeAnthropic(api_key=KEY) as fake:
        fake.default_reply = Reply(text="counted")
        env = {"ANTHROPIC_API_KEY": KEY, "ANTHROPIC_BASE_URL": fake.url, "ORPHEUS_LLM_PORT": str(free_port())}
        yield from ((hub, fake) for hub in running_hub(data, env=env, extra_config=clock_extra(clock)))


def gateway(hub: Hub, method: str, path: str, token: str, **kw: Any) -> requests.Response:
    return requests.request(method, f"{hub.url}/services/llm{path}", timeout=60,
                            headers={"Authorization": f"token {token}"}, **kw)


def test_restart_keeps_accounts_lockouts_shares_quotas_and_usage(stack, tally) -> None:  # type: ignore[no-untyped-def]
    hub, _ = stack
    assert signup(hub, "keeper", "keeper@example.org").status_code == 302
    for _ in range(6):  # lock the name from this address
        login(hub, "keeper", "not the password at all")
    _, refused = login(hub, "keeper", PASSWORD)
    assert refused.status_code != 302, "the name should be backed off for this address"

    token = hub.create_user("sharer")
    base = hub.spawn("sharer")
    auth = {"Authorization": f"token {token}"}
    for path, body in (("projects", {"type": "directory"}), ("projects/demo", {"type": "directory"}),
                       ("projects/demo/report.csv", {"type": "file", "format": "text", "content": "a,b\n1,2\n"})):
        r = requests.put(base + f"api/contents/{path}", json=body, headers=auth, timeout=30)
        assert r.status_code == 201, r.text
    r = requests.post(base + "orpheus/api/shares", json={"kind": "file", "target": "projects/demo/report.csv"},
                      headers=auth, timeout=60)
    assert r.status_code == 201, r.text
    link = r.json()["url"]
    assert requests.get(link, timeout=30).status_code == 200

    r = hub.api("POST", "/users/admin/tokens", json={"note": "r7"})  # the bootstrap admin
    assert r.status_code == 201, r.text
    admin = r.json()["token"]
    r = gateway(hub, "PUT", "/api/quotas/sharer", admin, json={"tokens_per_day": 123456})
    assert r.status_code == 200, r.text
    r = gateway(hub, "POST", "/anthropic/v1/messages", token, json={
        "model": "claude-sonnet-4-5", "max_tokens": 64, "messages": [{"role": "user", "content": "hi"}]})
    assert r.status_code == 200, r.text
    before = gateway(hub, "GET", "/api/usage", token).json()

    hub.restart()

    states = accounts(hub)
    assert states["keeper"]["state"] == "trial"
    assert states["sharer"]["state"] == "approved"
    _, still = login(hub, "keeper", PASSWORD)
    assert still.status_code != 302, "the backoff must survive the restart"
    page = requests.get(link, timeout=30)
    assert page.status_code == 200
    assert "1,2" in page.text or "report.csv" in page.text
    quotas = gateway(hub, "GET", "/api/quotas", admin).json()
    assert "123456" in str(quotas), quotas
    after = gateway(hub, "GET", "/api/usage", token).json()
    assert after == before, "today's usage must be the same after the restart"
    assert "claude-sonnet-4-5" in str(after)
    tally.record("R7 restart keeps state", 5, 0)
