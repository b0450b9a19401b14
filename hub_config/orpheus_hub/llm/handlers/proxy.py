"""``/services/llm/{anthropic,openai}/v1/...``: the upstream APIs, passed through.

The caller's request is forwarded with the operator's key in place of their hub
token; the reply comes back chunk by chunk (``streaming_callback``, one flush
per chunk) while a :class:`~..providers.UsageMeter` reads the token counts.
"""

from __future__ import annotations

import json
import time
from datetime import datetime, timezone
from typing import Any

from tornado import web
from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
from tornado.httputil import HTTPHeaders, parse_response_start_line

from ..providers import (
    FORWARD_RESPONSE_HEADERS,
    MODEL_CALLS,
    NO_KEY_MESSAGE,
    Provider,
    UsageMeter,
    route_methods,
)
from ..quotas import QuotaExceeded, day_start, estimate_tokens
from ..usage import Usage
from .base import GatewayHandler

MAX_ERROR_BODY = 64 * 1024


class ClientGone(Exception):
    """The caller closed the connection; stop reading the upstream."""


class ProxyHandler(GatewayHandler):
    """Forward one call to ``provider`` and account for it."""

    provider: Provider
    upstream_status = 0
    started = False
    client_gone = False
    #: an answer no retry can change (no key): ``x-should-retry: false``, which the SDKs and
    #: the ``claude`` CLI honour before any status-based retry
    no_retry = False

    def answer_error(self, status_code: int, reason: str, message: str) -> None:
        """Errors in the provider's own envelope so the SDKs and the CLI show the message."""
        name = self.path_args[0] if self.path_args else "anthropic"
        provider = getattr(self, "provider", None) or self.gateway.providers.get(
            name, self.gateway.providers["anthropic"])
        self.set_header("Content-Type", "application/json")
        if self.retry_after:
            self.set_header("Retry-After", str(self.retry_after))
        if self.no_retry:
            self.set_header("x-should-retry", "false")
        self.finish(json.dumps(provider.error_body(message, error_type=error_type(status_code))))

    def on_connection_close(self) -> None:
        self.client_gone = True

    async def head(self, provider_name: str, path: str) -> None:
        """The CLI probes its base URL with HEAD: answer 200 to an authenticated caller."""
        await self.authenticate(gateway_token_ok=True)

    async def get(self, provider_name: str, path: str) -> None:
        """Model listings."""
        await self.forward(provider_name, path)

    async def post(self, provider_name: str, path: str) -> None:
        """Messages, token counts and chat completions."""
        await self.forward(provider_name, path)

    async def forward(self, provider_name: str, path: str) -> None:
        """Authenticate, check the provider, the route and the quota, then proxy."""
        caller = await self.authenticate(gateway_token_ok=True)
        self.provider = self.gateway.providers[provider_name]
        # Dot segments would let an upstream resolve `v1/models/../files` to another API.
        dotted = any(part in ("", ".", "..") for part in path.split("/"))
        methods = None if dotted else route_methods(provider_name, path)
        if methods is None:
            raise web.HTTPError(404, "The LLM gateway does not offer /%s for %s.", path[:100], provider_name)
        if self.request.method not in methods:
            raise web.HTTPError(405, "The LLM gateway offers /%s for %s with %s only.",
                                path[:100], provider_name, ", ".join(sorted(methods)))
        if not self.provider.configured:
            # A 4xx in the provider's envelope, not a 503: the CLI shows a 4xx message as it
            # is and retries 5xx for minutes, calling them "usually temporary".
            self.no_retry = True
            raise web.HTTPError(400, "%s", NO_KEY_MESSAGE)
        body, meter, data = self.prepare_body(path)
        model_call = path in MODEL_CALLS
        held = estimate_tokens(data, self.gateway.quotas.default_max_tokens) if model_call else 0
        await self.check_quota(caller.name, caller.state, held)
        start = time.monotonic()
        try:
            await self.proxy(path, body, meter)
        finally:
            self.gateway.quotas.release(caller.name, held)
            if model_call:
                await self.account(path, meter, (time.monotonic() - start) * 1000)

    def prepare_body(self, path: str) -> tuple[bytes | None, UsageMeter, dict[str, Any]]:
        """The body to send (verbatim, except OpenAI streams are asked for usage), a meter and
        the parsed request."""
        if self.request.method != "POST":
            return None, UsageMeter(self.provider.name, streaming=False), {}
        try:
            data = json.loads(self.request.body or b"null")
        except ValueError:
            raise web.HTTPError(400, "The request body is not valid JSON.") from None
        if not isinstance(data, dict):
            raise web.HTTPError(400, "The request body must be a JSON object.")
        streaming = bool(data.get("stream"))
        meter = UsageMeter(self.provider.name, streaming=streaming, model=str(data.get("model", ""))[:128],
                           sanitize=lambda raw: self.provider.sanitize_error(200, raw, "api_error"))
        body = self.request.body
        options = data.get("stream_options") or {}
        if self.provider.name == "openai" and streaming and not options.get("include_usage"):
            data["stream_options"] = {**options, "include_usage": True}
            meter.hide_usage_chunk = True
            body = json.dumps(data).encode()
        return body, meter, data

    async def check_quota(self, user: str, state: str, reserve: int) -> None:
        """429 when a model call's worst case (``reserve`` tokens) does not fit in what is
        left of the daily quota (the per-minute limit is checked with the caller).

        Serialized per user; on success ``reserve`` tokens are held until the call ends.
        """
        gw = self.gateway
        if not reserve:
            return
        async with gw.quotas.lock(user):
            now = datetime.now(timezone.utc)
            limits = gw.quotas.limits(state, gw.overrides.get(user))
            used = gw.quotas.cached_tokens_today(user, now)
            if used is None:
                await gw.flush_usage()
                used = await self.in_db(gw.store.tokens_since, user, day_start(now))
                gw.quotas.set_tokens_today(user, now, used)
            try:
                gw.quotas.check_tokens(limits, used, now)
                gw.quotas.reserve(user, limits, used, reserve, now)
            except QuotaExceeded as e:
                self.retry_after = e.retry_after  # send_error clears headers: set in write_error
                raise web.HTTPError(429, "%s", e.message) from None

    async def proxy(self, path: str, body: bytes | None, meter: UsageMeter) -> None:
        """Send the request upstream and pass the reply through as it arrives."""
        gw = self.gateway
        self.error_chunks: list[bytes] = []
        self.upstream_headers = HTTPHeaders()
        req = HTTPRequest(
            self.provider.upstream_url(path, self.request.query),
            method=self.request.method or "GET",
            headers=self.provider.request_headers(self.request.headers),
            body=body,
            connect_timeout=gw.connect_timeout,
            request_timeout=gw.request_timeout,
            header_callback=self.on_upstream_header,
            streaming_callback=lambda chunk: self.on_upstream_chunk(chunk, meter),
        )
        try:
            await AsyncHTTPClient().fetch(req, raise_error=False)
        except (ClientGone, HTTPClientError, OSError) as e:
            if self.client_gone:  # our callback aborted the call: nobody to answer
                self.upstream_status = 499
                return
            # 599: a timeout or a dropped connection; OSError: could not connect
            timeout = isinstance(e, HTTPClientError) and "Timeout" in str(e)
            self.upstream_fail(504 if timeout else 502)
            return
        self.finish_reply(meter)

    def upstream_fail(self, status: int) -> None:
        """The upstream could not be reached or timed out."""
        self.upstream_status = status
        if self.started:  # part of a stream went out already: all we can do is end it
            self.finish()
            return
        what = "did not answer in time" if status == 504 else "could not be reached"
        raise web.HTTPError(status, "The %s API %s.", self.provider.name, what)

    def on_upstream_header(self, line: str) -> None:
        """Collect the upstream status line and headers."""
        if line.startswith("HTTP/"):
            self.upstream_status = parse_response_start_line(line.strip()).code
            self.upstream_headers = HTTPHeaders()
        elif line.strip():
            self.upstream_headers.parse_line(line)

    def on_upstream_chunk(self, chunk: bytes, meter: UsageMeter) -> None:
        """Pass a chunk on and flush it (errors are held back to be sanitized)."""
        if self.client_gone:
            raise ClientGone()
        if self.upstream_status >= 400:
            if sum(map(len, self.error_chunks)) < MAX_ERROR_BODY:
                self.error_chunks.append(chunk)
            return
        if not self.started:
            self.start_reply()
        out = meter.feed(chunk)
        if out:
            self.write(out)
            self.flush().add_done_callback(lambda f: f.exception())

    def start_reply(self) -> None:
        """Status and the allowed upstream headers, once."""
        self.started = True
        self.set_status(self.upstream_status or 200)
        for name in FORWARD_RESPONSE_HEADERS:
            value = self.upstream_headers.get(name)
            if value:
                self.set_header(name, value)
        self.set_header("X-Accel-Buffering", "no")

    def finish_reply(self, meter: UsageMeter) -> None:
        """End the reply: the sanitized error, or the rest of the stream."""
        if self.upstream_status >= 400:
            self.set_status(self.upstream_status)
            self.set_header("Content-Type", "application/json")
            retry = self.upstream_headers.get("retry-after")
            if retry:
                self.set_header("Retry-After", retry)
            self.finish(json.dumps(self.provider.sanitize_error(
                self.upstream_status, b"".join(self.error_chunks), error_type(self.upstream_status))))
            return
        if not self.started:
            self.start_reply()
        rest = meter.flush()
        meter.finish()
        self.finish(rest)

    async def account(self, path: str, meter: UsageMeter, latency_ms: float) -> None:
        """Record the request's usage and count its tokens against today's quota."""
        gw = self.gateway
        caller = self.caller
        if caller is None:
            return
        status = self.upstream_status or self.get_status()
        usage = Usage(user=caller.name, provider=self.provider.name, endpoint=path,
                      model=meter.model, input_tokens=meter.input_tokens,
                      output_tokens=meter.output_tokens, latency_ms=latency_ms,
                      status=status, streamed=meter.streaming)
        now = datetime.now(timezone.utc)
        gw.quotas.add_tokens(caller.name, now, usage.input_tokens + usage.output_tokens)
        gw.record_usage(usage, now)
        self.log_usage(usage)

    def log_usage(self, usage: Usage) -> None:
        """One line per model call (no request content, no credentials)."""
        self.gateway.log.info(
            "llm %s %s %s %s model=%s in=%d out=%d %.0fms", usage.user, usage.provider,
            usage.endpoint, usage.status, usage.model, usage.input_tokens,
            usage.output_tokens, usage.latency_ms,
        )


def error_type(status: int) -> str:
    """The provider error type that fits a gateway status."""
    return {400: "invalid_request_error", 401: "authentication_error", 403: "permission_error",
            404: "not_found_error", 405: "invalid_request_error", 413: "request_too_large",
            429: "rate_limit_error", 529: "overloaded_error"}.get(status, "api_error")


default_handlers = [
    (r"/(anthropic|openai)/(.*)", ProxyHandler),
]
