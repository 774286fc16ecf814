"""Reminders: who wants reminding (rules), and the ledger of what goes out (deliveries)."""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Index,
    UniqueConstraint,
)
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from storage.models.types import UTCDateTime


class RuleScope(StrEnum):
    meeting = "meeting"  # scope_value: a meeting id
    region = "region"  # scope_value: a region name (storage.places.REGIONS)
    kind = "kind"  # scope_value: a meeting kind
    all = "all"  # scope_value: ""


class DeliveryKind(StrEnum):
    reminder = "reminder"  # before a meeting starts
    deadline = "deadline"  # before a deadline
    invite = "invite"  # a first invitation (iMIP REQUEST; queued by the invites code)
    update = "update"  # a changed meeting (REQUEST with a higher SEQUENCE)
    cancel = "cancel"  # a cancelled meeting (iMIP CANCEL for invitees, a notice in chat)
    dated = "dated"  # an undated meeting got its dates (for those who asked to be told)
    note = "note"  # a personal reminder (subject "note:ID", meeting_id "")
    digest = "digest"  # one occurrence of an agenda (subject "digest:ID:DATE", meeting_id "")
    answer = "answer"  # a chat answer (subject "answer:EVENT_ID", meeting_id "", `payload`)


class DeliveryState(StrEnum):
    pending = "pending"
    sending = "sending"  # claimed by a worker (`claimed_by`, `claimed_at`)
    sent = "sent"
    failed = "failed"  # gave up after retries or on a permanent error (`last_error`)
    skipped = "skipped"  # will not be sent (`reason`)
    waiting = "waiting"  # owed once a fact changes (a "dated" notice: when the dates are set)


class ReminderRule(SQLModel, table=True):
    """A subscriber's wish to be reminded: which meetings (scope), how long before (offsets in
    days), at what local time, and whether deadlines count too.

    `subscriber` names recipient and channel at once: "email:a@x.org", "slack:U123" (a person),
    "slack:C123" (a channel), "teams:ID". One rule per (subscriber, scope, value); adding it
    again replaces the offsets and reactivates it.
    """

    __tablename__ = "reminder_rule"
    __table_args__ = (
        UniqueConstraint("subscriber", "scope", "scope_value", name="uq_reminder_rule"),
    )

    id: int | None = SQLField(default=None, primary_key=True)
    subscriber: str = SQLField(max_length=320, index=True)
    scope: str = SQLField(max_length=10)
    scope_value: str = SQLField(default="", max_length=100)
    offsets: list[int] = SQLField(default_factory=list, sa_column=Column(JSON, nullable=False))
    starts: bool = True  # remind before the meeting starts
    deadlines: bool = False  # remind before the meeting's deadlines
    deadline_kinds: list[str] = SQLField(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )  # empty: every kind
    time_of_day: time = time(9, 0)
    timezone: str = SQLField(max_length=64)
    # True: `timezone` is the subscriber's chat-profile zone (see `Person`), kept in step by
    # bot.profiles when the profile changes; False: a zone given explicitly, never moved
    follows_profile: bool = False
    active: bool = True
    created_at: datetime = SQLField(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = SQLField(sa_column=Column(UTCDateTime(), nullable=False))


class Delivery(SQLModel, table=True):
    """One message to one recipient about one subject: the ledger the scheduler works from.

    `subject` is "meeting:ID" (reminders), "deadline:ID", "invite|update|cancel:ID:SEQUENCE",
    "dated:ID", "note:ID" (personal reminders), "digest:ID:YYYY-MM-DD" (agendas) or
    "answer:EVENT_ID" (chat answers); with recipient, channel and offset it is unique, so
    planning twice never queues twice and a chat event is answered once.
    """

    __tablename__ = "delivery"
    __table_args__ = (
        UniqueConstraint("subject", "recipient", "channel", "offset_days", name="uq_delivery"),
        Index("ix_delivery_state_due", "state", "due_at"),
    )

    id: int | None = SQLField(default=None, primary_key=True)
    kind: str = SQLField(max_length=10)
    subject: str = SQLField(max_length=200)
    meeting_id: str = SQLField(max_length=100, index=True)
    deadline_id: int | None = None
    recipient: str = SQLField(max_length=320, index=True)
    channel: str = SQLField(max_length=20)
    offset_days: int = 0
    due_at: datetime = SQLField(sa_column=Column(UTCDateTime(), nullable=False))
    # the subject's date when planned (meeting start, deadline due date): a sent row is owed
    # again only when this moves, not when the recipient's zone or time of day does
    subject_date: date | None = None
    state: str = SQLField(default=DeliveryState.pending.value, max_length=10)
    attempts: int = 0
    last_error: str | None = SQLField(default=None, max_length=500)
    reason: str | None = SQLField(default=None, max_length=200)
    claimed_by: str | None = SQLField(default=None, max_length=80)
    claimed_at: datetime | None = SQLField(default=None, sa_column=Column(UTCDateTime()))
    sent_at: datetime | None = SQLField(default=None, sa_column=Column(UTCDateTime()))
    # what a chat answer says, as its surface rendered it (e.g. Slack's chat.postMessage
    # arguments); None for kinds rendered from the facts when sent, and once an answer is sent
    payload: dict[str, Any] | None = SQLField(
        default=None, sa_column=Column(JSON(none_as_null=True))
    )
    created_at: datetime = SQLField(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = SQLField(sa_column=Column(UTCDateTime(), nullable=False))

    @property
    def address(self) -> str:
        """The recipient without its channel prefix: "U123", "a@x.org"."""
        return self.recipient.partition(":")[2]


def rule_json(r: ReminderRule) -> dict[str, Any]:
    return {
        "id": r.id,
        "subscriber": r.subscriber,
        "scope": r.scope,
        "scope_value": r.scope_value or None,
        "before_days": list(r.offsets),
        "starts": r.starts,
        "deadlines": r.deadlines,
        "deadline_kinds": list(r.deadline_kinds),
        "time_of_day": r.time_of_day.strftime("%H:%M"),
        "timezone": r.timezone,
        "follows_profile": r.follows_profile,
        "active": r.active,
    }


def delivery_json(d: Delivery) -> dict[str, Any]:
    def iso(v: datetime | None) -> str | None:
        return v.isoformat() if v else None

    return {
        "id": d.id,
        "kind": d.kind,
        "subject": d.subject,
        "meeting_id": d.meeting_id,
        "deadline_id": d.deadline_id,
        "recipient": d.recipient,
        "channel": d.channel,
        "offset_days": d.offset_days,
        "due_at": iso(d.due_at),
        "subject_date": d.subject_date.isoformat() if d.subject_date else None,
        "state": d.state,
        "attempts": d.attempts,
        "last_error": d.last_error,
        "reason": d.reason,
        "sent_at": iso(d.sent_at),
    }
