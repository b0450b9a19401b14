"""The sandbox's parts on their own: the real bwrap command line run as root here, the
uid map and the start-up refusal (issue 12)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from orpheus_hub.sandbox import bwrap, preflight
from orpheus_hub.sandbox.uids import UidMap, UidRangeExhausted
from tests.harness.hub import make_hub

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the sandbox is started by root")
UID = 199990


def run_sandboxed(tmp_path: Path, script: str, max_processes: int = 1024) -> subprocess.CompletedProcess[str]:
    """Run ``script`` with /bin/sh in a sandbox as ``UID``; a fake data folder inside a
    runtime folder is hidden, as the hub's data folder is when it lies in the checkout."""
    runtime = tmp_path / "runtime"
    (runtime / "data").mkdir(parents=True)
    (runtime / "data" / "cookie_secret").write_text("hub secret")
    (runtime / "tool.txt").write_text("runtime file\n")
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    os.chown(home, UID, UID)
    passwd, group = bwrap.identity_files("trial", UID, "/home/jovyan")
    (tmp_path / "passwd").write_text(passwd)
    (tmp_path / "group").write_text(group)
    plan = bwrap.SandboxPlan(
        uid=UID,
        home=home,
        home_mount="/home/jovyan",
        passwd_file=tmp_path / "passwd",
        group_file=tmp_path / "group",
        runtime=[runtime, Path(sys.base_prefix)],
        hidden=[runtime / "data"],
    )
    argv = bwrap.command(plan, ["/bin/sh", "-c", script])
    return subprocess.run(
        argv, capture_output=True, text=True, timeout=60, check=False, preexec_fn=bwrap.limits(max_processes)
    )


def test_the_sandbox_runs_as_the_uid_and_sees_only_what_it_should(tmp_path: Path) -> None:
    done = run_sandboxed(
        tmp_path,
        (
            "id -u; id -un; pwd; cat "
            f"{tmp_path}/runtime/tool.txt; "
            f"ls -A {tmp_path}/runtime/data | wc -l; "
            "ls /proc | grep -c '^[0-9]'; "
            "touch /usr/forbidden 2>/dev/null && echo usr-writable || echo usr-readonly; "
            "cat /etc/shadow >/dev/null 2>&1 && echo shadow-readable || echo shadow-refused; "
            "grep -c : /etc/passwd; "
            "echo hi > /home/jovyan/mine.txt && echo home-writable; "
            "grep CapEff /proc/self/status"
        ),
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[:3] == [str(UID), "trial", "/home/jovyan"]
    assert lines[3] == "runtime file"
    assert lines[4] == "0"  # the hidden data folder is an empty tmpfs
    assert int(lines[5]) < 10  # a pid namespace of its own: not the host's processes
    assert lines[6:10] == ["usr-readonly", "shadow-refused", "3", "home-writable"]
    assert lines[10].split()[1] == "0000000000000000"  # no capabilities
    assert (tmp_path / "home" / "mine.txt").stat().st_uid == UID


def test_detached_children_die_with_the_sandbox(tmp_path: Path) -> None:
    marker = tmp_path / "home" / "survived"
    # the sandbox's main process exits at once; a setsid child would write after 2 s
    done = run_sandboxed(
        tmp_path, "setsid sh -c 'sleep 2; touch /home/jovyan/survived' </dev/null >/dev/null 2>&1 & echo started"
    )
    assert done.stdout.strip() == "started", done.stderr
    subprocess.run(["sleep", "3"], check=True)
    assert not marker.exists()


def test_a_fork_bomb_stops_at_the_process_cap(tmp_path: Path) -> None:
    done = run_sandboxed(
        tmp_path,
        (
            "grep 'Max processes' /proc/self/limits | awk '{print $3}'; "
            "for i in $(seq 60); do (sleep 3) 2>/dev/null & done; echo started $(jobs -p | wc -l)"
        ),
        max_processes=20,
    )
    lines = done.stdout.split()
    assert lines[0] == "20", done.stdout + done.stderr
    assert int(lines[-1]) <= 20, done.stdout + done.stderr  # not 60: the cap stopped the rest
    assert "Cannot fork" in done.stderr


def test_uids_are_stable_never_reused_and_skip_host_uids(tmp_path: Path) -> None:
    uids = UidMap(tmp_path / "uids.json", 65533, 65536)
    first = uids.uid_for("ann")
    assert first == 65533
    assert uids.uid_for("bob") == 65535  # 65534 is the host's nobody
    assert uids.uid_for("ann") == first
    assert UidMap(tmp_path / "uids.json", 65533, 65536).lookup("bob") == 65535  # persisted
    assert uids.uid_for("cy") == 65536
    with pytest.raises(UidRangeExhausted, match="uid_min..uid_max"):
        uids.uid_for("dee")
    assert (tmp_path / "uids.json").stat().st_mode & 0o077 == 0


def test_two_hubs_on_one_machine_never_share_a_uid(tmp_path: Path) -> None:
    one = UidMap(tmp_path / "uids.json", 250000, 250010, scope="/srv/hub-one")
    two = UidMap(tmp_path / "uids.json", 250000, 250010, scope="/srv/hub-two")
    assert one.uid_for("alice") != two.uid_for("alice")
    assert one.lookup("alice") == 250000
    assert two.lookup("bob") is None


def test_preflight_names_what_is_missing_and_the_setting_that_accepts_the_risk() -> None:
    with pytest.raises(preflight.IsolationUnavailable) as e:
        preflight.check("/nonexistent/bwrap", "setpriv", preflight.default_runtime_paths(), UID)
    assert "bubblewrap" in str(e.value)
    assert "ORPHEUS_ISOLATION=trusted" in str(e.value)
    preflight.check("bwrap", "setpriv", preflight.default_runtime_paths(), UID)  # works here


@pytest.mark.slow
def test_the_hub_refuses_to_start_without_isolation(tmp_path: Path) -> None:
    hub = make_hub(tmp_path, extra_config='c.SandboxSpawner.bwrap_path = "/nonexistent/bwrap"')
    with pytest.raises(RuntimeError) as e:
        hub.start(timeout=60)
    assert "Orpheus cannot isolate users" in str(e.value)
    assert "ORPHEUS_ISOLATION=trusted" in str(e.value)
