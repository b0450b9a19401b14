"""Credential sets without a hub: sealing, the rules, the store on SQLite, the files and
the container hook."""

from __future__ import annotations

import asyncio
import json
import os
import stat
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from pydantic import ValidationError

from orpheus_hub.credentials import delivery
from orpheus_hub.credentials.crypto import KeyProblem, SealedUnreadable, Sealer, parse_keys
from orpheus_hub.credentials.rules import CreateBody, Values
from orpheus_hub.credentials.store import CredentialStore, SetExists
from orpheus_hub.credentials.vault import vault_for
from orpheus_hub.sandbox.spawner import _with_bind

from .helpers import KEY, SECRET, FakeAuthenticator, fake_spawner

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=timezone.utc)


def sealer(key: str = KEY) -> Sealer:
    return Sealer(parse_keys(key))


def test_sealed_values_open_only_with_the_key_and_an_old_key_still_opens() -> None:
    token = sealer().seal({"variables": {"PGPASSWORD": SECRET}})
    assert SECRET not in token
    assert sealer().open(token) == {"variables": {"PGPASSWORD": SECRET}}
    other = Fernet.generate_key().decode()
    with pytest.raises(SealedUnreadable):
        sealer(other).open(token)
    rotated = sealer(f"{other},{KEY}")  # a new key first: it seals, the old one still opens
    assert rotated.open(token) == {"variables": {"PGPASSWORD": SECRET}}
    assert sealer(other).open(rotated.seal({"a": 1})) == {"a": 1}


def test_a_missing_or_malformed_key_is_named_without_echoing_it() -> None:
    with pytest.raises(KeyProblem, match="ORPHEUS_CREDENTIALS_KEY is not set"):
        parse_keys(" ")
    with pytest.raises(KeyProblem, match="key 1 is not a Fernet key") as e:
        parse_keys("not-a-key-but-a-secret-guess")
    assert "secret-guess" not in str(e.value)


def test_fingerprints_follow_the_values_and_reveal_nothing() -> None:
    one, two = sealer().fingerprint({"A": SECRET}), sealer().fingerprint({"A": SECRET + "x"})
    assert one != two
    assert len(one) == 16
    assert one == sealer().fingerprint({"A": SECRET})
    assert sealer(Fernet.generate_key().decode()).fingerprint({"A": SECRET}) != one  # keyed


@pytest.mark.parametrize(("body", "message"), [
    ({"name": "Bad Name", "variables": {"A": "1"}}, "set name"),
    ({"name": "ok", "variables": {"1BAD": "1"}}, "not an environment variable name"),
    ({"name": "ok", "variables": {"JUPYTERHUB_API_TOKEN": SECRET}}, "reserved"),
    ({"name": "ok", "variables": {"LD_PRELOAD": SECRET}}, "reserved"),
    ({"name": "ok", "variables": {"PATH": SECRET}}, "reserved"),
    ({"name": "ok", "variables": {"A": SECRET + "\0"}}, "NUL"),
    ({"name": "ok", "variables": {"A": "x" * 20000}}, "longer than"),
    ({"name": "ok", "variables": {}}, "at least one variable or a file"),
    ({"name": "ok", "file": "just a string"}, "JSON object or array"),
])
def test_bad_sets_are_refused_naming_the_rule_never_the_value(body: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError) as e:
        CreateBody.model_validate(body)
    text = str(e.value.errors()[0]["msg"])
    assert message in text
    assert SECRET not in text


def store(tmp_path: Path) -> CredentialStore:
    s = CredentialStore(f"sqlite:///{tmp_path / 'orpheus.sqlite'}", sealer())
    s.migrate()
    return s


def test_the_store_keeps_values_sealed_and_shows_only_names(tmp_path: Path) -> None:
    s = store(tmp_path)
    view = s.create("trials-db", "Trials", {"PGPASSWORD": SECRET, "PGUSER": "reader"}, {"token": SECRET},
                    False, ["research"], NOW)
    assert view.variables == ["PGPASSWORD", "PGUSER"]
    assert view.has_file
    assert view.groups == ["research"]
    assert SECRET not in json.dumps(view.to_json())
    with pytest.raises(SetExists):
        s.create("trials-db", "", {"A": "1"}, None, False, [], NOW)
    raw = (tmp_path / "orpheus.sqlite").read_bytes()
    assert SECRET.encode() not in raw
    assert b"reader" not in raw
    assert b"PGPASSWORD" in raw  # names are stored in the clear, as documented
    later = s.rotate("trials-db", {"PGPASSWORD": SECRET + "2"}, None, NOW.replace(hour=13))
    assert later.fingerprint != view.fingerprint
    assert later.rotated_at > view.rotated_at
    assert later.variables == ["PGPASSWORD"]
    assert not later.has_file


def test_delivery_follows_groups_and_the_trial_flag(tmp_path: Path) -> None:
    s = store(tmp_path)
    s.create("alpha", "", {"A": "1", "SHARED": "from-alpha"}, None, False, ["research"], NOW)
    s.create("beta", "", {"B": "2", "SHARED": "from-beta"}, None, True, ["research", "public"], NOW)
    assert [d.name for d in s.delivered({"research"}, trial=False)] == ["alpha", "beta"]
    assert [d.name for d in s.delivered({"research"}, trial=True)] == ["beta"]
    assert s.delivered({"other"}, trial=False) == []
    assert s.delivered(set(), trial=False) == []
    assert s.revoke("alpha", "research")
    assert not s.revoke("alpha", "research")
    assert [d.name for d in s.delivered({"research"}, trial=False)] == ["beta"]
    assert s.grant("alpha", "research", NOW)
    assert not s.grant("alpha", "research", NOW)
    s.delete("beta")
    assert [d.name for d in s.delivered({"research", "public"}, trial=False)] == ["alpha"]


