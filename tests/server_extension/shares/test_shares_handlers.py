"""``/orpheus/api/shares`` on a real jupyter server (pytest-jupyter), share service unreachable.

The service itself is exercised end to end in ``tests/hub/share``; here the
user-server side: target validation, snapshot contents and error relays.
"""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest
from tornado.httpclient import HTTPClientError

from orpheus.shares import builder

from ...hub.share.content import make_project


@pytest.fixture
def jp_server_config() -> dict[str, object]:
    """Load orpheus with a share service URL nobody listens on."""
    return {"ServerApp": {"jpserver_extensions": {"orpheus": True}},
            "ShareClient": {"service_url": "http://127.0.0.1:9/services/share/", "api_token": "t"}}


async def post(jp_fetch, body: dict[str, object]) -> tuple[int, dict[str, object]]:  # type: ignore[no-untyped-def]
    try:
        r = await jp_fetch("orpheus", "api", "shares", method="POST", body=json.dumps(body))
    except HTTPClientError as e:
        body_bytes = e.response.body if e.response is not None else b"{}"
        return e.code, json.loads(body_bytes)
    return r.code, json.loads(r.body)


@pytest.mark.parametrize(("body", "status", "text"), [
    ({"kind": "movie", "target": "x"}, 400, "kind must be one of"),
    ({"kind": "file"}, 400, "target is required"),
    ({"kind": "file", "target": "/etc/passwd"}, 400, "relative to the Jupyter root"),
    ({"kind": "file", "target": "../outside.txt"}, 400, "'..'"),
    ({"kind": "file", "target": "projects/demo/missing.txt"}, 404, "does not exist"),
    ({"kind": "file", "target": "projects/demo"}, 400, "regular file"),
    ({"kind": "notebook", "target": "projects/demo/data/report.csv"}, 400, ".ipynb"),
    ({"kind": "session", "target": "projects/demo/data"}, 400, "sessions/<id>"),
    ({"kind": "dashboard", "target": "projects/demo/nb.ipynb"}, 400, "dashboards/<id>.json"),
    ({"kind": "file", "target": "projects/demo/data/report.csv", "expires_in": "soon"}, 400, "expires_in"),
])
async def test_bad_targets_are_4xx_with_a_reason(jp_fetch, jp_root_dir: Path, body, status, text) -> None:  # type: ignore[no-untyped-def]
    make_project(jp_root_dir)
    code, model = await post(jp_fetch, body)
    assert code == status, model
    assert text in str(model["message"])
    assert str(jp_root_dir) not in json.dumps(model)


