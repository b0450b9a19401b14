"""A counter of account changes that an enforcement service can wait on.

Admin actions (revoke, approve, trial, delete) bump it; ``GET /hub/api/orpheus/accounts``
with ``since`` and ``wait`` answers as soon as it moves (or when the wait is over), so
the enforcement service acts on a revoke at once and otherwise every interval.
"""

from __future__ import annotations

import asyncio
import contextlib


class Changes:
    """``version`` grows by one per change; ``wait`` returns when it passes ``since``."""

    def __init__(self) -> None:
        self.version = 0
        self._moved = asyncio.Event()

    def bump(self) -> None:
        """Record a change and wake every waiter."""
        self.version += 1
        self._moved.set()
        self._moved = asyncio.Event()

    async def wait(self, since: int, timeout: float) -> int:
        """The version once it is past ``since``, or after ``timeout`` seconds."""
        if self.version > since:
            return self.version
        moved = self._moved
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(moved.wait(), timeout)
        return self.version
