"""The upstream providers: where requests go, which headers pass, how errors look,
and how usage is read from replies (whole JSON bodies or server-sent events)."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

#: Request headers passed to the upstream verbatim (plus the SDKs' ``x-stainless-*``).
FORWARD_REQUEST_HEADERS = (
    "content-type", "accept", "user-agent", "anthropic-version", "anthropic-beta",
    "x-claude-code-session-id",
)
#: Upstream response headers passed back (never organisation ids or rate-limit details).
FORWARD_RESPONSE_HEADERS = ("content-type", "cache-control", "request-id", "x-request-id", "retry-after")

#: Endpoints each provider exposes through the gateway, with the methods each accepts
#: (nothing else: no files or batches API that would share the operator's account).
ROUTES: dict[str, list[tuple[re.Pattern[str], frozenset[str]]]] = {
    "anthropic": [
        (re.compile(r"v1/messages|v1/messages/count_tokens"), frozenset({"POST"})),
        (re.compile(r"v1/models(/[\w.:-]+)?"), frozenset({"GET"})),
    ],
    "openai": [
        (re.compile(r"v1/chat/completions"), frozenset({"POST"})),
        (re.compile(r"v1/models(/[\w.:/-]+)?"), frozenset({"GET"})),
    ],
}
#: Endpoints that call a model (quota-checked, usage recorded).
MODEL_CALLS = {"v1/messages", "v1/chat/completions"}
#: Error types passed on from an upstream error; anything else becomes the status's own type.
ERROR_TYPES = frozenset({
    "invalid_request_error", "authentication_error", "permission_error", "not_found_error",
    "request_too_large", "rate_limit_error", "api_error", "overloaded_error", "billing_error",
    "timeout_error", "server_error", "insufficient_quota", "invalid_api_key", "model_not_found",
    "context_length_exceeded",
})
#: What every caller reads when the operator gave no key for a provider (no address, no
#: variable names: it is shown verbatim by the SDKs, the ``claude`` CLI and the Lab).
NO_KEY_MESSAGE = "No AI model is configured on this hub: ask its operator to add an API key."
_KEYLIKE = re.compile(r"sk-[A-Za-z0-9_\-]{6,}|bearer\s+\S+|[A-Za-z0-9+/_=-]{32,}", re.IGNORECASE)


def route_methods(provider: str, path: str) -> frozenset[str] | None:
    """The methods the gateway accepts on ``path``, or ``None`` when it offers no such route."""
    for pattern, methods in ROUTES[provider]:
        if pattern.fullmatch(path):
            return methods
    return None


def key_variants(key: str) -> list[str]:
    """The key and the forms an error message might carry it in: any case, base64, hex."""
    if not key:
        return []
    raw = key.encode()
    forms = {key, base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw).decode(), raw.hex()}
    forms |= {f.rstrip("=") for f in forms}
    return sorted(forms, key=len, reverse=True)


def redact(text: str, key: str) -> str:
    """``text`` with the key (in any case, base64 or hex) and anything key-like removed."""
    for form in key_variants(key):
        text = re.sub(re.escape(form), "[redacted]", text, flags=re.IGNORECASE)
    return _KEYLIKE.sub("[redacted]", text)


@dataclass
class Provider:
    """One upstream: its key and base URL (the SDK's own conventions)."""

    name: str
    api_key: str
    base_url: str

    @property
    def configured(self) -> bool:
        """Whether the operator gave a key."""
        return bool(self.api_key)

    def upstream_url(self, path: str, query: str) -> str:
        """``path`` (``v1/...``) on the upstream; OpenAI base URLs already end in ``/v1``."""
        base = self.base_url.rstrip("/")
        if self.name == "openai" and base.endswith("/v1"):
            path = path.removeprefix("v1/")
        return f"{base}/{path}" + (f"?{query}" if query else "")

    def request_headers(self, incoming: Any) -> dict[str, str]:
        """Allowed caller headers plus the operator's credential."""
        headers = {}
        for name, value in incoming.get_all():
            lower = name.lower()
            if lower in FORWARD_REQUEST_HEADERS or lower.startswith("x-stainless-"):
                headers[name] = value
        if self.name == "anthropic":
            headers["x-api-key"] = self.api_key
            headers.setdefault("anthropic-version", "2023-06-01")
        else:
            headers["Authorization"] = f"Bearer {self.api_key}"
        return headers

    def error_body(self, message: str, error_type: str = "api_error") -> dict[str, Any]:
        """An error in this provider's envelope, so the SDKs show ``message``."""
        if self.name == "anthropic":
            return {"type": "error", "error": {"type": error_type, "message": message}}
        return {"error": {"message": message, "type": error_type, "param": None, "code": None}}

    def sanitize_error(self, status: int, body: bytes, fallback_type: str) -> dict[str, Any]:
        """A new error body built from the upstream's: its type only when it is a known one
        (else ``fallback_type``), its message with every copy of the key and anything key-like
        removed. Nothing else of the upstream body is passed on."""
        message, error_type = f"The {self.name} API answered {status}.", fallback_type
        try:
            error = json.loads(body).get("error")
        except (ValueError, AttributeError):
            error = None
        if isinstance(error, dict):
            if isinstance(error.get("message"), str) and error["message"]:
                message = error["message"][:2000]
            if error.get("type") in ERROR_TYPES:
                error_type = str(error["type"])
        message = redact(message, self.api_key)[:1000]
        return self.error_body(f"{message} (from the {self.name} API)", error_type)


def _json_object(raw: bytes) -> dict[str, Any] | None:
    """``raw`` as a JSON object, or ``None``."""
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


@dataclass
class UsageMeter:
    """Reads model and token counts from a reply while it passes through.

    For OpenAI streams whose caller did not ask for usage, the gateway asks for
    it anyway and ``hide_usage_chunk`` drops that extra final chunk again. Streams
    pass event by event; an error event inside a stream is rebuilt by ``sanitize``
    (the provider's ``sanitize_error``), never passed on as the upstream wrote it.
    """

    provider: str
    streaming: bool
    hide_usage_chunk: bool = False
    sanitize: Callable[[bytes], dict[str, Any]] | None = None
    model: str = ""
    input_tokens: int = 0
    output_tokens: int = 0
    _buffer: bytes = b""
    _body: list[bytes] = field(default_factory=list)
    _body_size: int = 0

    def feed(self, chunk: bytes) -> bytes:
        """Account for ``chunk``; returns the bytes to pass to the caller now."""
        if not self.streaming:
            if self._body_size < 16 * 1024 * 1024:
                self._body.append(chunk)
                self._body_size += len(chunk)
            return chunk
        self._buffer += chunk
        events = self._buffer.replace(b"\r\n", b"\n").split(b"\n\n")
        self._buffer = events.pop()
        return b"".join(self._event_out(e) for e in events)

    def flush(self) -> bytes:
        """Whatever is still held back at the end of a stream."""
        rest, self._buffer = self._buffer, b""
        return self._event_out(rest) if rest.strip() else b""

    def _event_out(self, event: bytes) -> bytes:
        """What the caller gets of one event: nothing (hidden usage), a rebuilt error, or it."""
        if not self._read_event(event):
            return b""
        if self.sanitize is None or b"error" not in event:
            return event + b"\n\n"
        lines = []
        for line in event.split(b"\n"):
            payload = _json_object(line[5:]) if line.startswith(b"data:") else None
            if payload is not None and (payload.get("type") == "error" or isinstance(payload.get("error"), dict)):
                line = b"data: " + json.dumps(self.sanitize(line[5:])).encode()
            lines.append(line)
        return b"\n".join(lines) + b"\n\n"

    def finish(self) -> None:
        """Read usage from a complete (non-streamed) JSON body."""
        if self.streaming:
            return
        try:
            data = json.loads(b"".join(self._body))
        except ValueError:
            return
        if isinstance(data, dict):
            self._read(data)

    def _read_event(self, event: bytes) -> bool:
        """Account for one SSE event; ``False`` if it is the hidden usage chunk."""
        for line in event.split(b"\n"):
            if not line.startswith(b"data:"):
                continue
            try:
                data = json.loads(line[5:])
            except ValueError:
                continue
            if isinstance(data, dict):
                self._read(data)
                if self.hide_usage_chunk and data.get("choices") == [] and data.get("usage"):
                    return False
        return True

    def _read(self, data: dict[str, Any]) -> None:
        if self.provider == "anthropic":
            self._read_anthropic(data)
        else:
            self.model = str(data.get("model") or self.model)
            usage = data.get("usage") or {}
            self.input_tokens = int(usage.get("prompt_tokens") or self.input_tokens)
            self.output_tokens = int(usage.get("completion_tokens") or self.output_tokens)

    def _read_anthropic(self, data: dict[str, Any]) -> None:
        message = data.get("message") if data.get("type") == "message_start" else data
        if not isinstance(message, dict):
            return
        self.model = str(message.get("model") or self.model)
        usage = message.get("usage") or {}
        if not isinstance(usage, dict):
            return
        fields = ("input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")
        if any(usage.get(k) is not None for k in fields):
            self.input_tokens = max(self.input_tokens, sum(int(usage.get(k) or 0) for k in fields))
        if usage.get("output_tokens") is not None:
            self.output_tokens = max(self.output_tokens, int(usage["output_tokens"]))
