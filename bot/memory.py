"""A conversation's memory of its last answer, for follow-ups: which meetings it named and what
was asked about them (bot.ask.followups reads questions against it). Kept in the database
(storage.conversations), so it survives a restart and is shared by replicas; it lasts
SECBOT_CONVERSATION_MINUTES after the last message."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from bot.conversation import Answer
from storage import conversations, db

# intents whose answers say nothing about meetings: they leave the memory as it was
FORGETTABLE = {"help", "greeting", "thanks", "unknown", "error", "unclear"}
# a command's object that points back: "remind me 3 days before it", "add it to my calendar"
POINTS_BACK = re.compile(
    r"\b(?P<verb>before|about|of|for|after|add|follow|from|to)\s+"
    r"(?P<ref>it|that meeting|this meeting|that one|this one|the same meeting|that session)\b",
    re.IGNORECASE,
)
COMMAND = re.compile(
    r"^\s*(?:please\s+)?(?:remind|add|put|stop|tell|notify|let me know|subscribe|unsubscribe"
    r"|follow|unfollow|cancel)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Memory:
    meeting_ids: list[str] = field(default_factory=list)
    topic: dict[str, Any] = field(default_factory=dict)


def recall(engine: Engine, key: str | None, *, now: datetime) -> Memory:
    if not key:
        return Memory()
    with Session(engine) as session:
        found = conversations.recall(session, key=key, now=now)
    return Memory(found.meeting_ids, found.topic) if found else Memory()


def keep(
    engine: Engine, key: str | None, answer: Answer, *, previous: Memory, now: datetime,
    minutes: float,
) -> None:  # fmt: skip
    """Remember what `answer` was about (its meetings, else the ones before; its topic, else
    the one before); answers about nothing (help, thanks) change nothing."""
    if not key or answer.intent in FORGETTABLE:
        return
    ids = [m.id for m in answer.meetings] or previous.meeting_ids
    topic = answer.topic or previous.topic
    if not ids and not topic:
        return
    with db.session_scope(engine) as session:
        conversations.remember(
            session, key=key, meeting_ids=ids, topic=topic, now=now,
            keep_for=timedelta(minutes=minutes),
        )  # fmt: skip
        conversations.prune(session, now=now)  # the expired ones: an index range, often empty


def resolve_command(text: str, memory: Memory) -> str:
    """A command that points back ("remind me 3 days before it") with the meeting's id in
    place of the pronoun, so the command reads like any other; other text unchanged."""
    if not memory.meeting_ids or not COMMAND.match(text):
        return text
    if re.match(r"^\s*(?:please\s+)?remind\s+me\b(?!.*\bbefore\b).*\bto\s+\w", text, re.I):
        return text  # "remind me tomorrow at 9 to send it": a personal reminder, its own words
    first = memory.meeting_ids[0]
    return POINTS_BACK.sub(lambda m: f"{m.group('verb')} {first}", text, count=1)
