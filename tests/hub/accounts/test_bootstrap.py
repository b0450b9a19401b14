"""Admin bootstrap: no ORPHEUS_ADMIN_PASSWORD -> a generated one, printed once; and a hub
with sign-up closed (real hub)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests

from tests.harness.hub import make_hub

from .helpers import CHEAP_HASHING, accounts, login

pytestmark = [pytest.mark.slow]
PRINTED = re.compile(r"Orpheus admin account 'boss' created with password: (\S+)")


def test_generated_admin_password_is_printed_once_and_works(tmp_path: Path) -> None:
    env = {"ORPHEUS_ADMIN_USER": "boss", "ORPHEUS_ADMIN_PASSWORD": ""}
    closed = "c.OrpheusAuthenticator.enable_signup = False"
    hub = make_hub(tmp_path / "hub", env=env, extra_config=f"{CHEAP_HASHING}\n{closed}")
    hub.start()
    try:
        printed = PRINTED.findall(hub.log_text())
        assert len(printed) == 1
        password = printed[0]
        assert len(password) >= 16
        assert login(hub, "boss", password)[1].status_code == 302
        assert accounts(hub)["boss"]["state"] == "approved"
        assert accounts(hub)["boss"]["is_admin"] is True
        signup_page = requests.get(hub.url + "/hub/signup", timeout=30)
        assert signup_page.status_code == 404
        assert "Sign-up is closed" in signup_page.text
        assert "/hub/signup" not in requests.get(hub.url + "/hub/login", timeout=30).text
        hub.restart()
        assert len(PRINTED.findall(hub.log_text())) == 1  # not generated or printed again
        assert login(hub, "boss", password)[1].status_code == 302
        assert login(hub, "boss", "admin-password-for-tests")[1].status_code == 403
    finally:
        hub.stop()
