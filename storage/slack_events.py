"""Slack event ids already handled: the memory that makes Slack's retries harmless."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from storage.models import SlackEvent


def remember(session: Session, *, event_id: str, now: datetime) -> bool:
    """Record `event_id`; True when it is new, False when it was seen before (a retry)."""
    values = {"event_id": event_id, "received_at": now}
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(SlackEvent)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["event_id"])
        .returning(col(SlackEvent.id))
    )
    return session.execute(statement).first() is not None


def forget_before(session: Session, *, before: datetime) -> int:
    """Drop ids older than `before` (Slack stops retrying within minutes)."""
    result = session.execute(delete(SlackEvent).where(col(SlackEvent.received_at) < before))
    return int(result.rowcount)  # type: ignore[attr-defined]
