"""Shared set-up for reminder tests: many subscribers at once, and ledger counts."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import Engine
from sqlmodel import Session, select

from bot import reminders
from storage import db
from storage.models import Delivery, ReminderRule

LUSAKA = "africa-regional-2016"  # starts 2016-02-02


def fan_out(
    engine: Engine,
    n: int,
    *,
    now: datetime,
    meeting_id: str = LUSAKA,
    offsets: list[int] | None = None,
    prefix: str = "slack:C",
) -> int:
    """`n` channels each following one meeting, planned in one go; returns rows queued."""
    with db.session_scope(engine) as s:
        s.add_all(
            ReminderRule(
                subscriber=f"{prefix}{i:07d}",
                scope="meeting",
                scope_value=meeting_id,
                offsets=offsets or [3],
                time_of_day=time(9, 0),
                timezone="UTC",
                created_at=now,
                updated_at=now,
            )
            for i in range(n)
        )
        s.flush()
        return reminders.replan_meeting(s, meeting_id=meeting_id, now=now).created


def states(engine: Engine) -> Counter[str]:
    with Session(engine) as s:
        return Counter(s.exec(select(Delivery.state)))


def due_instant(offset_days: int = 3) -> datetime:
    """When a LUSAKA reminder `offset_days` before, at 09:00 UTC, falls due."""
    return datetime(2016, 2, 2, 9, 0, tzinfo=UTC) - timedelta(days=offset_days)
