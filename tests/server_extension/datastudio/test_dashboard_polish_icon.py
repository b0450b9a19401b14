"""The Data Studio kernel's icon is a real icon, served by a real jupyter server (issue 14 item 10)."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

REPO = Path(__file__).resolve().parents[3]
KERNELS = REPO / "kernels"


@pytest.fixture
def jp_server_config(jp_kernel_dir: Path) -> dict[str, Any]:
    """A server with the repository's ``orpheus-data`` kernelspec (copied from the source tree)."""
    shutil.copytree(KERNELS / "orpheus-data", jp_kernel_dir / "orpheus-data")
    return {}


async def test_the_data_studio_kernel_has_a_logo(jp_fetch) -> None:  # type: ignore[no-untyped-def]
    r = await jp_fetch("api", "kernelspecs")
    spec = json.loads(r.body)["kernelspecs"]["orpheus-data"]
    assert {"logo-32x32", "logo-64x64", "logo-svg"} <= set(spec["resources"])
    for size in (32, 64):
        png = await jp_fetch("kernelspecs", "orpheus-data", f"logo-{size}x{size}.png")
        image = Image.open(io.BytesIO(png.body)).convert("RGBA")
        assert image.size == (size, size)
        colours = {c for _, c in image.getcolors(size * size) or []}
        assert len(colours) > 8  # drawn shapes with anti-aliased edges, not a flat letter tile
    svg = await jp_fetch("kernelspecs", "orpheus-data", "logo-svg.svg")
    text = svg.body.decode()
    assert text.startswith("<svg")
    assert text.count("<rect") >= 4  # the tile and three bars
    assert "<text" not in text  # a drawing, not a letter
