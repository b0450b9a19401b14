"""What a step needs before it starts, made through the HTTP API when an earlier step did not.

The e2e steps read as one journey and, run in order, each finds what the step
before it made in the UI. Run alone (``-k test_09``), a step makes its
prerequisites here instead, through the same server API the UI uses, so every
test can run on its own.
"""

from __future__ import annotations

import json
from typing import Any

from .lab import CSV, Lab

PROJECT = "e2e-demo"
TITLE = "First look at sales"
DATA = f"projects/{PROJECT}/data/sales.csv"


def ok(response: Any, what: str) -> Any:
    """The JSON of a 2xx answer; fail saying what could not be set up otherwise."""
    assert 200 <= response.status_code < 300, f"setting up {what}: HTTP {response.status_code} {response.text[:500]}"
    return response.json() if response.content else None


def project(lab: Lab, data: bool = True) -> str:
    """The journey's project, holding ``data/sales.csv`` (unless ``data`` is false)."""
    if lab.api("GET", f"orpheus/api/projects/{PROJECT}").status_code == 404:
        ok(lab.api("POST", "orpheus/api/projects", json={"name": PROJECT}), "the project")
    if data and lab.api("GET", f"api/contents/{DATA}?content=0").status_code == 404:
        folder = DATA.rsplit("/", 1)[0]
        if lab.api("GET", f"api/contents/{folder}?content=0").status_code == 404:
            ok(lab.api("PUT", f"api/contents/{folder}", data=json.dumps({"type": "directory"})), "the data folder")
        body = {"type": "file", "format": "text", "content": CSV}
        ok(lab.api("PUT", f"api/contents/{DATA}", data=json.dumps(body)), "the data file")
    return PROJECT


def session(lab: Lab) -> dict[str, Any]:
    """The journey's Claude session (the one the launcher made, else a new one)."""
    project(lab)
    sessions = ok(lab.api("GET", "orpheus/api/sessions"), "the session list")["sessions"]
    mine = [s for s in sessions if s["project"] == PROJECT and s["status"] != "terminated"]
    if not mine:
        mine = [ok(lab.api("POST", "orpheus/api/sessions", json={"title": TITLE, "project": PROJECT}), "a session")]
    lab.state["session"] = mine[0]
    return dict(mine[0])


def analysed(lab: Lab) -> dict[str, Any]:
    """The project's stored analysis (analysing it first when there is none)."""
    project(lab)
    answer = lab.api("GET", f"orpheus/api/projects/{PROJECT}/analysis")
    if answer.status_code == 404:
        ok(lab.api("POST", f"orpheus/api/projects/{PROJECT}/analyze", json={}), "the analysis")
        answer = lab.api("GET", f"orpheus/api/projects/{PROJECT}/analysis")
    return dict(ok(answer, "the analysis"))


def dashboard(lab: Lab) -> dict[str, Any]:
    """The project's first dashboard (generating one when there is none)."""
    analysed(lab)
    listing = ok(lab.api("GET", f"orpheus/api/projects/{PROJECT}/dashboards"), "the dashboards")
    boards = listing["dashboards"] if isinstance(listing, dict) else listing
    if not boards:
        ok(lab.api("POST", f"orpheus/api/projects/{PROJECT}/dashboards/generate", json={}), "a dashboard")
        listing = ok(lab.api("GET", f"orpheus/api/projects/{PROJECT}/dashboards"), "the dashboards")
        boards = listing["dashboards"] if isinstance(listing, dict) else listing
    return dict(boards[0])


def notebook_share(lab: Lab, path: str) -> str:
    """The public URL of a share of the notebook at ``path`` (made when missing)."""
    if "notebook_url" in lab.state:
        return str(lab.state["notebook_url"])
    body = {"kind": "notebook", "target": path, "title": path.rsplit("/", 1)[-1]}  # as the toolbar names it
    model = ok(lab.api("POST", "orpheus/api/shares", json=body), "a share")
    lab.state["notebook_url"] = model["url"]
    return str(model["url"])
