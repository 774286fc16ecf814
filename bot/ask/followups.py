"""Follow-ups: a question read against what the conversation's last answer was about.

"who funds it?" / "which of them comes first?" refer back (a pronoun, nothing named): they are
about the remembered meetings, and a question about deadlines stays about deadlines. "and the
one in Brno?" / "what about Montevideo?" are elliptical (no question of their own): they ask
the last question again about what they name. A question that names its own meetings and asks
its own question is read as it is."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from bot.ask.intents import detect_intent
from bot.ask.query import Query

REFERS = re.compile(
    r"\b(?:it|its|itself|them|they|their|those|these|that one|this one|that meeting"
    r"|this meeting|the same(?: one| meeting)?)\b"
)
PLURAL = re.compile(r"\b(?:them|they|their|those|these)\b")
# "is it possible…": an "it" that stands for nothing
DUMMY_IT = re.compile(
    r"\b(?:is|was|would|will) it (?:be )?(?:possible|true|ok|okay|worth|necessary|likely)\b"
)
ELLIPSIS = re.compile(
    r"^(?:(?:and|but|also|ok|okay|so|then)\s+)?(?:what|how)\s+about\b\s*"
    r"|^(?:and|also|same for|and also|and for|and what of)\b\s*"
)


def follow_up(q: Query, *, meeting_ids: Sequence[str], topic: Mapping[str, Any]) -> Query:
    """`q` with what it leaves out taken from the conversation's memory."""
    folded = q.folded
    refers = bool(REFERS.search(DUMMY_IT.sub(" ", folded))) and not q.plural and not q.span
    if refers and not q.names_something:
        q = replace(q, refers_back=True)
    if not meeting_ids and not topic:
        return q
    elliptic = ELLIPSIS.match(folded)
    if elliptic:
        own = detect_intent(folded[elliptic.end() :] or "it")
        if own in ("unknown", "describe") and topic.get("intent"):
            q = _carry_over(q, topic)
    if (refers or elliptic) and not q.names_something and meeting_ids:
        many = len(meeting_ids) > 1 and bool(PLURAL.search(folded))
        q = replace(q, meeting_ids=list(meeting_ids), plural=q.plural or many)
        if topic.get("deadlines") and q.intent in ("list", "describe", "unknown", "when"):
            kinds = q.deadline_kinds or list(topic.get("deadline_kinds", []))
            q = replace(q, deadlines=True, deadline_kinds=kinds)
        if q.intent == "unknown":
            q = replace(q, intent="describe")
    return q


def _carry_over(q: Query, topic: Mapping[str, Any]) -> Query:
    """The last question's intent, deadline topic and selector, about what `q` names."""
    changes: dict[str, Any] = {"intent": topic["intent"]}
    if topic.get("deadlines") and not q.deadlines:
        changes["deadlines"] = True
        changes["deadline_kinds"] = list(topic.get("deadline_kinds") or [])
    if topic.get("selector") and not q.selector:
        changes["selector"] = topic["selector"]
    return replace(q, **changes)
