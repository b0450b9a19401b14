"""The owner sweep in-process: shares of owners the hub reports deleted are revoked for good."""

from __future__ import annotations

from pathlib import Path

from orpheus_hub.share.accountstate import AccountState, AccountStateUnavailable
from orpheus_hub.share.app import ShareService


def service(tmp_path: Path, states: dict[str, str]) -> ShareService:
    app = ShareService()
    app.initialize([f"--ShareService.data_dir={tmp_path}"])

    async def get(name: str, stale_ok: bool = False) -> AccountState:
        if name not in states:
            raise AccountStateUnavailable("hub away")
        return AccountState(name, states[name], False)

    app.accounts.get = get  # type: ignore[method-assign]
    return app


async def test_the_sweep_revokes_only_deleted_owners(tmp_path: Path) -> None:
    app = service(tmp_path, {"gone": "deleted", "paused": "revoked", "here": "approved"})
    for owner in ("gone", "paused", "here"):
        app.shares.create(owner, "file", "t", "x", None, 1, app.clock.now(), f"id-{owner}")
        (app.snapshots.path(f"id-{owner}", 1)).mkdir(parents=True)
    await app.sweep_owners()
    assert sorted(s.owner for s in app.shares.list(None)) == ["here", "paused"]  # revoked: disabled only
    assert not (tmp_path / "shares" / "id-gone").exists()


async def test_the_sweep_stops_when_the_hub_cannot_say(tmp_path: Path) -> None:
    app = service(tmp_path, {})
    app.shares.create("someone", "file", "t", "x", None, 1, app.clock.now(), "id-1")
    await app.sweep_owners()
    assert [s.owner for s in app.shares.list(None)] == ["someone"]
