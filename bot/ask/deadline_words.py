"""Is a question about deadlines, and of which kinds? "What's due this week?", "when is the
registration deadline for INC7?", "how many days are left to send nominations?".

The kinds are the store's (`DeadlineKind`); a question is about deadlines when it says so
("deadline", "due", "cut-off", "closing date") or when it asks when, whether or how long about
a kind whose name is never a meeting's ("nominations", "registration", "visas")."""

from __future__ import annotations

import re

from bot.ask.query import Query

EXPLICIT = re.compile(r"\b(?:deadlines?|due(?! to\b)|cut ?offs?|closing dates?|time limits?)\b")
# the store's deadline kinds, as people say them
KIND_WORDS = {
    "nominations": r"nominat\w*",
    "registration": r"regist\w*",
    "visa": r"visas?",
    "documents": r"documents?|papers?|documentation",
    "travel": r"travel(?:l?ing)?(?: requests?)?",
    "comments": r"comments?",
}
# kinds named alone make a deadline question when asked when / whether / how long
ON_THEIR_OWN = ("nominations", "registration", "visa")
TIME_INTENTS = ("when", "days_until", "exists", "list", "count", "describe", "unknown")
# words that are the deadline question's own, not a meeting's
OWN_WORDS = re.compile(
    r"^(?:deadline|due|cut|cutoff|closing|date|submit\w*|send\w*|"
    + "|".join(KIND_WORDS.values())
    + r")$"
)


def read_deadlines(q: Query, folded: str) -> None:
    """Mark `q` as a deadline question, with the kinds it names, when it is one."""
    kinds = [k for k, words in KIND_WORDS.items() if re.search(rf"\b(?:{words})\b", folded)]
    explicit = EXPLICIT.search(folded)
    alone = any(k in ON_THEIR_OWN for k in kinds) and q.intent in TIME_INTENTS
    if not (explicit or alone):
        return
    q.deadlines = True
    q.deadline_kinds = kinds
    q.terms = [t for t in q.terms if not OWN_WORDS.match(t)]
