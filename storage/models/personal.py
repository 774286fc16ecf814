"""What people ask for for themselves beyond meeting reminders: personal reminders ("remind me
on 10 January at 9:00 to send the invitation letters") and agendas (digests) posted to a
person or a channel every day or week. Both are delivered through the deliveries ledger."""

from __future__ import annotations

from datetime import datetime, time
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, UniqueConstraint
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from storage.models.types import UTCDateTime


class PersonalReminder(SQLModel, table=True):
    """A free-form reminder to one person at one instant (`due_at`, UTC; said in `timezone`).
    Its delivery is the ledger row with subject "note:<id>"."""

    __tablename__ = "personal_reminder"

    id: int | None = SQLField(default=None, primary_key=True)
    subscriber: str = SQLField(max_length=320, index=True)  # "slack:U123", "teams:29:abc"
    text: str = SQLField(max_length=500)
    due_at: datetime = SQLField(sa_column=Column(UTCDateTime(), nullable=False))
    timezone: str = SQLField(max_length=64)
    created_at: datetime = SQLField(sa_column=Column(UTCDateTime(), nullable=False))
    cancelled_at: datetime | None = SQLField(default=None, sa_column=Column(UTCDateTime()))


class DigestPeriod(StrEnum):
    daily = "daily"
    weekly = "weekly"


class Digest(SQLModel, table=True):
    """An agenda of the coming meetings and deadlines, posted to `subscriber` (a person or a
    channel) every day, or every week on `weekday` (0 = Monday), at `time_of_day` in
    `timezone`. One per subscriber and period; each occurrence is a ledger row with subject
    "digest:<id>:<YYYY-MM-DD>", so it goes out once however many processes plan it."""

    __tablename__ = "digest"
    __table_args__ = (UniqueConstraint("subscriber", "period", name="uq_digest"),)

    id: int | None = SQLField(default=None, primary_key=True)
    subscriber: str = SQLField(max_length=320, index=True)
    period: str = SQLField(max_length=10)
    weekday: int | None = None
    time_of_day: time = time(9, 0)
    timezone: str = SQLField(max_length=64)
    created_by: str | None = SQLField(default=None, max_length=320)
    active: bool = True
    created_at: datetime = SQLField(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = SQLField(sa_column=Column(UTCDateTime(), nullable=False))


def digest_json(d: Digest) -> dict[str, Any]:
    return {
        "id": d.id,
        "subscriber": d.subscriber,
        "period": d.period,
        "weekday": d.weekday,
        "time_of_day": d.time_of_day.strftime("%H:%M"),
        "timezone": d.timezone,
        "active": d.active,
    }


def personal_reminder_json(r: PersonalReminder) -> dict[str, Any]:
    return {
        "id": r.id,
        "subscriber": r.subscriber,
        "text": r.text,
        "due_at": r.due_at.isoformat(),
        "timezone": r.timezone,
        "cancelled": r.cancelled_at is not None,
    }
