"""Slack event ids already handled: the memory that makes Slack's retries harmless."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, col

from storage.models import SlackEvent
from storage.upsert import insert_ignore


def remember(session: Session, *, event_id: str, now: datetime) -> bool:
    """Record `event_id`; True when it is new, False when it was seen before (a retry)."""
    row = {"event_id": event_id, "received_at": now}
    return insert_ignore(session, SlackEvent, [row], keys=["event_id"]) == 1


def forget_before(session: Session, *, before: datetime) -> int:
    """Drop ids older than `before` (Slack stops retrying within minutes)."""
    result = session.execute(delete(SlackEvent).where(col(SlackEvent.received_at) < before))
    return int(result.rowcount)  # type: ignore[attr-defined]
