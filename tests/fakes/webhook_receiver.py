"""A local webhook receiver: a tornado app on a free loopback port, in its own thread.

Every request to ``/hook/<name>`` is recorded as a ``Delivery`` (path, headers,
body). ``/slow/<name>`` records a ``received:<path>`` event at once, then sleeps
``slow_seconds`` and records ``answered:<path>`` before answering. Tests add their own markers with
``mark(label)``, so the order of events shows what happened first without any
wall-clock assertion. Works from sync tests (``requests``) and async tests
alike, and is reachable from a hub subprocess.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from tornado import web
from tornado.httpserver import HTTPServer

from tests.harness.ports import free_port


@dataclass
class Delivery:
    """One request the receiver got."""

    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The body parsed as JSON."""
        return json.loads(self.body)


@dataclass
class WebhookReceiver:
    """Records deliveries and markers in arrival order; see the module docstring."""

    slow_seconds: float = 5.0
    port: int = field(default_factory=free_port)
    events: list[str] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)
    _cond: threading.Condition = field(default_factory=threading.Condition)

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.port}"

    def mark(self, label: str) -> None:
        """Append a test's own event to the ordered log."""
        with self._cond:
            self.events.append(label)
            self._cond.notify_all()

    def record(self, delivery: Delivery) -> None:
        """Store a delivery and log ``delivered:<path>``."""
        with self._cond:
            self.deliveries.append(delivery)
            self.events.append(f"delivered:{delivery.path}")
            self._cond.notify_all()

    def wait_for(self, label: str, timeout: float = 15) -> None:
        """Block until ``label`` is in the event log (TimeoutError otherwise)."""
        with self._cond:
            if not self._cond.wait_for(lambda: label in self.events, timeout):
                raise TimeoutError(f"{label!r} not seen; events: {self.events}")

    def wait_until(self, check: Callable[[WebhookReceiver], bool], timeout: float = 15) -> None:
        """Block until ``check(receiver)`` is true (TimeoutError otherwise)."""
        with self._cond:
            if not self._cond.wait_for(lambda: check(self), timeout):
                raise TimeoutError(f"condition not met; events: {self.events}")

    def at(self, path: str) -> list[Delivery]:
        """Deliveries to ``path``."""
        with self._cond:
            return [d for d in self.deliveries if d.path == path]


class _Hook(web.RequestHandler):
    def initialize(self, receiver: WebhookReceiver) -> None:
        self.receiver = receiver

    def check_xsrf_cookie(self) -> None:
        """Webhooks are plain POSTs."""

    async def post(self, name: str) -> None:
        req = self.request
        self.receiver.record(Delivery(req.path, dict(req.headers), req.body))
        self.write({"ok": True})


class _Slow(_Hook):
    async def post(self, name: str) -> None:
        self.receiver.mark(f"received:{self.request.path}")
        await asyncio.sleep(self.receiver.slow_seconds)
        self.receiver.mark(f"answered:{self.request.path}")
        self.write({"ok": True})


@contextmanager
def webhook_receiver(slow_seconds: float = 5.0) -> Iterator[WebhookReceiver]:
    """Run a receiver in a daemon thread for the ``with`` block."""
    receiver = WebhookReceiver(slow_seconds=slow_seconds)
    ready = threading.Event()
    state: dict[str, Any] = {}

    async def serve() -> None:
        app = web.Application(
            [(r"/hook/(.+)", _Hook, {"receiver": receiver}), (r"/slow/(.+)", _Slow, {"receiver": receiver})]
        )
        server = HTTPServer(app)
        server.listen(receiver.port, "127.0.0.1")
        state["stop"] = asyncio.Event()
        state["loop"] = asyncio.get_running_loop()
        ready.set()
        await state["stop"].wait()
        server.stop()
        await server.close_all_connections()

    thread = threading.Thread(target=asyncio.run, args=(serve(),), daemon=True)
    thread.start()
    ready.wait(10)
    try:
        yield receiver
    finally:
        state["loop"].call_soon_threadsafe(state["stop"].set)
        thread.join(10)
