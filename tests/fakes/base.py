"""What the fake upstreams share: a tornado app on a free loopback port in its own thread.

A fake records every request it receives (method, path, query, headers, body)
and answers from a queue of scripted :class:`Reply` objects, then from
``responder`` (a function of the request), then from ``default_reply``.
Start and stop it from synchronous or asynchronous code alike::

    with FakeAnthropic(api_key="sk-operator") as fake:
        fake.enqueue(Reply(text="hi"))
        ...  # point a client at fake.url
        assert fake.requests[-1].json["model"] == "claude-x"
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import tornado.httputil
import tornado.iostream
import tornado.web
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets


@dataclass
class ToolCall:
    """A tool call the fake model makes: ``name`` with ``input`` (a JSON object)."""

    name: str
    input: dict[str, Any]
    id: str = ""


@dataclass
class Reply:
    """One scripted answer.

    ``status`` >= 400 answers with the provider's error body built from
    ``error_type`` and ``error_message``. ``delay`` waits before the headers;
    ``chunk_delay`` waits between streamed events. Token counts default to an
    estimate from the request (``len(json) // 4``) and the reply text.
    """

    text: str = "Hello from the fake model."
    tool_calls: list[ToolCall] = field(default_factory=list)
    status: int = 200
    error_type: str = "api_error"
    error_message: str = "the fake upstream was told to fail"
    delay: float = 0.0
    chunk_delay: float = 0.0
    input_tokens: int | None = None
    output_tokens: int | None = None
    model: str | None = None


@dataclass
class RecordedRequest:
    """A request the fake received."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        """The body decoded as JSON (``None`` when empty or not JSON)."""
        try:
            return json.loads(self.body) if self.body else None
        except ValueError:
            return None

    def credential(self) -> str:
        """The key the caller presented (``x-api-key`` or ``Authorization: Bearer``)."""
        auth = self.header("Authorization") or ""
        bearer = auth[7:] if auth.lower().startswith("bearer ") else ""
        return self.header("x-api-key") or bearer

    def header(self, name: str) -> str | None:
        """A header by case-insensitive name."""
        for key, value in self.headers.items():
            if key.lower() == name.lower():
                return value
        return None


def estimate_tokens(data: Any) -> int:
    """A deterministic stand-in for a tokenizer: one token per four characters."""
    text = data if isinstance(data, str) else json.dumps(data, sort_keys=True)
    return max(1, len(text) // 4)


def split_chunks(text: str, size: int = 3) -> list[str]:
    """Split ``text`` into word groups so streams arrive in several deltas."""
    words = text.split(" ")
    groups = [" ".join(words[i : i + size]) for i in range(0, len(words), size)]
    return [g + (" " if i < len(groups) - 1 else "") for i, g in enumerate(groups)] or [""]


class FakeHandler(tornado.web.RequestHandler):
    """Base handler: records the request, checks the key, picks the reply."""

    fake: FakeUpstream
    recorded: RecordedRequest

    def initialize(self, fake: FakeUpstream) -> None:
        self.fake = fake

    def prepare(self) -> None:
        self.recorded = self.fake.record(self.request)

    def check_xsrf_cookie(self) -> None:
        """An API server: no XSRF."""

    def write_json(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        for key, value in (headers or {}).items():
            self.set_header(key, value)
        self.finish(json.dumps(body))

    def body_json(self) -> dict[str, Any] | None:
        try:
            body = json.loads(self.request.body or b"null")
        except ValueError:
            return None
        return body if isinstance(body, dict) else None

    async def send_event(self, data: str, chunk_delay: float) -> bool:
        """Write one SSE frame and flush it; ``False`` when the client went away."""
        try:
            self.write(data)
            await self.flush()
        except tornado.iostream.StreamClosedError:
            self.fake.streams_cut += 1
            return False
        if chunk_delay:
            await asyncio.sleep(chunk_delay)
        return True


class FakeUpstream:
    """A fake provider API in a background thread; subclasses supply ``routes``."""

    #: the key a caller must present (``None``: any or none)
    api_key: str | None

    def __init__(self, api_key: str | None = None, prefix: str = "") -> None:
        self.api_key = api_key
        self.prefix = prefix.rstrip("/")
        self.requests: list[RecordedRequest] = []
        self.default_reply = Reply()
        self.responder: Callable[[RecordedRequest], Reply | None] | None = None
        self._queue: list[Reply] = []
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: HTTPServer | None = None
        self.port = 0
        #: streamed replies the fake finished sending (to prove pass-through streaming)
        self.streams_completed = 0
        #: streamed replies cut short because the caller (the gateway) went away
        self.streams_cut = 0

    # ---- scripting ---------------------------------------------------------
    def enqueue(self, *replies: Reply) -> None:
        """Answer the next model calls with ``replies``, in order."""
        with self._lock:
            self._queue.extend(replies)

    def fail(self, status: int, message: str, error_type: str = "api_error", times: int = 1) -> None:
        """Make the next ``times`` model calls fail with ``status`` and ``message``."""
        self.enqueue(*[Reply(status=status, error_message=message, error_type=error_type)] * times)

    def slow(self, delay: float = 0.0, chunk_delay: float = 0.0) -> None:
        """Make every later default reply wait ``delay`` s and ``chunk_delay`` s per event."""
        self.default_reply.delay = delay
        self.default_reply.chunk_delay = chunk_delay

    def next_reply(self, request: RecordedRequest) -> Reply:
        """The queued reply, else the responder's, else the default."""
        with self._lock:
            if self._queue:
                return self._queue.pop(0)
        if self.responder is not None:
            reply = self.responder(request)
            if reply is not None:
                return reply
        return self.default_reply

    def record(self, request: tornado.httputil.HTTPServerRequest) -> RecordedRequest:
        rec = RecordedRequest(
            method=request.method or "",
            path=request.path,
            query=request.query,
            headers=dict(request.headers.get_all()),
            body=request.body or b"",
        )
        with self._lock:
            self.requests.append(rec)
        return rec

    def model_requests(self) -> list[RecordedRequest]:
        """The recorded requests that asked the model for a reply (POSTs)."""
        with self._lock:
            return [r for r in self.requests if r.method == "POST"]

    def clear(self) -> None:
        """Forget recorded requests and queued replies."""
        with self._lock:
            self.requests.clear()
            self._queue.clear()

    # ---- life cycle -----------------------------------------------------------
    def routes(self) -> list[Any]:
        raise NotImplementedError

    @property
    def url(self) -> str:
        """Base URL to give a client (``ANTHROPIC_BASE_URL`` / ``OPENAI_BASE_URL``)."""
        return f"http://127.0.0.1:{self.port}{self.prefix}"

    def start(self) -> FakeUpstream:
        """Listen on a free loopback port in a daemon thread; returns self."""
        sockets = bind_sockets(0, "127.0.0.1")
        self.port = sockets[0].getsockname()[1]
        ready = threading.Event()

        def run() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            self._loop = loop
            app = tornado.web.Application(self.routes())
            self._server = HTTPServer(app)
            self._server.add_sockets(sockets)
            loop.call_soon(ready.set)
            loop.run_forever()
            loop.run_until_complete(self._server.close_all_connections())
            loop.close()

        self._thread = threading.Thread(target=run, name=type(self).__name__, daemon=True)
        self._thread.start()
        ready.wait(10)
        return self

    def stop(self) -> None:
        """Stop listening and end the thread."""
        if self._loop is None or self._thread is None:
            return
        server, loop = self._server, self._loop

        def shutdown() -> None:
            if server is not None:
                server.stop()
            loop.stop()

        loop.call_soon_threadsafe(shutdown)
        self._thread.join(10)
        self._thread = self._loop = None

    def __enter__(self) -> FakeUpstream:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve_forever(fake: FakeUpstream) -> None:
    """Run ``fake`` in the foreground (``python -m tests.fakes.anthropic``), printing its URL."""
    fake.start()
    print(fake.url, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()