async def test_a_symlink_out_of_the_root_is_refused(jp_fetch, jp_root_dir: Path, tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    outside = Path(tmp_path_factory.mktemp("outside")) / "secret.txt"
    outside.write_text("secret")
    (jp_root_dir / "link.txt").symlink_to(outside)
    code, model = await post(jp_fetch, {"kind": "file", "target": "link.txt"})
    assert code == 400
    assert "outside the Jupyter root" in str(model["message"])


async def test_unreachable_service_is_a_502_not_a_500(jp_fetch, jp_root_dir: Path) -> None:  # type: ignore[no-untyped-def]
    make_project(jp_root_dir)
    code, model = await post(jp_fetch, {"kind": "file", "target": "projects/demo/data/report.csv"})
    assert code == 502
    assert "unreachable" in str(model["message"])


def test_session_snapshot_excludes_internals_and_keeps_the_recording(tmp_path: Path) -> None:
    make_project(tmp_path)
    (tmp_path / "projects/demo/sessions/s1/escape").symlink_to(tmp_path / "projects/demo/nb.ipynb")
    snap = builder.build(tmp_path, "session", "projects/demo/sessions/s1", "projects", 10_000_000)
    with tarfile.open(fileobj=io.BytesIO(snap.data)) as tar:
        names = set(tar.getnames())
        record = json.loads(tar.extractfile("session.json").read())  # type: ignore[union-attr]
    assert {"session.json", "recording.cast", "files/hello.py", "files/sub/deep.txt"} <= names
    assert not [n for n in names if ".claude" in n or ".orpheus" in n or "escape" in n]
    assert record == {"id": "s1", "title": "Demo session", "project": "demo",
                      "created_at": "2026-01-01T00:00:00Z"}  # no env, no tokens
    assert snap.title == "Demo session"
    with pytest.raises(builder.ShareBuildError) as e:
        builder.build(tmp_path, "session", "projects/demo/sessions/s1", "projects", 100)
    assert e.value.status == 413


def test_a_session_working_in_a_project_subfolder_shares_that_folder(tmp_path: Path) -> None:
    make_project(tmp_path)
    project = tmp_path / "projects/demo"
    (project / "video" / "scenes").mkdir(parents=True)
    (project / "video" / "scenes" / "intro.py").write_text("def make(): ...\n")
    (project / ".orpheus/sessions/v1.json").write_text(json.dumps(
        {"id": "v1", "title": "Video idea", "workdir": "video", "created": "2026-01-02T00:00:00Z",
         "prompt": "private prompt"}))
    snap = builder.build(tmp_path, "session", "projects/demo/sessions/v1", "projects", 10_000_000)
    with tarfile.open(fileobj=io.BytesIO(snap.data)) as tar:
        names = set(tar.getnames())
        record = json.loads(tar.extractfile("session.json").read())  # type: ignore[union-attr]
    assert "files/scenes/intro.py" in names
    assert record == {"id": "v1", "title": "Video idea", "created": "2026-01-02T00:00:00Z", "project": "demo"}
    (project / ".orpheus/sessions/v2.json").write_text(json.dumps({"id": "v2", "workdir": "../../.."}))
    with pytest.raises(builder.ShareBuildError) as e:
        builder.build(tmp_path, "session", "projects/demo/sessions/v2", "projects", 10_000_000)
    assert e.value.status == 400


async def test_a_data_studio_dashboard_snapshot_carries_its_static_export(jp_fetch, jp_root_dir: Path) -> None:  # type: ignore[no-untyped-def]
    from ..datastudio import datasets, specs

    await jp_fetch("orpheus", "api", "projects", method="POST", body=json.dumps({"name": "trial"}))
    datasets.clinical_trial(jp_root_dir / "projects" / "trial" / "data")
    await jp_fetch("orpheus", "api", "projects", "trial", "analyze", method="POST", body="{}")
    r = await jp_fetch("orpheus", "api", "projects", "trial", "dashboards", method="POST",
                       body=json.dumps(specs.trial_spec()))
    spec = json.loads(r.body)["spec"]
    target = f"projects/trial/dashboards/{spec['id']}.json"
    snap = builder.build(jp_root_dir, "dashboard", target, "projects", 50_000_000)
    with tarfile.open(fileobj=io.BytesIO(snap.data)) as tar:
        assert set(tar.getnames()) == {"dashboard.json", "static.html"}
        page = tar.extractfile("static.html").read().decode()  # type: ignore[union-attr]
    assert "Patients per arm" in page
    assert "<script src=" not in page  # plotly inlined: works inside the share sandbox
    assert snap.title == spec["title"]


@pytest.mark.parametrize(("method", "path"), [
    ("GET", ("shares",)), ("POST", ("shares",)), ("GET", ("shares", "abc")),
    ("DELETE", ("shares", "abc")), ("POST", ("shares", "abc", "refresh")),
])
async def test_every_share_route_needs_authentication(jp_fetch, method: str, path: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(HTTPClientError) as e:
        await jp_fetch("orpheus", "api", *path, method=method, headers={"Authorization": ""},
                       body="{}" if method == "POST" else None, allow_nonstandard_methods=True)
    assert e.value.code == 403


async def test_not_json_and_bad_titles_are_400(jp_fetch, jp_root_dir: Path) -> None:  # type: ignore[no-untyped-def]
    make_project(jp_root_dir)
    with pytest.raises(HTTPClientError) as e:
        await jp_fetch("orpheus", "api", "shares", method="POST", body="{nope")
    assert e.value.code == 400
    code, model = await post(jp_fetch, {"kind": "file", "target": "projects/demo/data/report.csv", "title": 5})
    assert code == 400
    assert "title" in str(model["message"])


def test_the_servers_own_tokens_are_redacted_from_snapshots(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    token = "hubtoken-0123456789abcdef0123456789"
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", token)
    make_project(tmp_path)
    cast = tmp_path / "projects/demo/.orpheus/sessions/s1.cast"
    cast.write_text(cast.read_text() + json.dumps([9.0, "o", f"ANTHROPIC_AUTH_TOKEN={token}\r\n"]) + "\n")
    (tmp_path / "projects/demo/sessions/s1/notes.txt").write_text(f"token: {token}\n")
    snap = builder.build(tmp_path, "session", "projects/demo/sessions/s1", "projects", 10_000_000)
    with tarfile.open(fileobj=io.BytesIO(snap.data)) as tar:
        recording = tar.extractfile("recording.cast").read()  # type: ignore[union-attr]
        notes = tar.extractfile("files/notes.txt").read()  # type: ignore[union-attr]
    assert token.encode() not in recording
    assert b"ANTHROPIC_AUTH_TOKEN=[redacted]" in recording
    assert notes == b"token: [redacted]\n"
