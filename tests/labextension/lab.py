"""The e2e's browser state: the signed-up user's page, API access and screenshots."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from playwright.sync_api import BrowserContext, Locator, Page, expect

from tests.harness.hub import Hub

USER = "lyra"
PASSWORD = "lyre-strings-and-7-moons"
CSV = "month,region,units,revenue\n" + "".join(
    f"2026-{m:02d}-01,{r},{10 * m + i},{(10 * m + i) * 12.5}\n"
    for m in range(1, 13)
    for i, r in enumerate(["north", "south", "east"])
)


@dataclass
class Lab:
    """The signed-up user's browser page and API access to their server."""

    hub: Hub
    context: BrowserContext
    page: Page
    base: str
    token: str
    artifacts: Path
    prefix: str = ""
    shots: list[str] = field(default_factory=list)
    state: dict[str, Any] = field(default_factory=dict)

    def api(self, method: str, path: str, **kw: Any) -> requests.Response:
        """Call the user's server with their token (to check what the UI did)."""
        headers = {"Authorization": f"token {self.token}"}
        return requests.request(method, self.base + path, headers=headers, timeout=60, **kw)

    def shot(self, name: str, page: Page | None = None) -> None:
        """Save a screenshot of the step."""
        path = self.artifacts / f"{self.prefix}{len(self.shots) + 1:02d}-{name}.png"
        (page or self.page).screenshot(path=str(path), timeout=60_000)
        self.shots.append(path.name)


def show_panel(page: Page) -> Locator:
    """Open the Orpheus side panel (Lab may still be restoring the sidebar it had open)."""
    panel = page.locator("#orpheus-panel")
    for _ in range(3):
        if panel.is_visible():
            break
        page.get_by_role("tab", name=re.compile("Orpheus")).click()
        try:
            expect(panel).to_be_visible(timeout=3000)
        except AssertionError:
            continue
    expect(panel).to_be_visible()
    return panel
