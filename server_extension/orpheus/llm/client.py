"""The user server's model client: the official SDKs pointed at the hub's ``llm`` gateway.

Credentials are this server's own hub token (``JUPYTERHUB_API_TOKEN``); the
operator's keys never reach this process. Conversations are kept in the
Anthropic Messages shape (text, ``tool_use`` and ``tool_result`` blocks) and
translated for OpenAI-style providers, so callers write one tool loop.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from tornado import web
from traitlets import CaselessStrEnum, Float, Integer, Unicode, default
from traitlets.config import LoggingConfigurable

from . import openai_shape
from .gateway_api import NOT_CONFIGURED, GatewayTokenError, gateway_status

__all__ = ["NOT_CONFIGURED", "GatewayTokenError", "LLMClient", "Turn", "tool_result"]

OnText = Callable[[str], Awaitable[None]]


@dataclass
class ToolUse:
    """One tool call the model made."""

    id: str
    name: str
    input: dict[str, Any]


@dataclass
class Turn:
    """The model's reply: its text and tool calls, in the neutral (Anthropic) shape."""

    text: str
    tool_uses: list[ToolUse] = field(default_factory=list)
    model: str = ""

    def as_message(self) -> dict[str, Any]:
        """This turn as an assistant message for the next request."""
        content: list[dict[str, Any]] = [{"type": "text", "text": self.text}] if self.text else []
        content += [{"type": "tool_use", "id": t.id, "name": t.name, "input": t.input} for t in self.tool_uses]
        return {"role": "assistant", "content": content}


