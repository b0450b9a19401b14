"""The one way tests start a browser: Debian's Chromium, driven by Playwright through
``executablePath`` (never a downloaded browser), headless, with what a CI box lacks off.

Screenshots go under :data:`ARTIFACTS` (``test-artifacts/`` at the repository root).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


def launch(playwright: Any) -> Any:
    """Chromium from a ``sync_playwright()`` context (or, awaited, from ``async_playwright()``)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
