"""Item 7b and 9: share snapshots carry no credential, however the terminal printed it,
and a session record cannot widen what a share publishes."""

from __future__ import annotations

import io
import json
import re
import secrets
import tarfile
from pathlib import Path

import pytest

from orpheus.shares import builder
from orpheus_hub.share import snapshots
from tests.hub.share.content import make_project, tar_bytes

SERVER_TOKEN = secrets.token_hex(16)
GATEWAY_TOKEN = "orpheus-llm-" + secrets.token_urlsafe(32)
SGR = re.compile(r"\x1b\[[0-9;]*m")


def crafted_cast(*tokens: str, sgr: bool = True) -> str:
    """A recording that prints each token one character per event (colour codes in between)."""
    header = {"version": 2, "width": 80, "height": 24}
    events: list[list[object]] = [[0.0, "o", "$ env | grep TOKEN\r\n"]]
    t = 0.1
    for token in tokens:
        events.append([t, "o", "JUPYTERHUB_API_TOKEN="])
        for i, ch in enumerate(token):
            t += 0.01
            events.append([t, "o", f"\x1b[3{i % 8};1m{ch}\x1b[0m" if sgr else ch])
        events.append([t, "o", "\r\n"])
    # the same token echoed as typed input, split over events too
    events += [[t + 0.1, "i", tokens[0][:7]], [t + 0.2, "i", tokens[0][7:]]]
    return "\n".join(json.dumps(x) for x in [header, *events]) + "\n"


def snapshot_members(snap: builder.Snapshot) -> dict[str, bytes]:
    with tarfile.open(fileobj=io.BytesIO(snap.data)) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}  # type: ignore[union-attr]


def decoded_streams(cast: bytes) -> dict[str, str]:
    """What a player shows (and what was typed): events joined, escape codes stripped."""
    streams = {"o": "", "i": ""}
    for line in cast.decode().splitlines()[1:]:
        _, code, data = json.loads(line)
        streams[code] += data
    return {k: SGR.sub("", v) for k, v in streams.items()}


@pytest.fixture(params=["char-by-char", "char-by-char-with-sgr"])
def project(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", SERVER_TOKEN)
    make_project(tmp_path)
    cast = tmp_path / "projects/demo/.orpheus/sessions/s1.cast"
    cast.write_text(crafted_cast(SERVER_TOKEN, GATEWAY_TOKEN, sgr=request.param.endswith("sgr")))
    return tmp_path


def test_a_token_printed_char_by_char_between_colour_codes_is_redacted(project: Path) -> None:
    snap = builder.build(project, "session", "projects/demo/sessions/s1", "projects", 10_000_000)
    cast = snapshot_members(snap)["recording.cast"]
    streams = decoded_streams(cast)
    for token in (SERVER_TOKEN, GATEWAY_TOKEN):
        assert token not in streams["o"]
        assert token[:12] not in streams["o"]
    assert SERVER_TOKEN not in streams["i"]
    assert streams["o"].count("[redacted]") == 2
    assert "$ env | grep TOKEN" in streams["o"]  # the rest of the recording is intact


def test_a_session_file_with_a_colour_split_token_is_redacted(project: Path) -> None:
    log = project / "projects/demo/sessions/s1/build.log"
    log.write_text("token: " + "".join(f"\x1b[32m{c}\x1b[0m" for c in SERVER_TOKEN) + "\n")
    (project / "projects/demo/sessions/s1/plain.txt").write_text(f"gw={GATEWAY_TOKEN}\n")
    members = snapshot_members(builder.build(project, "session", "projects/demo/sessions/s1",
                                             "projects", 10_000_000))
    assert SERVER_TOKEN not in SGR.sub("", members["files/build.log"].decode())
    assert GATEWAY_TOKEN not in members["files/plain.txt"].decode()
    assert b"[redacted]" in members["files/plain.txt"]


@pytest.mark.parametrize("workdir", [".", "data", "sessions", "../demo", "/etc"])
def test_a_record_naming_a_workdir_the_api_refuses_is_not_shared(project: Path, workdir: str) -> None:
    record = project / "projects/demo/.orpheus/sessions/s1.json"
    model = json.loads(record.read_text())
    record.write_text(json.dumps({**model, "workdir": workdir}))
    with pytest.raises(builder.ShareBuildError) as e:
        builder.build(project, "session", "projects/demo/sessions/s1", "projects", 10_000_000)
    assert e.value.status == 400
    assert "working folder" in e.value.message


def test_a_record_with_the_video_workdir_shares_only_that_folder(project: Path) -> None:
    (project / "projects/demo/video").mkdir()
    (project / "projects/demo/video/scene.py").write_text("print('scene')\n")
    record = project / "projects/demo/.orpheus/sessions/s1.json"
    record.write_text(json.dumps({**json.loads(record.read_text()), "workdir": "video"}))
    members = snapshot_members(builder.build(project, "session", "projects/demo/sessions/s1",
                                             "projects", 10_000_000))
    assert [n for n in members if n.startswith("files/")] == ["files/scene.py"]


def test_the_share_service_scrubs_gateway_tokens_from_uploaded_recordings(tmp_path: Path) -> None:
    data = tar_bytes([("session.json", b"{}"), ("recording.cast", crafted_cast(GATEWAY_TOKEN).encode())])
    snapshots.extract(data, tmp_path, "session", snapshots.Limits(10_000_000, 100, 200.0))
    streams = decoded_streams((tmp_path / "recording.cast").read_bytes())
    assert GATEWAY_TOKEN not in streams["o"]
    assert GATEWAY_TOKEN not in streams["i"]
    assert "[redacted]" in streams["o"]
