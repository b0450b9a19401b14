"""One streamed answer from the hub's llm gateway, with the kernel's gateway-only token.

Every failure becomes a :class:`ModelError` whose message is written for the person
at the notebook (no traceback, no credential, no internal path).
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from . import ENV_GATEWAY, ENV_MAX_TOKENS, ENV_MODEL, ENV_PROBLEM, ENV_SYSTEM, ENV_TIMEOUT, ENV_TOKEN

OnText = Callable[[str], Awaitable[None]]

NOT_STARTED_BY_ORPHEUS = (
    "No model is configured for this kernel: it was not started by an Orpheus server "
    "(the server gives each Claude kernel its own model token)."
)


class ModelError(Exception):
    """The model could not answer; ``str(error)`` is the message for the user."""


@dataclass(frozen=True)
class Settings:
    """What the provisioner handed the kernel (see :mod:`.provisioner`)."""

    gateway_url: str
    token: str
    model: str
    max_tokens: int
    timeout: float
    system: str
    problem: str

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Settings:
        """The settings in ``env``; bad numbers fall back to the defaults."""
        return cls(
            gateway_url=env.get(ENV_GATEWAY, ""),
            token=env.get(ENV_TOKEN, ""),
            model=env.get(ENV_MODEL, "") or "claude-sonnet-4-5",
            max_tokens=_number(env.get(ENV_MAX_TOKENS), 4096, int),
            timeout=_number(env.get(ENV_TIMEOUT), 300.0, float),
            system=env.get(ENV_SYSTEM, ""),
            problem=env.get(ENV_PROBLEM, ""),
        )

    def require(self) -> None:
        """Raise :class:`ModelError` when the kernel has no model access."""
        if self.problem:
            raise ModelError(self.problem)
        if not (self.gateway_url and self.token):
            raise ModelError(NOT_STARTED_BY_ORPHEUS)


def _number(value: str | None, fallback: Any, kind: Callable[[str], Any]) -> Any:
    try:
        return kind(value) if value else fallback
    except ValueError:
        return fallback


def error_message(status: int, body: Any) -> str:
    """The user's message for a gateway error ``status`` with its JSON ``body``."""
    detail = ""
    if isinstance(body, dict):
        err = body.get("error", body)
        if isinstance(err, dict) and err.get("message"):
            detail = str(err["message"])[:500]
    if status == 401:
        return ("The kernel's model token was refused (it expired or was revoked). "
                "Restart the kernel to get a new one.")
    if status == 403:
        return f"The LLM gateway refused this request: {detail or 'your account may not use the model'}."
    if status == 429:
        return f"Your model quota is used up for now: {detail or 'try again later'}."
    if status == 503:
        return f"No model is available on the hub right now: {detail or 'the gateway has no provider configured'}."
    return f"The model call failed ({status}): {detail or 'the gateway gave no reason'}."


async def stream_answer(settings: Settings, messages: list[dict[str, Any]], on_text: OnText) -> str:
    """Stream one answer to ``on_text`` and return its full text; raises :class:`ModelError`."""
    settings.require()
    import anthropic  # imported on first use: the kernel starts faster without it

    args: dict[str, Any] = {"model": settings.model, "max_tokens": settings.max_tokens, "messages": messages}
    if settings.system:
        args["system"] = settings.system
    try:
        async with (
            anthropic.AsyncAnthropic(
                auth_token=settings.token, api_key=None, max_retries=0, timeout=settings.timeout,
                base_url=settings.gateway_url.rstrip("/") + "/anthropic",
            ) as client,
            client.messages.stream(**args) as stream,
        ):
            parts: list[str] = []
            async for text in stream.text_stream:
                parts.append(text)
                await on_text(text)
            final = await stream.get_final_message()
    except anthropic.APIStatusError as e:
        raise ModelError(error_message(e.status_code, e.body)) from None
    except anthropic.APITimeoutError:
        raise ModelError(f"The model did not answer within {settings.timeout:g} seconds.") from None
    except anthropic.APIConnectionError:
        raise ModelError("The hub's LLM gateway could not be reached (network error). Try again.") from None
    except anthropic.AnthropicError as e:
        raise ModelError(f"The model's answer could not be read ({e.__class__.__name__}).") from None
    text = "".join(parts)
    if final.stop_reason == "max_tokens":
        text += "\n\n*(The answer was cut at the length limit.)*"
    return text
