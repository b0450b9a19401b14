"""The reliability-and-abuse suite's tally: attempts and escapes per category.

A pytest plugin (``pytest_plugins`` in ``tests/conftest.py``), so that the hooks
run in the process that prints the summary, with or without pytest-xdist workers.

Tests record what they tried through the ``tally`` fixture; the run ends with a
table of every category (an escape is an attempt that got through; any escape
also fails its test, so the table explains, it never hides).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest

_TALLY: dict[str, list[int]] = defaultdict(lambda: [0, 0])
_KEY = "orpheus-tally"


class Tally:
    """``record(category, attempts, escapes)``: counts for the closing table.

    The counts travel on the test's report (``user_properties``), so the table is
    whole whether the tests ran in this process or in pytest-xdist workers.
    """

    def __init__(self, node: pytest.Item) -> None:
        self._node = node

    def record(self, category: str, attempts: int, escapes: int = 0) -> None:
        self._node.user_properties.append((_KEY, (category, attempts, escapes)))


@pytest.fixture
def tally(request: pytest.FixtureRequest) -> Tally:
    """The tally, for this test."""
    return Tally(request.node)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Add a finished test's counts to the table (also for reports from xdist workers)."""
    if report.when != "call":
        return
    for key, value in report.user_properties:
        if key == _KEY:
            category, attempts, escapes = value
            _TALLY[category][0] += attempts
            _TALLY[category][1] += escapes


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print the table of attempts and escapes per category."""
    if not _TALLY:
        return
    terminalreporter.section("reliability: attempts and escapes per category")
    terminalreporter.write_line(f"{'category':<44}{'attempts':>10}{'escapes':>10}")
    for category in sorted(_TALLY):
        attempts, escapes = _TALLY[category]
        terminalreporter.write_line(f"{category:<44}{attempts:>10}{escapes:>10}")
