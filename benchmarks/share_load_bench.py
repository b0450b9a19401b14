"""Public share view under load: ``python -m benchmarks share_load``.

Starts a real hub (with the real share service and proxy) on loopback, creates
a session share (files + an asciicast recording) through the owner API, then
runs N concurrent anonymous clients for D seconds, alternating the session
page and its recording, through the proxy. Reports requests/s, p50/p99 latency
and errors (the goal is zero). Bounded: loopback only, fixed duration.

Options (environment): SHARE_BENCH_CLIENTS (50), SHARE_BENCH_SECONDS (20).
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest

from orpheus.shares import builder
from tests.harness.hub import make_hub
from tests.harness.ports import free_port
from tests.hub.share.content import make_project


def _not_found_timing(base: str, revoked_url: str, rounds: int = 300) -> dict[str, float]:
    """Median latency of a revoked link vs an unknown one (they should be indistinguishable)."""
    import requests

    unknown_url = base + "/services/share/s/" + "Z" * 43
    times: dict[str, list[float]] = {"revoked": [], "unknown": []}
    with requests.Session() as http:
        for i in range(rounds * 2):
            name, url = ("revoked", revoked_url) if i % 2 else ("unknown", unknown_url)
            start = time.perf_counter()
            assert http.get(url, timeout=10).status_code == 404
            times[name].append(time.perf_counter() - start)
    return {f"{k}_404_p50_ms": round(statistics.median(v) * 1000, 2) for k, v in times.items()}


def _create_share(hub_url: str, token: str, root: Path) -> str:
    import requests

    snap = builder.build(root, "session", "projects/demo/sessions/s1", "projects", 50_000_000)
    r = requests.post(f"{hub_url}/services/share/api/shares", params={"kind": "session", "title": snap.title},
                      data=snap.data, headers={"Authorization": f"token {token}",
                                               "Content-Type": "application/gzip"}, timeout=60)
    r.raise_for_status()
    url: str = r.json()["url"]
    return url


async def _client(urls: list[str], stop_at: float, latencies: list[float], errors: list[str]) -> None:
    http = AsyncHTTPClient()
    i = 0
    while time.monotonic() < stop_at:
        url = urls[i % len(urls)]
        i += 1
        start = time.perf_counter()
        try:
            resp = await http.fetch(HTTPRequest(url, request_timeout=30), raise_error=False)
            if resp.code != 200:
                errors.append(str(resp.code))
                continue
        except (HTTPClientError, OSError) as e:
            errors.append(type(e).__name__)
            continue
        latencies.append(time.perf_counter() - start)


async def _load(urls: list[str], clients: int, seconds: float) -> dict[str, float | int]:
    AsyncHTTPClient.configure(None, max_clients=clients)
    latencies: list[float] = []
    errors: list[str] = []
    started = time.monotonic()
    stop_at = started + seconds
    await asyncio.gather(*(_client(urls, stop_at, latencies, errors) for _ in range(clients)))
    elapsed = time.monotonic() - started
    ordered = sorted(latencies)

    def pct(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0.0

    return {"clients": clients, "seconds": round(elapsed, 1), "requests": len(latencies) + len(errors),
            "requests_per_s": round((len(latencies) + len(errors)) / elapsed, 1),
            "p50_ms": round(pct(0.50), 1), "p99_ms": round(pct(0.99), 1),
            "mean_ms": round(statistics.fmean(ordered) * 1000, 1) if ordered else 0.0,
            "errors": len(errors)}


def main() -> int:
    """Run the benchmark once and print a JSON line of results."""
    clients = int(os.environ.get("SHARE_BENCH_CLIENTS", "50"))
    seconds = float(os.environ.get("SHARE_BENCH_SECONDS", "20"))
    with tempfile.TemporaryDirectory(prefix="share-bench-") as tmp:
        data = Path(tmp)
        hub = make_hub(data, env={"ORPHEUS_SHARE_PORT": str(free_port())})
        assert urlparse(hub.url).hostname == "127.0.0.1"  # loopback only
        hub.start()
        try:
            _wait(hub.url + "/services/share/health")
            token = hub.create_user("bench")
            root = data / "bench-root"
            make_project(root)
            page = _create_share(hub.url, token, root)
            result = asyncio.run(_load([page, page + "/recording.cast"], clients, seconds))
            revoked = _create_share(hub.url, token, root)
            share_id = _share_id(hub.url, token)
            import requests

            requests.delete(f"{hub.url}/services/share/api/shares/{share_id}",
                            headers={"Authorization": f"token {token}"}, timeout=30).raise_for_status()
            result.update(_not_found_timing(hub.url, revoked))
        finally:
            hub.stop()
    result["target"] = "session page + recording.cast through the proxy"
    print(json.dumps(result))
    return 0 if result["errors"] == 0 else 1


def _share_id(hub_url: str, token: str) -> str:
    """The id of the newest share (the link itself never appears in listings)."""
    import requests

    shares = requests.get(f"{hub_url}/services/share/api/shares", timeout=30,
                          headers={"Authorization": f"token {token}"}).json()["shares"]
    share_id: str = shares[0]["id"]
    return share_id


def _wait(url: str) -> None:
    import requests

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise TimeoutError(url)


if __name__ == "__main__":
    sys.exit(main())