class LLMClient(LoggingConfigurable):
    """Calls the model through the gateway; every failure is a ``web.HTTPError`` with a message."""

    provider = CaselessStrEnum(
        ["anthropic", "openai"],
        default_value="anthropic",
        help="Which upstream API the Data Studio AI features use through the gateway.",
    ).tag(config=True)
    model = Unicode(help="Model name (default: claude-sonnet-4-5 for anthropic, gpt-4o-mini for openai).").tag(
        config=True
    )
    gateway_url = Unicode(
        help="Root URL of the hub's llm service (default: $ORPHEUS_LLM_URL; empty: no LLM).",
    ).tag(config=True)
    api_token = Unicode(help="Token sent to the gateway (default: $JUPYTERHUB_API_TOKEN).").tag(config=True)
    max_tokens = Integer(2048, help="Largest reply, in tokens, the AI features ask for.").tag(config=True)
    timeout = Float(120.0, help="Seconds one model call may take.").tag(config=True)
    status_cache_seconds = Float(
        10.0, help="Seconds the gateway's answer to 'is a model configured?' (GET <gateway>/api/status) "
        "is reused by GET /orpheus/api/llm; 0 asks every time.",
    ).tag(config=True)
    _status_cache: tuple[float, bool, str | None] | None = None

    @default("model")
    def _model(self) -> str:
        return "claude-sonnet-4-5" if self.provider == "anthropic" else "gpt-4o-mini"

    @default("gateway_url")
    def _gateway_url(self) -> str:
        return os.environ.get("ORPHEUS_LLM_URL", "")

    @default("api_token")
    def _api_token(self) -> str:
        return os.environ.get("JUPYTERHUB_API_TOKEN", "")

    @property
    def enabled(self) -> bool:
        """Whether a gateway and a token are configured."""
        return bool(self.gateway_url and self.api_token)

    async def availability(self) -> tuple[bool, str | None]:
        """(enabled, message): off with the gateway's own message when it has no model key.

        A gateway that cannot say (unreachable, an error) is not reported off: its calls
        will tell. Cached ``status_cache_seconds``.
        """
        if not self.enabled:
            return False, NOT_CONFIGURED
        now = time.monotonic()
        cached = self._status_cache
        if cached is not None and cached[0] > now:
            return cached[1], cached[2]
        answer = await self._gateway_status()
        self._status_cache = (now + self.status_cache_seconds, *answer)
        return answer

    async def _gateway_status(self) -> tuple[bool, str | None]:
        """Ask ``GET <gateway>/api/status``; (True, None) when it cannot say."""
        return await gateway_status(self.gateway_url, self.api_token, 10.0)

    def require(self) -> None:
        """503 with a clear message when no LLM is configured."""
        if not self.enabled:
            raise web.HTTPError(
                503,
                "No LLM is configured for this server: the AI features need the "
                "hub's llm service (ORPHEUS_LLM_URL) and a hub API token.",
            )

    async def turn(
        self,
        system: str,
        messages: list[dict[str, Any]],
        tools: list[dict[str, Any]] | None = None,
        on_text: OnText | None = None,
    ) -> Turn:
        """One model call (streamed when ``on_text`` is given); SDK errors become HTTP errors."""
        self.require()
        # The SDKs are imported on first use: importing them costs seconds, and every
        # server start (every spawn) would pay for them otherwise.
        import anthropic
        import openai

        try:
            if self.provider == "anthropic":
                return await self._anthropic(system, messages, tools or [], on_text)
            return await self._openai(system, messages, tools or [], on_text)
        except (anthropic.APIStatusError, openai.APIStatusError) as e:
            raise web.HTTPError(
                _status(e.status_code), "The model call failed: %s", _message(e.body, e.status_code)
            ) from None
        except (anthropic.APIConnectionError, openai.APIConnectionError):
            raise web.HTTPError(503, "The hub's llm service could not be reached.") from None

    async def _anthropic(
        self, system: str, messages: list[dict[str, Any]], tools: list[dict[str, Any]], on_text: OnText | None
    ) -> Turn:
        args: dict[str, Any] = {
            "model": self.model,
            "max_tokens": self.max_tokens,
            "system": system,
            "messages": messages,
        }
        if tools:
            args["tools"] = tools
        import anthropic

        async with (
            anthropic.AsyncAnthropic(
                auth_token=self.api_token,
                api_key=None,
                max_retries=0,
                timeout=self.timeout,
                base_url=self.gateway_url.rstrip("/") + "/anthropic",
            ) as client,
            client.messages.stream(**args) as stream,
        ):
            if on_text is not None:
                async for text in stream.text_stream:
                    await on_text(text)
            final = await stream.get_final_message()
        text = "".join(b.text for b in final.content if b.type == "text")
        uses = [
            ToolUse(b.id, b.name, dict(b.input))
            for b in final.content  # type: ignore[arg-type]
            if b.type == "tool_use"
        ]
        return Turn(text, uses, final.model)

    async def _openai(
        self, system: str, messages: list[dict[str, Any]], tools: list[dict[str, Any]], on_text: OnText | None
    ) -> Turn:
        args: dict[str, Any] = {
            "model": self.model,
            "max_tokens": self.max_tokens,
            "stream": True,
            "messages": openai_shape.messages(system, messages),
        }
        if tools:
            args["tools"] = openai_shape.tools(tools)
        collected = openai_shape.StreamCollector()
        import openai

        async with openai.AsyncOpenAI(
            api_key=self.api_token,
            max_retries=0,
            timeout=self.timeout,
            base_url=self.gateway_url.rstrip("/") + "/openai/v1",
        ) as client:
            async for chunk in await client.chat.completions.create(**args):
                text = collected.add(chunk)
                if text and on_text is not None:
                    await on_text(text)
        return Turn(collected.text, [ToolUse(*c) for c in collected.calls()], collected.model)


def _status(upstream: int) -> int:
    """The status the AI endpoints answer for a gateway error."""
    return upstream if upstream in (400, 403, 413, 429, 503) else 502


def _message(body: Any, status: int) -> str:
    """The error message inside a provider error body."""
    if isinstance(body, dict):
        err = body.get("error", body)
        if isinstance(err, dict) and err.get("message"):
            return str(err["message"])[:500]
    return f"the gateway answered {status}"


def tool_result(use_id: str, content: Any, is_error: bool = False) -> dict[str, Any]:
    """A ``tool_result`` block answering one tool call."""
    text = content if isinstance(content, str) else json.dumps(content, default=str)
    return {"type": "tool_result", "tool_use_id": use_id, "content": text, "is_error": is_error}
