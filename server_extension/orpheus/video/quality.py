"""Render presets: frame size and rate per quality name."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Preset:
    """One quality level."""

    width: int
    height: int
    fps: int


PRESETS: dict[str, Preset] = {
    "low": Preset(480, 270, 12),
    "medium": Preset(854, 480, 24),
    "high": Preset(1280, 720, 30),
}
