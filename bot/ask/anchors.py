"""Questions about what comes after or before a meeting: "what comes after the Brno meeting?",
"what's on before INC7?". The rest of the question names that meeting (the anchor)."""

from __future__ import annotations

import re

from bot.ask.query import Query

ANCHOR = re.compile(r"\b(after|before|following|preceding|prior to)\s+(?:the\s+)?(?=[a-z0-9])")


def read_anchor(q: Query, remaining: str) -> None:
    """Set `q.anchor` ("after" | "before") when the question places itself against a meeting
    it names (not against a date: the span has those words already)."""
    if q.span or q.intent in ("days_until", "duration") or not q.names_something:
        return
    m = ANCHOR.search(remaining)
    if m:
        q.anchor = "before" if m.group(1) in ("before", "preceding", "prior to") else "after"
