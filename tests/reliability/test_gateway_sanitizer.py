"""Item 10: upstream errors are rebuilt, never echoed: no copy of the operator key survives
in any field, whatever its case or encoding; the type comes from a fixed vocabulary."""

from __future__ import annotations

import base64
import json

import pytest

from orpheus_hub.llm.providers import Provider

KEY = "sk-ant-api03-Operator" + "Xy9" * 10


def leaks(text: str) -> list[str]:
    """Every form of the key found in ``text``."""
    raw = KEY.encode()
    forms = {"exact": KEY, "upper": KEY.upper(), "lower": KEY.lower(),
             "base64": base64.b64encode(raw).decode().rstrip("="),
             "urlsafe": base64.urlsafe_b64encode(raw).decode().rstrip("="), "hex": raw.hex(),
             "tail": KEY[-20:]}
    return [name for name, form in forms.items() if form.lower() in text.lower()]


@pytest.mark.parametrize("provider", ["anthropic", "openai"])
def test_the_key_is_gone_from_every_field_in_every_form(provider: str) -> None:
    raw = KEY.encode()
    error = {"type": f"invalid_{KEY}", "code": KEY, "param": KEY.upper(),
             "message": f"key {KEY.upper()} / {base64.b64encode(raw).decode()} / {raw.hex()} / "
                        f"{KEY.lower()} / {base64.urlsafe_b64encode(raw).decode()} rejected",
             "details": {"key": KEY}}
    body = json.dumps({"type": "error", "error": error, "request": {"x-api-key": KEY}}).encode()
    out = Provider(provider, KEY, "http://upstream").sanitize_error(401, body, "authentication_error")
    text = json.dumps(out)
    assert leaks(text) == []
    inner = out["error"]
    assert inner["type"] == "authentication_error"  # an unknown type is not echoed
    assert "rejected" in inner["message"]
    assert "details" not in inner
    assert set(out) <= {"type", "error"}


def test_a_known_type_is_kept_and_a_non_json_body_becomes_a_plain_message() -> None:
    p = Provider("anthropic", KEY, "http://upstream")
    body = json.dumps({"error": {"type": "overloaded_error", "message": "busy"}}).encode()
    assert p.sanitize_error(529, body, "api_error")["error"]["type"] == "overloaded_error"
    out = p.sanitize_error(500, f"<html>{KEY}</html>".encode(), "api_error")
    assert leaks(json.dumps(out)) == []
    assert out["error"]["message"].startswith("The anthropic API answered 500")


def test_an_error_event_inside_a_stream_is_rebuilt_too() -> None:
    from orpheus_hub.llm.providers import UsageMeter

    provider = Provider("anthropic", KEY, "http://upstream")
    meter = UsageMeter("anthropic", streaming=True,
                       sanitize=lambda raw: provider.sanitize_error(200, raw, "api_error"))
    start = b'event: message_start\ndata: {"type": "message_start", "message": {"model": "m"}}\n\n'
    error = ('event: error\ndata: ' + json.dumps({"type": "error", "error": {
        "type": f"overloaded_{KEY}", "message": f"upstream hiccup for {KEY.upper()}"}}) + "\n\n").encode()
    half = len(error) // 2
    out = meter.feed(start + error[:half]) + meter.feed(error[half:]) + meter.flush()
    assert out.startswith(start)
    assert leaks(out.decode()) == []
    rebuilt = json.loads(out.split(b"event: error\ndata: ")[1].split(b"\n")[0])
    assert rebuilt["error"]["type"] == "api_error"
    assert "upstream hiccup" in rebuilt["error"]["message"]
