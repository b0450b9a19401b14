"""Plain Jupyter terminal vs. Orpheus session terminal (recording on), side by side.

Starts one real jupyter server (with the orpheus extension) in a subprocess. Both
terminals run the same shell (``bash --norc --noprofile``): the plain one through
``POST /api/terminals``, the session one through ``POST /orpheus/api/sessions``
(claude_command pointed at the same shell), so the only difference is Orpheus'
recorder and observers. Measured through the real terminal websocket:

- keystroke round trip: one key sent, its echo received (p50, p99 over KEYS keys
  per terminal, the two terminals taking turns key by key);
- bulk output: ROUNDS runs of BULK_MB megabytes printed by the shell and received
  through the websocket (60 MB per terminal by default), alternating terminals;
  the throughput is total bytes over total time, with the median of the paired
  per-round ratios beside it.

Interleaving makes the noise of a shared machine hit both terminals alike.
Run: ``python -m benchmarks terminal`` (or ``make bench BENCH=terminal``).
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tornado.httpclient import AsyncHTTPClient, HTTPRequest
from tornado.websocket import WebSocketClientConnection, websocket_connect

KEYS = int(os.environ.get("BENCH_KEYS", "600"))
BULK_MB = int(os.environ.get("BENCH_BULK_MB", "10"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "6"))
SHELL = ["/bin/bash", "--norc", "--noprofile"]
DONE = "__BENCH_DONE__"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_config(root: Path, token: str, port: int) -> str:
    return f"""
c.ServerApp.port = {port}
c.ServerApp.ip = "127.0.0.1"
c.ServerApp.open_browser = False
c.ServerApp.allow_root = True
c.ServerApp.root_dir = {str(root)!r}
c.IdentityProvider.token = {token!r}
c.ServerApp.jpserver_extensions = {{"orpheus": True, "jupyter_server_terminals": True}}
c.ServerApp.terminado_settings = {{"shell_command": {SHELL!r}}}
c.ClaudeSessionManager.claude_command = {SHELL!r}
c.ClaudeSessionManager.home_dir = {str(root)!r}
"""


class Term:
    """A terminal websocket client that counts output."""

    def __init__(self, ws: WebSocketClientConnection) -> None:
        self.ws = ws

    async def send(self, text: str) -> None:
        await self.ws.write_message(json.dumps(["stdin", text]))

    async def read_until(self, needle: str, timeout: float = 120.0) -> int:
        """Read output until ``needle`` appears; returns the characters received."""
        received, tail = 0, ""
        deadline = time.monotonic() + timeout
        while True:
            msg = await asyncio.wait_for(self.ws.read_message(), max(0.1, deadline - time.monotonic()))
            if msg is None:
                raise RuntimeError("terminal websocket closed")
            kind, *rest = json.loads(msg)
            if kind != "stdout":
                continue
            received += len(rest[0])
            tail = (tail + rest[0])[-4096:]
            if needle in tail:
                return received

    async def quiet(self, seconds: float = 0.3) -> None:
        """Discard output until none arrives for ``seconds``."""
        while True:
            try:
                msg = await asyncio.wait_for(self.ws.read_message(), seconds)
            except asyncio.TimeoutError:
                return
            if msg is None:
                return


async def keystroke(term: Term, key: str) -> float:
    """Round-trip time (ms) of one key echoed by the shell's line editor."""
    start = time.perf_counter()
    await term.send(key)
    await term.read_until(key)
    return (time.perf_counter() - start) * 1000


async def clear_line(term: Term) -> None:
    await term.send("\x15")  # ctrl-U
    await term.quiet(0.05)


async def bulk(term: Term, megabytes: int) -> float:
    """MB/s of ``megabytes`` of shell output received through the websocket."""
    size = megabytes * 1_000_000
    # 'DO''NE' keeps the typed command's echo from matching the marker.
    line = "0123456789abcdefghijklmnopqrstuvwxyz" * 2
    cmd = f"yes {line} | head -c {size}; echo __BENCH_DO''NE__\r"
    start = time.perf_counter()
    await term.send(cmd)
    received = await term.read_until(DONE, timeout=600)
    elapsed = time.perf_counter() - start
    await term.quiet(0.2)
    return received / 1_000_000 / elapsed