def test_files_are_the_users_own_0600_in_a_0700_folder_and_revocation_removes_them(tmp_path: Path) -> None:
    auth = FakeAuthenticator(f"sqlite:///{tmp_path / 'o.sqlite'}", str(tmp_path / "files"))
    vault = vault_for(auth)
    vault.store.create("trials-db", "", {"PGPASSWORD": SECRET}, None, False, ["research"], NOW)
    vault.store.create("search", "", {"API_KEY": "k"}, {"key": "k", "url": "u"}, False, ["research"], NOW)
    bundle = asyncio.run(delivery.bundle_for(fake_spawner(auth, "alice", ["research"])))
    assert bundle.sets == ["search", "trials-db"]
    assert bundle.env == {"API_KEY": "k", "PGPASSWORD": SECRET}
    folder = delivery.place_files(vault, "alice", bundle, 54321, 54321)
    assert folder is not None
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert folder.stat().st_uid == 54321
    for name in ("trials-db.json", "search.json"):
        info = (folder / name).stat()
        assert stat.S_IMODE(info.st_mode) == 0o600
        assert (info.st_uid, info.st_gid) == (54321, 54321)
    assert json.loads((folder / "trials-db.json").read_text()) == {"PGPASSWORD": SECRET}
    assert json.loads((folder / "search.json").read_text()) == {"key": "k", "url": "u"}
    vault.store.revoke("trials-db", "research")
    bundle = asyncio.run(delivery.bundle_for(fake_spawner(auth, "alice", ["research"])))
    folder = delivery.place_files(vault, "alice", bundle, 54321, 54321)
    assert folder is not None
    assert sorted(os.listdir(folder)) == ["search.json"]
    vault.store.revoke("search", "research")
    empty = asyncio.run(delivery.bundle_for(fake_spawner(auth, "alice", ["research"])))
    assert delivery.place_files(vault, "alice", empty, 54321, 54321) is None
    assert not delivery.user_folder(vault, "alice").exists()


def test_trial_expired_and_ungranted_users_get_nothing(tmp_path: Path) -> None:
    auth = FakeAuthenticator(f"sqlite:///{tmp_path / 'o.sqlite'}", str(tmp_path / "files"),
                             states={"tina": "trial", "ex": "expired"})
    vault_for(auth).store.create("trials-db", "", {"PGPASSWORD": SECRET}, None, False, ["research"], NOW)
    for name, groups in (("tina", ["research"]), ("ex", ["research"]), ("bob", ["other"])):
        assert asyncio.run(delivery.bundle_for(fake_spawner(auth, name, groups))).env == {}
    vault_for(auth).store.update("trials-db", None, True)
    assert asyncio.run(delivery.bundle_for(fake_spawner(auth, "tina", ["research"]))).sets == ["trials-db"]
    assert asyncio.run(delivery.bundle_for(fake_spawner(auth, "ex", ["research"]))).sets == []


def test_without_a_key_nothing_is_stored_or_delivered(tmp_path: Path) -> None:
    auth = FakeAuthenticator(f"sqlite:///{tmp_path / 'o.sqlite'}", str(tmp_path / "files"), key="")
    vault = vault_for(auth)
    assert not vault.enabled
    assert "ORPHEUS_CREDENTIALS_KEY is not set" in vault.disabled_reason
    with pytest.raises(RuntimeError):
        vault.store  # noqa: B018
    assert asyncio.run(delivery.bundle_for(fake_spawner(auth, "alice", ["research"]))).env == {}
    assert not (tmp_path / "o.sqlite").exists()


def test_the_container_hook_sets_env_and_mount_and_forgets_them_after_revocation(tmp_path: Path) -> None:
    auth = FakeAuthenticator(f"sqlite:///{tmp_path / 'o.sqlite'}", str(tmp_path / "files"))
    vault_for(auth).store.create("trials-db", "", {"PGPASSWORD": SECRET}, None, False, ["research"], NOW)
    spawner = fake_spawner(auth, "alice", ["research"], environment={"KEEP": "1"},
                           volumes={"orpheus-home-{username}": "/home/jovyan"})
    hook = delivery.container_hook(1000, 1000, "/home/jovyan")
    asyncio.run(hook(spawner))
    assert spawner.environment == {"KEEP": "1", "PGPASSWORD": SECRET}
    folder = str(delivery.user_folder(vault_for(auth), "alice"))
    assert spawner.volumes[folder] == {"bind": "/home/jovyan/.credentials", "mode": "ro"}
    assert Path(folder, "trials-db.json").stat().st_uid == 1000
    vault_for(auth).store.revoke("trials-db", "research")
    asyncio.run(hook(spawner))
    assert spawner.environment == {"KEEP": "1"}
    assert spawner.volumes == {"orpheus-home-{username}": "/home/jovyan"}


def test_the_sandbox_mount_goes_after_the_homes_bind() -> None:
    argv = ["bwrap", "--bind", "/h", "/home/jovyan", "--", "setpriv", "--", "bwrap", "--", "jupyter"]
    extra = ["--ro-bind", "/f", "/home/jovyan/.credentials"]
    assert _with_bind(argv, extra) == ["bwrap", "--bind", "/h", "/home/jovyan", *extra, "--", "setpriv",
                                       "--", "bwrap", "--", "jupyter"]
    assert _with_bind(argv, []) == argv


def test_values_body_accepts_a_file_alone() -> None:
    assert Values.model_validate({"file": {"k": SECRET}}).variables == {}
