"""Snapshot intake and the share store, without a hub (fast)."""

from __future__ import annotations

import tarfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from orpheus_hub.share import previews, snapshots
from orpheus_hub.share.store import ShareStore, SnapshotConflict, SnapshotStore, hash_token

from .content import bomb, special, tar_bytes

LIMITS = snapshots.Limits(max_bytes=1_000_000, max_files=10, max_ratio=50)


def test_a_good_session_snapshot_unpacks_with_its_manifest(tmp_path: Path) -> None:
    data = tar_bytes([("session.json", b"{}"), ("recording.cast", b"{}\n"),
                      ("files/a.txt", b"a"), ("files/d/b.txt", b"bb")], mode="w:gz")
    assert snapshots.extract(data, tmp_path, "session", LIMITS) == 2 + 3 + 1 + 2
    assert snapshots.manifest(tmp_path) == [{"path": "a.txt", "size": 1}, {"path": "d/b.txt", "size": 2}]


@pytest.mark.parametrize(("entries", "status"), [
    ([("files/../x", b"x")], 400),
    ([("/abs", b"x")], 400),
    ([special("files/l", tarfile.SYMTYPE, "../../etc/passwd")], 400),
    ([special("files/d", tarfile.BLKTYPE)], 400),
    ([(f"files/{i}", b"x") for i in range(11)], 413),
    ([("files/big", b"x" * 1_000_001)], 413),
])
def test_bad_entries_are_refused(tmp_path: Path, entries: list, status: int) -> None:  # type: ignore[type-arg]
    with pytest.raises(snapshots.SnapshotError) as e:
        snapshots.extract(tar_bytes(entries), tmp_path / "x", "file", LIMITS)
    assert e.value.status == status


def test_a_bomb_is_refused_before_it_is_written(tmp_path: Path) -> None:
    dest = tmp_path / "dest"
    dest.mkdir()
    with pytest.raises(snapshots.SnapshotError) as e:
        snapshots.extract(bomb(50_000_000), dest, "file", LIMITS)
    assert e.value.status == 413
    written = sum(p.stat().st_size for p in dest.rglob("*") if p.is_file())
    assert written == 0


def test_tokens_are_stored_only_as_hashes_and_revocation_hides_them(tmp_path: Path) -> None:
    store = ShareStore(f"sqlite:///{tmp_path / 'shares.sqlite'}")
    now = datetime.now(timezone.utc)
    share, token = store.create("ann", "file", "t", "x", now + timedelta(hours=1), 5, now, "id1")
    assert len(token) >= 43
    assert share.token_hash == hash_token(token)
    raw = (tmp_path / "shares.sqlite").read_bytes()
    assert token.encode() not in raw
    found = store.by_token(token)
    assert found is not None
    assert found.id == "id1"
    assert store.by_token(token + "x") is None
    assert not found.is_expired(now)
    assert found.is_expired(now + timedelta(hours=2))
    assert store.owner_total("ann") == 5
    assert store.expired_before(now) == []
    assert [s.id for s in store.expired_before(now + timedelta(hours=2))] == ["id1"]
    assert store.revoke("id1", now)
    assert store.by_token(token) is None
    assert store.list("ann") == []


def test_a_failed_refresh_keeps_the_previous_version(tmp_path: Path) -> None:
    snaps = SnapshotStore(tmp_path / "shares")
    first = snaps.staging()
    snapshots.extract(tar_bytes([("files/a.txt", b"one")]), first, "file", LIMITS)
    snaps.commit(first, "s", 1)
    second = snaps.staging()
    with pytest.raises(snapshots.SnapshotError):
        snapshots.extract(tar_bytes([("files/a.txt", b"two"), ("files/../b", b"x")]), second, "file", LIMITS)
    snaps.discard(second)
    assert (snaps.path("s", 1) / "files" / "a.txt").read_bytes() == b"one"
    assert list((tmp_path / "shares" / ".staging").iterdir()) == []


def test_markdown_is_sanitized() -> None:
    html = previews.markdown_html("[x](javascript:alert(1)) <img src=x onerror=alert(1)> <b>ok</b>")
    assert "javascript:" not in html
    assert "onerror" not in html
    assert "<b>ok</b>" in html


def test_racing_refreshes_conflict_instead_of_mixing(tmp_path: Path) -> None:
    snaps = SnapshotStore(tmp_path / "shares")
    first, second = snaps.staging(), snaps.staging()
    for folder, body in ((first, b"one"), (second, b"two")):
        snapshots.extract(tar_bytes([("files/a.txt", body)]), folder, "file", LIMITS)
    snaps.commit(first, "s", 2)
    with pytest.raises(SnapshotConflict):
        snaps.commit(second, "s", 2)
    assert (snaps.path("s", 2) / "files" / "a.txt").read_bytes() == b"one"


def test_relative_markdown_images_point_at_the_inline_image_url() -> None:
    html = previews.markdown_html("![plot](img/plot.png) ![x](../../etc/passwd) ![y](https://e.org/a.png)",
                                  "/services/share/s/T/raw/", "docs")
    assert 'src="/services/share/s/T/raw/docs/img/plot.png"' in html
    assert 'src="../../etc/passwd"' in html  # left alone: it resolves to nothing
    assert 'src="https://e.org/a.png"' in html  # blocked by the page CSP (img-src 'self' data:)
