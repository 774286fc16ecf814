"""A `Query` → the meetings (and deadlines) it is about and the reply in words.

Questions about one meeting take the best match first and at most two close alternatives
(bot.ask.single); lists take all and only the matches (bot.ask.lists); deadline questions get
the deadlines that answer them (bot.ask.deadline_answers); greetings and help take none. When
the store has nothing that answers, the reply says so and offers real meetings as labelled
suggestions (bot.ask.misses), never as the answer.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from bot.ask import deadline_answers, lists, misses, single
from bot.ask.lists import ROLES, SINGLE
from bot.ask.query import Query
from bot.ask.reply import Reply
from bot.conversation import HELP_TEXT, SHORT_HELP

__all__ = ["Reply", "compose", "topic_of"]


def compose(q: Query, *, session: Session) -> Reply:
    if q.intent == "greeting":
        return Reply("greeting", "Hello! " + SHORT_HELP)
    if q.intent == "help":
        return Reply("help", HELP_TEXT)
    if q.intent == "thanks":
        return Reply("thanks", "You're welcome! Ask me any time about meetings.")
    if q.impossible:  # "31 February 2016": said so, not answered with February's meetings
        return Reply("unclear", f"{q.impossible}. Which date did you mean?")
    if q.refers_back and not q.meeting_ids and not q.span:
        return Reply(
            "unclear",
            "Which meeting do you mean? I don't remember one from this conversation: name it, "
            "e.g. “who funds the next regional meeting?”.",
        )
    if q.deadlines:
        return deadline_answers.answer(q, session)
    if q.unknown_names and not q.meeting_ids:
        return misses.unknown_names(q, session)
    if q.unknown_place and not q.has_place:
        return misses.unknown_place(q, session)
    vague = q.intent in ("unknown", "describe") and not (q.has_subject or q.span or q.selector)
    if vague and not q.meeting_ids:
        return Reply("unknown", "Sorry, I didn't understand that. " + SHORT_HELP)
    if q.anchor:
        return single.neighbour(q, session)
    about_one = q.intent in ROLES and not q.plural and _names_meeting(q)
    if q.organisations and q.intent not in ("count", "exists", "when", "where") and not about_one:
        return lists.listing(q, session, intent="list")
    if q.intent in ("count", "exists", "list"):
        if q.intent == "list" and q.selector and not q.plural and not q.limit:
            return _one(q, session, intent="describe")
        return lists.listing(q, session, intent=q.intent)
    if q.intent in ROLES and (q.plural or not _names_meeting(q)):
        return lists.listing(q, session, intent=q.intent)
    if q.intent in SINGLE:
        if q.plural and not q.selector:
            return lists.listing(q, session, intent=q.intent)
        return _one(q, session, intent=q.intent)
    return lists.listing(q, session, intent="list")


def _one(q: Query, session: Session, *, intent: str) -> Reply:
    return single.single(q, session, intent=intent) or lists.listing(q, session, intent=intent)


def _names_meeting(q: Query) -> bool:
    return bool(
        q.has_place
        or q.kinds
        or q.series
        or q.short_names
        or q.terms
        or q.ordinal
        or q.span
        or q.meeting_ids
    )


def topic_of(q: Query) -> dict[str, Any]:
    """What a follow-up may carry over from this question (bot.ask.followups)."""
    return {
        "intent": q.intent,
        "deadlines": q.deadlines,
        "deadline_kinds": list(q.deadline_kinds),
        "selector": q.selector,
    }
