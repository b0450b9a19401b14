"""Shell sessions with the shell access key, in real Chromium (issue 14 item 11).

A user outside the hub's ``shell`` group picks Shell in the new-session dialog and
is asked for the key (a password field); a wrong key is refused inside the dialog,
which keeps what was typed; the right key starts the shell. Resuming the stopped
shell session from the side panel asks for the key again the same way.
Screenshots: ``test-artifacts/labextension/`` (``no-key-`` prefix: the hub without a
model key, whose user servers hold the key).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import SHELL_KEY
from .lab import Lab, launcher_card, open_launcher, project_in_panel

pytestmark = [pytest.mark.slow]

TITLE = "plain shell"


def test_shell_mode_asks_for_the_key_and_resume_asks_again(off_lab: Lab) -> None:
    lab, page = off_lab, off_lab.page
    assert "shell" not in (lab.api("GET", "orpheus/api/info").json().get("account") or {}).get("groups", [])
    open_launcher(page)
    launcher_card(page, "Claude session").click()
    dialog = page.locator(".jp-Dialog")
    dialog.get_by_label("Title").fill(TITLE)
    # an earlier module on this hub may have made projects: the form then defaults to one
    dialog.get_by_label("Project", exact=True).select_option(label="New project…")
    dialog.get_by_label("New project name").fill("Shell work")
    key = dialog.get_by_label("Shell access key")
    expect(key).to_be_hidden()  # Claude mode needs no key
    dialog.get_by_label("Mode").select_option("shell")
    expect(key).to_be_visible()
    assert key.get_attribute("type") == "password"
    key.fill("not the key")
    dialog.get_by_role("button", name="Create the session").click()
    expect(dialog.get_by_role("alert", name="Why the session was not created")).to_contain_text("shell access key")
    expect(dialog.get_by_label("Title")).to_have_value(TITLE)  # nothing to type again
    lab.shot("refused-key")
    key.fill(SHELL_KEY)
    dialog.get_by_role("button", name="Create the session").click()
    expect(dialog).to_have_count(0)
    [shell] = [s for s in lab.api("GET", "orpheus/api/sessions").json()["sessions"] if s["title"] == TITLE]
    assert shell["mode"] == "shell"
    assert shell["terminal"]
    lab.shot("started")

    assert lab.api("DELETE", f"orpheus/api/sessions/{shell['id']}?purge=0").status_code in (200, 204)
    refused = lab.api("POST", f"orpheus/api/sessions/{shell['id']}/resume", json={})
    assert refused.status_code == 403, refused.text
    panel = project_in_panel(page, shell["project"])
    panel.get_by_role("button", name=f"Resume {TITLE}").click()
    asked = page.locator(".jp-Dialog")
    field = asked.get_by_label("Shell access key", exact=True)
    field.fill("nope")
    asked.get_by_role("button", name="Resume with the shell access key").click()
    expect(asked.get_by_role("alert", name="Why the key was refused")).to_contain_text("shell access key")
    lab.shot("resume-refused")
    field.fill(SHELL_KEY)
    asked.get_by_role("button", name="Resume with the shell access key").click()
    expect(asked).to_have_count(0)
    resumed = lab.api("GET", f"orpheus/api/sessions/{shell['id']}").json()
    assert resumed["terminal"], resumed
    lab.shot("resumed")
