"""The Orpheus contents manager behind the standard /api/contents and /files/ endpoints."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 64


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


async def test_contents_manager_in_effect(jp_serverapp) -> None:  # type: ignore[no-untyped-def]
    from orpheus.contents import OrpheusContentsManager

    assert isinstance(jp_serverapp.contents_manager, OrpheusContentsManager)


@pytest.mark.parametrize(
    ("name", "model", "reason"),
    [
        ("fake.png", {"format": "text", "content": "just text, no PNG"}, "does not look like a .png file"),
        ("tool.csv", {"format": "base64", "content": _b64(ELF)}, "binary or executable"),
        ("clip.mp4", {"format": "base64", "content": _b64(b"\x00" * 32)}, "not an MP4"),
        ("data.csv", {"format": "base64", "content": _b64(b"a,b\n\x00\x00")}, "binary data"),
    ],
)
async def test_upload_with_wrong_magic_is_415_and_nothing_written(
    api, jp_root_dir: Path, name: str, model: dict[str, str], reason: str
) -> None:  # type: ignore[no-untyped-def]
    code, body, _ = await api("PUT", "api", "contents", name, body={"type": "file", **model})
    assert code == 415, body
    assert reason in body["message"]
    assert "nothing was saved" in body["message"]
    assert not (jp_root_dir / name).exists()


async def test_wrong_magic_does_not_replace_an_existing_file(api, jp_root_dir: Path) -> None:  # type: ignore[no-untyped-def]
    (jp_root_dir / "pic.png").write_bytes(PNG)
    code, _, _ = await api(
        "PUT", "api", "contents", "pic.png", body={"type": "file", "format": "text", "content": "oops"}
    )
    assert code == 415
    assert (jp_root_dir / "pic.png").read_bytes() == PNG


async def test_good_uploads_pass(api, jp_root_dir: Path) -> None:  # type: ignore[no-untyped-def]
    code, _, _ = await api(
        "PUT", "api", "contents", "ok.png", body={"type": "file", "format": "base64", "content": _b64(PNG)}
    )
    assert code == 201
    assert (jp_root_dir / "ok.png").read_bytes() == PNG
    code, _, _ = await api(
        "PUT", "api", "contents", "ok.csv", body={"type": "file", "format": "text", "content": "a,b\n1,2\n"}
    )
    assert code == 201
    # JupyterLab's "New File" saves empty content: nothing to check, allowed.
    code, _, _ = await api("POST", "api", "contents", body={"type": "file", "ext": ".txt"})
    assert code == 201


async def test_chunked_upload_checks_the_first_chunk(api, jp_root_dir: Path) -> None:  # type: ignore[no-untyped-def]
    bad = {"type": "file", "format": "base64", "content": _b64(ELF), "chunk": 1}
    code, body, _ = await api("PUT", "api", "contents", "big.csv", body=bad)
    assert code == 415
    assert "nothing was saved" in body["message"]
    assert not (jp_root_dir / "big.csv").exists()
    # A "later" chunk on a file that does not exist yet is the file's start: checked too.
    code, _, _ = await api("PUT", "api", "contents", "big.csv", body={**bad, "chunk": 2})
    assert code == 415
    assert not (jp_root_dir / "big.csv").exists()

    data = PNG + b"\x01" * 1000
    first, rest = data[:300], data[300:]
    for chunk, part in ((1, first), (-1, rest)):
        code, _, _ = await api(
            "PUT",
            "api",
            "contents",
            "big.png",
            body={"type": "file", "format": "base64", "content": _b64(part), "chunk": chunk},
        )
        assert code in (200, 201)
    assert (jp_root_dir / "big.png").read_bytes() == data


async def test_invalid_base64_is_400(api, jp_root_dir: Path) -> None:  # type: ignore[no-untyped-def]
    code, body, _ = await api(
        "PUT", "api", "contents", "x.png", body={"type": "file", "format": "base64", "content": "!!!notbase64!!!"}
    )
    assert code == 400
    assert "base64" in body["message"]
    assert not (jp_root_dir / "x.png").exists()


async def test_symlink_to_etc_is_refused_everywhere(api, jp_fetch, jp_root_dir: Path) -> None:  # type: ignore[no-untyped-def]
    os.symlink("/etc", jp_root_dir / "etc-link")
    os.symlink("/etc/hostname", jp_root_dir / "host-link")
    (jp_root_dir / "inside.txt").write_text("fine")
    os.symlink(jp_root_dir / "inside.txt", jp_root_dir / "inside-link.txt")

    for path in ("etc-link", "etc-link/hostname", "host-link"):
        code, body, _ = await api("GET", "api", "contents", path)
        assert code == 403, (path, body)
        assert "leads outside your Jupyter root" in body["message"]
        assert "/etc" not in body["message"]
    code, _, _ = await api(
        "PUT", "api", "contents", "etc-link/evil.txt", body={"type": "file", "format": "text", "content": "x"}
    )
    assert code == 403
    assert not Path("/etc/evil.txt").exists()
    code, _, _ = await api("PATCH", "api", "contents", "host-link", body={"path": "renamed"})
    assert code == 403
    assert (jp_root_dir / "host-link").is_symlink()
    code, _, _ = await api("DELETE", "api", "contents", "etc-link")
    assert code == 403
    assert (jp_root_dir / "etc-link").is_symlink()
    code, _, _ = await api("POST", "api", "contents", body={"copy_from": "host-link"})
    assert code == 403

    r = await jp_fetch("files", "host-link", raise_error=False)
    assert r.code == 403
    assert b"hostname" not in r.body

    # The listing still works: escaping links are left out, links inside the root stay.
    code, listing, _ = await api("GET", "api", "contents", "")
    assert code == 200
    names = {m["name"] for m in listing["content"]}
    assert names == {"inside.txt", "inside-link.txt"}
    code, model, _ = await api("GET", "api", "contents", "inside-link.txt", params={"content": "1"})
    assert code == 200
    assert model["content"] == "fine"


async def test_copying_a_folder_keeps_escaping_links_as_links(api, jp_root_dir: Path) -> None:  # type: ignore[no-untyped-def]
    folder = jp_root_dir / "proj"
    folder.mkdir()
    (folder / "a.txt").write_text("a")
    os.symlink("/etc/hostname", folder / "host")
    code, body, _ = await api("POST", "api", "contents", body={"copy_from": "proj"})
    assert code == 201, body
    copied = jp_root_dir / body["path"]
    assert (copied / "a.txt").read_text() == "a"
    assert (copied / "host").is_symlink()  # not a copy of the outside file's content


async def test_stock_errors_do_not_reveal_the_server_folder(api, jp_root_dir: Path) -> None:  # type: ignore[no-untyped-def]
    code, body, _ = await api("DELETE", "api", "contents", "missing.txt")
    assert code == 404
    assert "missing.txt" in body["message"]
    assert str(jp_root_dir) not in body["message"]
    (jp_root_dir / "a.txt").write_text("a")
    code, body, _ = await api("PATCH", "api", "contents", "a.txt", body={"path": ".hidden.txt"})
    assert code == 400
    assert str(jp_root_dir) not in body["message"]
    assert (jp_root_dir / "a.txt").exists()
