"""LLM gateway overhead: the same request stream direct to the fake upstream vs through the
gateway (via the hub's proxy, as the SDKs and CLI use it, and straight to the service port),
interleaved in one run. Prints p50/p99 latency, added latency and time to first streamed byte.

``python -m benchmarks llm_gateway`` (``LLM_BENCH_N`` requests per path, default 300).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import requests

from tests.fakes.anthropic import FakeAnthropic
from tests.fakes.base import Reply
from tests.harness.hub import running_hub
from tests.harness.ports import free_port

KEY = "sk-ant-bench-operator-key"
BODY = {"model": "claude-haiku-4-5", "max_tokens": 64, "messages": [{"role": "user", "content": "hi"}]}
STREAM_BODY = {**BODY, "stream": True}


def pct(values: list[float], q: float) -> float:
    """The q-quantile (0..1) of ``values`` in ms."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def timed_call(session: requests.Session, url: str, headers: dict[str, str]) -> float:
    start = time.perf_counter()
    r = session.post(url + "/v1/messages", json=BODY, headers=headers, timeout=30)
    r.raise_for_status()
    return time.perf_counter() - start


def timed_first_byte(session: requests.Session, url: str, headers: dict[str, str]) -> float:
    start = time.perf_counter()
    with session.post(url + "/v1/messages", json=STREAM_BODY, headers=headers, timeout=30, stream=True) as r:
        r.raise_for_status()
        next(r.iter_content(chunk_size=None))
        first = time.perf_counter() - start
        for _ in r.iter_content(chunk_size=None):
            pass
    return first


def run_paths(paths: dict[str, tuple[str, dict[str, str]]], n: int,
              fn: Callable[[requests.Session, str, dict[str, str]], float]) -> dict[str, list[float]]:
    """Interleave the paths request by request, each with its own keep-alive session."""
    sessions = {name: requests.Session() for name in paths}
    results: dict[str, list[float]] = {name: [] for name in paths}
    for name, (url, headers) in paths.items():  # warm connections and the gateway's caches
        for _ in range(10):
            fn(sessions[name], url, headers)
    for _ in range(n):
        for name, (url, headers) in paths.items():
            results[name].append(fn(sessions[name], url, headers))
    return results


def report(title: str, results: dict[str, list[float]]) -> None:
    base = results["direct"]
    print(f"\n{title} (ms; n={len(base)} per path)")
    print(f"{'path':<22}{'p50':>8}{'p99':>8}{'mean':>8}{'added p50':>11}{'added p99':>11}{'x p50':>7}")
    for name, values in results.items():
        print(f"{name:<22}{pct(values, .5):>8.2f}{pct(values, .99):>8.2f}"
              f"{statistics.fmean(values) * 1000:>8.2f}{pct(values, .5) - pct(base, .5):>11.2f}"
              f"{pct(values, .99) - pct(base, .99):>11.2f}{pct(values, .5) / pct(base, .5):>7.2f}")


def main() -> int:
    n = int(os.environ.get("LLM_BENCH_N", "300"))
    llm_port = free_port()
    with tempfile.TemporaryDirectory() as tmp, FakeAnthropic(api_key=KEY) as fake:
        fake.default_reply = Reply(text="one two three four five six seven eight nine ten")
        env = {"ANTHROPIC_API_KEY": KEY, "ANTHROPIC_BASE_URL": fake.url, "ORPHEUS_LLM_PORT": str(llm_port)}
        for hub in running_hub(Path(tmp), env=env):
            token = hub.create_user("bench")
            user = {"Authorization": f"Bearer {token}", "anthropic-version": "2023-06-01"}
            paths = {
                "direct": (fake.url, {"x-api-key": KEY, "anthropic-version": "2023-06-01"}),
                "gateway (service port)": (f"http://127.0.0.1:{llm_port}/services/llm/anthropic", user),
                "gateway (via proxy)": (f"{hub.url}/services/llm/anthropic", user),
            }
            wait_ready(paths["gateway (service port)"][0])
            unlimited = {"tokens_per_day": 0, "requests_per_minute": 0}  # measure overhead, not quotas
            admin = {"Authorization": f"Bearer {hub.create_user('admin')}"}
            requests.put(f"{hub.url}/services/llm/api/quotas/bench", json=unlimited, headers=admin,
                         timeout=10).raise_for_status()
            report("non-streaming /v1/messages round trip", run_paths(paths, n, timed_call))
            report("streaming /v1/messages time to first byte", run_paths(paths, n, timed_first_byte))
    return 0


def wait_ready(url: str) -> None:
    """The hub starts the service asynchronously: wait for its health endpoint."""
    health = url.rsplit("/anthropic", 1)[0] + "/health"
    for _ in range(100):
        try:
            if requests.get(health, timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.1)


if __name__ == "__main__":
    raise SystemExit(main())
