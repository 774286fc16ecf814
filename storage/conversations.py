"""Keyword-only reads and writes of conversation memory (`ConversationMemory`): what a
conversation's last answer was about, kept until it expires. Callers own the session."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import delete, select
from sqlmodel import Session, col

from storage.models import ConversationMemory


class Recalled(NamedTuple):
    meeting_ids: list[str]
    topic: dict[str, Any]


def recall(session: Session, *, key: str, now: datetime) -> Recalled | None:
    """What the conversation's memory holds, or None when it has none or it expired: one key
    read, without building the ORM object (asked before every answer, and half its cost)."""
    table = ConversationMemory.__table__  # type: ignore[attr-defined]
    query = select(table.c.meeting_ids, table.c.topic).where(
        table.c.key == key, table.c.expires_at > now
    )
    row = session.connection().execute(query).first()
    return Recalled(list(row.meeting_ids), dict(row.topic)) if row else None


def remember(
    session: Session,
    *,
    key: str,
    meeting_ids: Sequence[str],
    topic: Mapping[str, Any],
    now: datetime,
    keep_for: timedelta,
) -> ConversationMemory:
    """Replace the conversation's memory; it lasts `keep_for` from `now`."""
    memory = session.get(ConversationMemory, key)
    if memory is None:
        memory = ConversationMemory(key=key, updated_at=now, expires_at=now + keep_for)
    memory.meeting_ids = list(meeting_ids)
    memory.topic = dict(topic)
    memory.updated_at, memory.expires_at = now, now + keep_for
    session.add(memory)
    session.flush()
    return memory


def prune(session: Session, *, now: datetime) -> int:
    """Forget expired memories; returns how many."""
    result = session.execute(
        delete(ConversationMemory).where(col(ConversationMemory.expires_at) <= now)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
