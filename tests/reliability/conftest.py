"""The reliability-and-abuse suite's tally: attempts and escapes per category.

Tests record what they tried through the ``tally`` fixture; the run ends with a
table of every category (an escape is an attempt that got through; any escape
also fails its test, so the table explains, it never hides).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest

_TALLY: dict[str, list[int]] = defaultdict(lambda: [0, 0])


class Tally:
    """``record(category, attempts, escapes)``: counts for the closing table."""

    def record(self, category: str, attempts: int, escapes: int = 0) -> None:
        counts = _TALLY[category]
        counts[0] += attempts
        counts[1] += escapes


@pytest.fixture(scope="session")
def tally() -> Tally:
    """The suite-wide tally."""
    return Tally()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print the table of attempts and escapes per category."""
    if not _TALLY:
        return
    terminalreporter.section("reliability: attempts and escapes per category")
    terminalreporter.write_line(f"{'category':<44}{'attempts':>10}{'escapes':>10}")
    for category in sorted(_TALLY):
        attempts, escapes = _TALLY[category]
        terminalreporter.write_line(f"{category:<44}{attempts:>10}{escapes:>10}")
