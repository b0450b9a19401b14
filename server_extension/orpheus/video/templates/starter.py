"""Starter scene: a title card whose coloured bar sweeps across the frame.

Every scene defines make(width, height, fps) and returns a MoviePy clip with a
duration. Render it from the Orpheus Video Studio or with
`python -m orpheus.video.runner scenes/starter.py out/starter.mp4 --quality low`.
"""

import numpy as np
from moviepy import VideoClip

DURATION = 3.0


def make(width: int, height: int, fps: int) -> VideoClip:
    """A dark background, a bar that grows from left to right, a pulsing square."""
    ys, xs = np.mgrid[0:height, 0:width]

    def frame(t: float) -> np.ndarray:
        img = np.zeros((height, width, 3), dtype=np.uint8)
        img[..., 2] = (40 + 60 * ys / height).astype(np.uint8)  # blue gradient
        progress = t / DURATION
        bar_top, bar_bottom = int(height * 0.45), int(height * 0.55)
        img[bar_top:bar_bottom, : int(width * progress)] = (240, 180, 40)
        side = int(min(width, height) * (0.1 + 0.05 * np.sin(2 * np.pi * t)))
        cx, cy = width // 2, height // 4
        mask = (abs(xs - cx) < side // 2) & (abs(ys - cy) < side // 2)
        img[mask] = (230, 230, 230)
        return img

    return VideoClip(frame, duration=DURATION)