async def open_terminals(base: str, token: str) -> tuple[Term, Term, str]:
    client = AsyncHTTPClient()
    headers = {"Authorization": f"token {token}"}
    r = await client.fetch(HTTPRequest(f"{base}/api/terminals", method="POST", body="{}", headers=headers))
    plain_name = json.loads(r.body)["name"]
    body = json.dumps({"title": "bench", "mode": "claude"})
    r = await client.fetch(
        HTTPRequest(f"{base}/orpheus/api/sessions", method="POST", body=body,
                    headers={**headers, "Content-Type": "application/json"})
    )
    session = json.loads(r.body)
    ws_base = base.replace("http://", "ws://")
    terms = []
    for name in (plain_name, session["terminal"]):
        ws = await websocket_connect(HTTPRequest(f"{ws_base}/terminals/websocket/{name}", headers=headers),
                                     max_message_size=64 * 1024 * 1024)
        term = Term(ws)
        await term.ws.write_message(json.dumps(["set_size", 40, 160]))
        await term.quiet(0.5)
        terms.append(term)
    return terms[0], terms[1], session["id"]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def measure(base: str, token: str) -> dict[str, dict[str, Any]]:
    """Keys and bulk runs interleaved between the two terminals, so noise hits both alike."""
    plain, orpheus = (await open_terminals(base, token))[:2]
    results: dict[str, dict[str, Any]] = {k: {"rtt": [], "bulk": []} for k in ("plain", "orpheus")}
    pair = [("plain", plain), ("orpheus", orpheus)]
    for i in range(KEYS):
        key = "abcdefghij"[i % 10]
        for label, term in pair if i % 2 else reversed(pair):
            results[label]["rtt"].append(await keystroke(term, key))
        if i % 50 == 49:
            for _, term in pair:
                await clear_line(term)
    for _, term in pair:
        await clear_line(term)
    for _ in range(ROUNDS):
        for label, term in pair:
            results[label]["bulk"].append(await bulk(term, BULK_MB))
        pair.reverse()  # alternate who goes first
    return results


def report(results: dict[str, dict[str, Any]], cast: Path | None) -> None:
    rows = {}
    for label, data in results.items():
        total_time = sum(BULK_MB / b for b in data["bulk"])
        rows[label] = (pct(data["rtt"], 0.5), pct(data["rtt"], 0.99),
                       BULK_MB * len(data["bulk"]) / total_time)
        print(f"{label:8s} keys={len(data['rtt'])} rtt p50={rows[label][0]:.3f} ms "
              f"p99={rows[label][1]:.3f} ms  bulk={rows[label][2]:.1f} MB/s over "
              f"{BULK_MB * len(data['bulk'])} MB (runs: {', '.join(f'{b:.1f}' for b in data['bulk'])})")
    paired = statistics.median(o / p for o, p in zip(results["orpheus"]["bulk"], results["plain"]["bulk"], strict=True))
    p50 = rows["orpheus"][0] / rows["plain"][0]
    p99 = rows["orpheus"][1] / rows["plain"][1]
    tput = rows["orpheus"][2] / rows["plain"][2]
    print(f"ratios orpheus/plain: rtt p50 {p50:.2f}x, rtt p99 {p99:.2f}x (goal <= 1.2x), "
          f"bulk {tput:.2f}x (goal >= 0.9x; median of paired rounds {paired:.2f}x)")
    if cast is not None and cast.exists():
        print(f"recording written during the run: {cast.stat().st_size / 1e6:.1f} MB")


def wait_ready(base: str, token: str, proc: subprocess.Popen[bytes]) -> None:
    import urllib.request

    for _ in range(300):
        if proc.poll() is not None:
            raise RuntimeError("jupyter server exited during start")
        try:
            req = urllib.request.Request(  # noqa: S310 (the local server just started)
                f"{base}/api/status", headers={"Authorization": f"token {token}"}
            )
            with urllib.request.urlopen(req, timeout=1):  # noqa: S310 (local server)
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("jupyter server did not start")


def main() -> int:
    token, port = secrets.token_hex(16), free_port()
    with tempfile.TemporaryDirectory(prefix="orpheus-bench-") as tmp:
        root = Path(tmp) / "root"
        root.mkdir()
        config = Path(tmp) / "bench_config.py"
        config.write_text(server_config(root, token, port))
        proc = subprocess.Popen(
            [sys.executable, "-m", "jupyter_server", f"--config={config}"],
            stdout=subprocess.DEVNULL, stderr=open(Path(tmp) / "server.log", "wb"),
            env={**os.environ, "JUPYTER_CONFIG_DIR": str(Path(tmp) / "cfg")},
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_ready(base, token, proc)
            results = asyncio.run(measure(base, token))
            casts = list(root.glob("projects/*/.orpheus/sessions/*.cast"))
            report(results, casts[0] if casts else None)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
