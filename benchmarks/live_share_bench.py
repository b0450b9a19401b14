"""Live session share under load: ``python -m benchmarks live_share``.

Starts a real hub (proxy, share service, a real user server) on loopback, opens a
shell session whose background job prints a wall-clock stamp line every
LIVE_BENCH_INTERVAL seconds (a busy session), shares it live, and connects
LIVE_BENCH_VIEWERS anonymous viewers (in a separate process, through the proxy,
the asciinema-player websocket protocol) for LIVE_BENCH_SECONDS. Reports:

- delay from terminal output to viewer: each stamp is the time the shell printed
  it; a viewer's delay is its arrival time minus that (p50/p99 over every stamp
  every viewer received; goal p99 <= 250 ms);
- the owner's keystroke round trip (key sent on the owner's own terminal websocket,
  echo received; readline echo while the busy job prints) with the 100 viewers,
  compared in the same run with the named baselines: no live share (``none``: before
  sharing and after revoking) and the live share with no viewer (``idle``: before and
  after the viewers), as ratios (goal: changes <= 10 %);
- CPU (% of one core) of the user server and the share service per phase: the user
  server's with 100 viewers over its idle live share shows what the viewers cost it
  (one stream either way); the keystroke ratios also carry the load the viewers and
  this client put on a shared machine.

Options (environment): LIVE_BENCH_VIEWERS (100), LIVE_BENCH_SECONDS (60; shorter
for a smoke run), LIVE_BENCH_KEYS (300 per baseline phase), LIVE_BENCH_INTERVAL (0.02),
LIVE_BENCH_VIEWER_NICE (5: the viewers' process runs at this niceness, as remote viewers
would not compete for this machine's CPU; 0 to compete), LIVE_BENCH_DIRECT=1 (diagnostic:
viewers bypass the proxy and connect to the share service's port).
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import psutil
import requests
from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

from benchmarks.terminal_bench import Term, keystroke, pct
from tests.harness.hub import Hub, make_hub
from tests.harness.ports import free_port

VIEWERS = int(os.environ.get("LIVE_BENCH_VIEWERS", "100"))
SECONDS = float(os.environ.get("LIVE_BENCH_SECONDS", "60"))
KEYS = int(os.environ.get("LIVE_BENCH_KEYS", "300"))
INTERVAL = float(os.environ.get("LIVE_BENCH_INTERVAL", "0.02"))
NICE = int(os.environ.get("LIVE_BENCH_VIEWER_NICE", "5"))
# Diagnostic: viewers connect to the share service's own port instead of through the proxy.
DIRECT = os.environ.get("LIVE_BENCH_DIRECT", "") == "1"
SHARE_PORT = free_port()
STAMP = re.compile(r"T(\d{16})\.")
PAD = "." * 60
KEYSET = "abcdefghij"  # never in the stamp lines


# ---- viewers (a separate process, so their parsing does not slow the owner's side) ----
async def _viewer(url: str, stop_at: float, delays: list[float], stats: dict[str, int]) -> None:
    conn = await websocket_connect(HTTPRequest(url), subprotocols=["v2.asciicast"])
    joined_us = time.time() * 1e6
    stats["connected"] += 1
    carry = ""
    while time.monotonic() < stop_at:
        try:
            msg = await asyncio.wait_for(conn.read_message(), max(0.05, stop_at - time.monotonic()))
        except asyncio.TimeoutError:
            break
        if msg is None:
            stats["closed_early"] += 1
            return
        now_us = time.time() * 1e6
        # The raw JSON message is searched as is (stamps are plain ASCII): no decoding cost.
        text, last = carry + str(msg), 0
        for match in STAMP.finditer(text):
            stamp = int(match.group(1))
            if stamp > joined_us:  # the backlog replayed on joining is not a delay
                delays.append((now_us - stamp) / 1000)
            last = match.end()
        carry = text[max(last, len(text) - 40):]
    conn.close()


async def _viewers(url: str, count: int, seconds: float) -> dict[str, Any]:
    delays: list[float] = []
    stats = {"connected": 0, "closed_early": 0}
    stop_at = time.monotonic() + seconds
    await asyncio.gather(*(_viewer(url, stop_at, delays, stats) for _ in range(count)))
    return {"viewers": stats["connected"], "closed_early": stats["closed_early"], "stamps": len(delays),
            "delay_p50_ms": round(pct(delays, 0.5), 1) if delays else None,
            "delay_p99_ms": round(pct(delays, 0.99), 1) if delays else None,
            "delay_max_ms": round(max(delays), 1) if delays else None}


def _viewer_process(url: str, count: int, seconds: float, out: Any) -> None:
    # Real viewers are on other machines: this load generator yields the CPU to the
    # hub, proxy, share service and user server it shares this machine with.
    os.nice(NICE)
    out.put(asyncio.run(_viewers(url, count, seconds)))


# ---- the owner's side ----------------------------------------------------------------
async def _keys(term: Term, count: int, until: float | None = None) -> list[float]:
    """Keystroke round trips, ``count`` of them (or until ``until``)."""
    rtts: list[float] = []
    i = 0
    while (until is None and i < count) or (until is not None and time.monotonic() < until):
        rtts.append(await keystroke(term, KEYSET[i % len(KEYSET)]))
        i += 1
        if i % 40 == 0:
            await term.send("\x15")  # ctrl-U; no waiting for quiet: the session never is
    await term.send("\x15")
    return rtts


async def _owner_terminal(server: str, token: str, terminal: str) -> Term:
    url = server.replace("http://", "ws://") + f"terminals/websocket/{terminal}"
    term = Term(await websocket_connect(HTTPRequest(url, headers={"Authorization": f"token {token}"})))
    await term.send("exec bash --norc --noprofile\r")
    await term.quiet(0.5)
    micros = '"${EPOCHREALTIME/./}"'
    await term.send(f"(while :; do printf 'T%s{PAD}\\n' {micros}; sleep {INTERVAL}; done) &\r")
    await term.read_until(PAD)
    await term.send("clear\r")
    return term


def _session(hub: Hub, name: str) -> tuple[str, str, dict[str, Any]]:
    token = hub.create_user(name)
    hub.api("POST", "/groups/shell")
    hub.api("POST", "/groups/shell/users", json={"users": [name]}).raise_for_status()
    server = hub.spawn(name)
    r = requests.post(server + "orpheus/api/sessions", json={"title": "busy", "mode": "shell"},
                      headers={"Authorization": f"token {token}"}, timeout=60)
    r.raise_for_status()
    return server, token, r.json()


def _share(server: str, token: str, session_id: str) -> tuple[str, str]:
    r = requests.post(server + "orpheus/api/shares", json={"kind": "live", "target": session_id},
                      headers={"Authorization": f"token {token}"}, timeout=60)
    r.raise_for_status()
    url: str = r.json()["url"]
    if DIRECT:
        url = f"http://127.0.0.1:{SHARE_PORT}" + str(r.json()["path"])
    return url.replace("http://", "ws://") + "/live", str(r.json()["id"])


def _revoke(server: str, token: str, share_id: str) -> None:
    requests.delete(f"{server}orpheus/api/shares/{share_id}", headers={"Authorization": f"token {token}"},
                    timeout=60).raise_for_status()


def _processes(hub: Hub) -> dict[str, psutil.Process]:
    """The user server and the share service (their CPU time is read per phase)."""
    assert hub.proc is not None
    found: dict[str, psutil.Process] = {}
    for proc in psutil.Process(hub.proc.pid).children(recursive=True):
        line = " ".join(proc.cmdline())
        if "jupyterhub-singleuser" in line:
            found["user_server"] = proc
        elif "orpheus_hub.share" in line:
            found["share_service"] = proc
    return found


class CPU:
    """CPU seconds per wall second of some processes, per phase."""

    def __init__(self, procs: dict[str, psutil.Process]) -> None:
        self.procs = procs
        self.phases: dict[str, dict[str, float]] = {}
        self._mark = self._now()

    def _now(self) -> tuple[float, dict[str, float]]:
        return time.monotonic(), {k: sum(p.cpu_times()[:2]) for k, p in self.procs.items()}

    def phase(self, name: str) -> None:
        """Close the phase that started at the last mark."""
        (t0, c0), (t1, c1) = self._mark, self._now()
        self.phases[name] = {k: round((c1[k] - c0[k]) / (t1 - t0) * 100, 1) for k in c1}
        self._mark = (t1, c1)


async def _run(server: str, token: str, session: dict[str, Any], cpu: CPU) -> dict[str, Any]:
    term = await _owner_terminal(server, token, str(session["terminal"]))
    cpu.phase("start")
    rtt: dict[str, list[float]] = {"none": await _keys(term, KEYS)}
    cpu.phase("none")
    live_url, share_id = await asyncio.to_thread(_share, server, token, str(session["id"]))
    cpu.phase("sharing")
    rtt["idle"] = await _keys(term, KEYS)
    cpu.phase("idle")
    out: Any = multiprocessing.get_context("spawn").Queue()
    proc = multiprocessing.get_context("spawn").Process(
        target=_viewer_process, args=(live_url, VIEWERS, SECONDS, out))
    proc.start()
    await asyncio.sleep(min(5.0, SECONDS / 6))  # viewers connect and catch up
    cpu.phase("joining")
    rtt["viewers"] = await _keys(term, 0, until=time.monotonic() + SECONDS - min(5.0, SECONDS / 6) - 1)
    cpu.phase("viewers")
    viewers = await asyncio.to_thread(out.get, True, SECONDS + 120)
    await asyncio.to_thread(proc.join, 30)
    rtt["idle"] += await _keys(term, KEYS)
    await asyncio.to_thread(_revoke, server, token, share_id)  # the feed stops
    rtt["none"] += await _keys(term, KEYS)
    return {"rtt": rtt, "viewers": viewers, "cpu": {k: cpu.phases[k] for k in ("none", "idle", "viewers")}}


def report(result: dict[str, Any]) -> dict[str, Any]:
    rtt, viewers, cpu = result["rtt"], result["viewers"], result["cpu"]
    rows = {k: {"keys": len(v), "p50_ms": round(pct(v, 0.5), 3), "p99_ms": round(pct(v, 0.99), 3)}
            for k, v in rtt.items()}
    for name, row in rows.items():
        print(f"keystroke rtt [{name:7s}] keys={row['keys']} p50={row['p50_ms']} ms p99={row['p99_ms']} ms")
    print(f"viewers: {viewers['viewers']} connected, {viewers['closed_early']} closed early, "
          f"{viewers['stamps']} stamps; delay p50={viewers['delay_p50_ms']} ms "
          f"p99={viewers['delay_p99_ms']} ms max={viewers['delay_max_ms']} ms (goal p99 <= 250 ms)")
    ratios = {f"rtt_{q}_viewers/{base}": round(rows["viewers"][f"{q}_ms"] / rows[base][f"{q}_ms"], 3)
              for q in ("p50", "p99") for base in ("idle", "none")}
    ratios["delay_p99/goal_250ms"] = round((viewers["delay_p99_ms"] or 0) / 250, 3)
    for name, row in cpu.items():
        print(f"cpu % of one core [{name:7s}] " + ", ".join(f"{k} {v}" for k, v in row.items()))
    if cpu["idle"].get("user_server"):
        ratios["user_server_cpu_viewers/idle"] = round(cpu["viewers"]["user_server"] / cpu["idle"]["user_server"], 3)
    print("ratios: " + ", ".join(f"{k} {v:.2f}x" for k, v in ratios.items()) + " (rtt goal: <= 1.10x)")
    return {"rtt": rows, "viewers": viewers, "cpu": cpu, "ratios": ratios}


def main() -> int:
    """Run once; print the table, the ratios and a JSON line."""
    with tempfile.TemporaryDirectory(prefix="live-share-bench-") as tmp:
        hub = make_hub(Path(tmp), env={"ORPHEUS_SHARE_PORT": str(SHARE_PORT)})
        assert urlparse(hub.url).hostname == "127.0.0.1"  # loopback only
        hub.start()
        try:
            server, token, session = _session(hub, "livebench")
            cpu = CPU(_processes(hub))
            summary = report(asyncio.run(_run(server, token, session, cpu)))
        finally:
            hub.stop()
    summary["setup"] = {"viewers": VIEWERS, "seconds": SECONDS, "interval": INTERVAL}
    print(json.dumps(summary))
    ok = summary["viewers"]["viewers"] == VIEWERS and summary["viewers"]["closed_early"] == 0
    return 0 if ok and summary["viewers"]["stamps"] else 1


if __name__ == "__main__":
    sys.exit(main())
