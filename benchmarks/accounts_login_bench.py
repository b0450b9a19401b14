"""Password logins vs hub responsiveness: ``python -m benchmarks accounts_login``.

Starts a real hub (Orpheus accounts, default Argon2id cost, rate limit off) on
loopback, signs a user up, then measures ``/hub/health`` latency twice in the
same run: idle (the baseline) and while N clients log in with the correct
password as fast as they can. Argon2id runs in worker threads, so the hub's
event loop should stay responsive; the ratio of the two p50s shows it.

Options (environment): LOGIN_BENCH_CLIENTS (4), LOGIN_BENCH_SECONDS (15).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

from tests.harness.hub import Hub, make_hub

PASSWORD = "benchmark passphrase of some length"  # noqa: S105 - a throwaway account on a temporary hub


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return {"p50_ms": round(statistics.median(ordered) * 1000, 2), "p99_ms": round(p99 * 1000, 2)}


def _health(hub: Hub, stop: threading.Event | None, rounds: int) -> list[float]:
    times: list[float] = []
    with requests.Session() as http:
        while (stop is None and len(times) < rounds) or (stop is not None and not stop.is_set()):
            start = time.perf_counter()
            http.get(hub.url + "/hub/health", timeout=30).raise_for_status()
            times.append(time.perf_counter() - start)
            time.sleep(0.01)
    return times


def _login_loop(hub: Hub, stop_at: float, latencies: list[float], errors: list[int]) -> None:
    while time.monotonic() < stop_at:
        with requests.Session() as s:
            s.get(hub.url + "/hub/login", timeout=30)
            data = {"_xsrf": s.cookies.get("_xsrf", path="/hub/"), "username": "bench", "password": PASSWORD}
            start = time.perf_counter()
            r = s.post(hub.url + "/hub/login", data=data, allow_redirects=False, timeout=60)
            if r.status_code == 302:
                latencies.append(time.perf_counter() - start)
            else:
                errors.append(r.status_code)


def _signup(hub: Hub) -> None:
    s = requests.Session()
    s.get(hub.url + "/hub/signup", timeout=30)
    data = {"_xsrf": s.cookies.get("_xsrf", path="/hub/"), "username": "bench",
            "email": "bench@example.org", "password": PASSWORD}
    r = s.post(hub.url + "/hub/signup", data=data, allow_redirects=False, timeout=60)
    assert r.status_code == 302, r.text[:300]


def measure(hub: Hub, clients: int, seconds: float) -> tuple[dict[str, dict[str, float]], int, int]:
    """Idle health latency, then health latency and login latency under concurrent logins."""
    idle = _health(hub, None, 200)
    latencies: list[float] = []
    errors: list[int] = []
    stop_at = time.monotonic() + seconds
    threads = [threading.Thread(target=_login_loop, args=(hub, stop_at, latencies, errors)) for _ in range(clients)]
    stop = threading.Event()
    busy: list[float] = []
    prober = threading.Thread(target=lambda: busy.extend(_health(hub, stop, 0)))
    prober.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stop.set()
    prober.join()
    stats = {"idle": _percentiles(idle), "busy": _percentiles(busy), "login": _percentiles(latencies)}
    return stats, len(latencies), len(errors)


def main() -> int:
    clients = int(os.environ.get("LOGIN_BENCH_CLIENTS", "4"))
    seconds = float(os.environ.get("LOGIN_BENCH_SECONDS", "15"))
    with tempfile.TemporaryDirectory() as tmp:
        hub = make_hub(Path(tmp), extra_config="c.OrpheusAuthenticator.login_rate_limit = 0")
        hub.start()
        try:
            _signup(hub)
            stats, logins, errors = measure(hub, clients, seconds)
        finally:
            hub.stop()
    idle, busy, login = stats["idle"], stats["busy"], stats["login"]
    print(f"{'measure':<34}{'p50 ms':>10}{'p99 ms':>10}")
    print(f"{'/hub/health idle (baseline)':<34}{idle['p50_ms']:>10}{idle['p99_ms']:>10}")
    print(f"{f'/hub/health during {clients} logins':<34}{busy['p50_ms']:>10}{busy['p99_ms']:>10}")
    print(f"{'password login (Argon2id default)':<34}{login['p50_ms']:>10}{login['p99_ms']:>10}")
    ratio = busy["p50_ms"] / max(idle["p50_ms"], 0.01)
    print(f"health p50 ratio busy/idle: {ratio:.2f}x; logins: {logins} ({logins / seconds:.1f}/s); errors: {errors}")
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
