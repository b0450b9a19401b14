"""Redaction of a terminal stream as it is produced (live shares).

A snapshot's recording is redacted whole (``redact.redact_cast``). A live stream
cannot wait for the end: a secret may arrive one character per chunk, or split by
colour codes. :class:`StreamRedactor` therefore holds back the end of the stream
while its visible characters could be the start of a secret (at least
``MIN_HOLD`` of them) or of a gateway-only token, and releases it once the next
output shows it is not; whatever is released goes through the same matching as
snapshots (escape sequences and control characters skipped), so a secret never
leaves in full. At most ``MIN_HOLD - 1`` leading characters of a secret can be
sent before the rest shows it is one (they are never enough to use it).
"""

from __future__ import annotations

import re
from bisect import bisect_right

from .redact import NOISE, Matcher, runs, stream_edits

MIN_HOLD = 4
GATEWAY_PREFIX = "orpheus-llm-"
_PARTIAL_TOKEN = re.compile(r"orpheus-llm-[A-Za-z0-9_-]{0,42}\Z")


class StreamRedactor:
    """Feed output chunks in order; each call returns what may be shown now.

    ``context`` keeps the last visible characters already sent, so a secret whose
    first characters left in earlier chunks is still recognised (and the rest removed).
    """

    def __init__(self, matcher: Matcher) -> None:
        self.matcher = matcher
        self.pending = ""
        self.context = ""
        self._starts = [*matcher.secrets, GATEWAY_PREFIX]
        self._context_len = max(len(s) for s in self._starts) + 60

    def feed(self, text: str) -> str:
        """The redacted part of ``pending + text`` that cannot be the start of a secret."""
        stream = self.pending + text
        ctx = self.context
        visible = NOISE.sub("", stream)
        hold = max(self._hold_from(ctx + visible) - len(ctx), 0)
        cut = len(stream)
        if hold < len(visible):
            v_starts, s_starts = runs(stream)
            run = bisect_right(v_starts, hold) - 1
            cut = s_starts[run] + hold - v_starts[run]
        out, self.pending = stream[:cut], stream[cut:]
        return self._release(out)

    def flush(self) -> str:
        """The held tail, redacted (the stream has ended)."""
        out, self.pending = self.pending, ""
        return self._release(out)

    def _release(self, out: str) -> str:
        """``out`` with every secret removed, matched together with what was sent before it."""
        ctx = self.context
        self.context = (ctx + NOISE.sub("", out))[-self._context_len:]
        edits = stream_edits(ctx + out, self.matcher)
        if not edits:
            return out
        return "".join(edits.get(i + len(ctx), ch) for i, ch in enumerate(out))

    def _hold_from(self, visible: str) -> int:
        """Visible index from which the tail must wait (``len(visible)``: nothing waits)."""
        hold = len(visible)
        for secret in self._starts:
            hold = min(hold, _prefix_tail(visible, secret))
        partial = _PARTIAL_TOKEN.search(visible[-60:])
        if partial is not None:
            hold = min(hold, len(visible) - len(partial.group()))
        # A complete secret that crosses the hold point leaves whole, redacted.
        for start, end in self.matcher.spans(visible):
            if start < hold < end:
                hold = end
        return hold


def _prefix_tail(visible: str, secret: str) -> int:
    """Where the longest tail of ``visible`` that begins ``secret`` starts (at least
    ``MIN_HOLD`` characters, shorter than the secret), else ``len(visible)``."""
    longest = min(len(secret) - 1, len(visible))
    for length in range(longest, MIN_HOLD - 1, -1):
        if visible.endswith(secret[:length]):
            return len(visible) - length
    return len(visible)
