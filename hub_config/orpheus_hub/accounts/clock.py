"""The accounts' clock: real UTC time, optionally shifted by an offset file (tests).

A test writes a number of seconds into the file named by
``OrpheusAuthenticator.clock_offset_file`` and the running hub's trials and
lockouts see a later "now" at once, so nothing has to sleep for 15 minutes.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path


class Clock:
    """``now()`` in aware UTC, plus the offset read from ``offset_file`` if set."""

    def __init__(self, offset_file: str | None = None) -> None:
        self.offset_file = Path(offset_file) if offset_file else None

    def offset(self) -> float:
        """Seconds added to the real time (0 without a readable offset file)."""
        if self.offset_file is None:
            return 0.0
        try:
            return float(self.offset_file.read_text().strip() or 0)
        except (OSError, ValueError):
            return 0.0

    def now(self) -> datetime:
        """The current (possibly shifted) time."""
        return datetime.now(timezone.utc) + timedelta(seconds=self.offset())
