"""Render one scene to MP4 in a child process: ``python -m orpheus.video.runner``.

A scene is ``video/scenes/<name>.py`` defining ``make(width, height, fps)`` that
returns a MoviePy clip. Progress goes to stdout as JSON lines
(``{"event": "progress", "fraction": 0.5}``) for the server to relay; errors go
to stderr and a non-zero exit code.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import traceback
from pathlib import Path
from typing import Any

from proglog import ProgressBarLogger

from .quality import PRESETS


class JsonProgress(ProgressBarLogger):  # type: ignore[misc]
    """Turns MoviePy's frame progress into JSON lines on stdout."""

    def __init__(self) -> None:
        super().__init__()
        self._last = -1.0

    def bars_callback(self, bar: str, attr: str, value: Any, old_value: Any = None) -> None:
        total = self.bars[bar].get("total") or 0
        if bar != "frame_index" or attr != "index" or not total:
            return
        fraction = round(min(1.0, (value + 1) / total), 2)
        if fraction > self._last and (fraction - self._last >= 0.05 or fraction == 1.0):
            self._last = fraction
            emit({"event": "progress", "fraction": fraction})


def emit(event: dict[str, Any]) -> None:
    """One JSON line on stdout, flushed so the server sees it at once."""
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


def load_scene(path: Path) -> Any:
    """Import the scene module from its file."""
    spec = importlib.util.spec_from_file_location(f"orpheus_scene_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path.name}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if not callable(getattr(module, "make", None)):
        raise AttributeError(f"{path.name} defines no make(width, height, fps) function")
    return module


def render(scene: Path, out: Path, quality: str, max_seconds: float) -> None:
    """Build the clip, check its limits, write the MP4."""
    preset = PRESETS[quality]
    clip = load_scene(scene).make(preset.width, preset.height, preset.fps)
    if not getattr(clip, "duration", None):
        raise ValueError("the clip has no duration; set one with .with_duration(seconds)")
    if clip.duration > max_seconds:
        raise ValueError(f"the clip lasts {clip.duration:.1f} s; the limit is {max_seconds:g} s")
    if tuple(clip.size) != (preset.width, preset.height):
        clip = clip.resized((preset.width, preset.height))
    emit({"event": "status", "message": f"rendering {clip.duration:.1f} s at {quality}"})
    clip.write_videofile(
        str(out),
        fps=preset.fps,
        codec="libx264",
        audio=clip.audio is not None,
        preset="ultrafast" if quality == "low" else "medium",
        logger=JsonProgress(),
    )


def main(argv: list[str] | None = None) -> int:
    """Command-line entry; exit code 0 on success, 1 with the scene's error on stderr."""
    parser = argparse.ArgumentParser(prog="orpheus.video.runner")
    parser.add_argument("scene", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--quality", choices=sorted(PRESETS), default="low")
    parser.add_argument("--max-seconds", type=float, default=120.0)
    args = parser.parse_args(argv)
    try:
        render(args.scene, args.out, args.quality, args.max_seconds)
    except Exception as e:
        tb = traceback.extract_tb(e.__traceback__)
        scene = args.scene.resolve()
        frames = [f for f in reversed(tb) if Path(f.filename).resolve() == scene]
        where = f"line {frames[0].lineno}" if frames else ""
        sys.stderr.write(
            f"{type(e).__name__}: {e}" + (f" ({args.scene.name} {where})" if where else "") + "\n"
        )
        return 1
    emit({"event": "done"})
    return 0


if __name__ == "__main__":
    sys.exit(main())
