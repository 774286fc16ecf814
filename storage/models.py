"""The store's tables and the validated shape every meeting passes through.

`MeetingData` is the one gate: CLI, imports, seed and chat admins all build one, so a meeting
in the database has always been validated the same way. `Meeting` is the table;
`meeting_json` renders the JSON meeting object every command and endpoint prints.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Index,
    TypeDecorator,
    UniqueConstraint,
    case,
    event,
    literal,
    update,
)
from sqlalchemy.orm import Session
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from storage import places


class Kind(StrEnum):
    session = "session"
    bureau = "bureau"
    regional_meeting = "regional_meeting"
    expert_group = "expert_group"
    working_group = "working_group"
    workshop = "workshop"
    high_level_event = "high_level_event"
    conference = "conference"
    retreat = "retreat"
    teleconference = "teleconference"
    other = "other"


class Status(StrEnum):
    planned = "planned"
    confirmed = "confirmed"
    held = "held"
    postponed = "postponed"
    cancelled = "cancelled"


class Precision(StrEnum):
    day = "day"
    month = "month"
    unknown = "unknown"


class DeadlineKind(StrEnum):
    documents = "documents"
    registration = "registration"
    nominations = "nominations"
    travel = "travel"
    visa = "visa"
    comments = "comments"
    custom = "custom"


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware datetimes stored as UTC on every backend (SQLite keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def slugify(text: str) -> str:
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80] or "meeting"


def _month_end(year: int, month: int) -> date:
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1)


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid")
    document: str | None = None
    paragraph: str | None = None

    @field_validator("paragraph", mode="before")
    @classmethod
    def _paragraph_text(cls, v: Any) -> Any:
        return str(v) if isinstance(v, int) else v


class MeetingData(BaseModel):
    """A meeting as the outside world gives it: validated, normalised, ready to store.

    `start`/`end` accept `YYYY-MM-DD`, or `YYYY-MM` for a meeting known only to the month, or
    nothing (no date yet). Country accepts a name or alpha-2; city fills country, region and
    time zone when they are not given.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str | None = None
    title: str = Field(min_length=1, max_length=300)
    short_name: str | None = None
    kind: Kind = Kind.other
    series: str | None = None
    ordinal: int | None = Field(default=None, ge=1, le=1000)
    status: Status = Status.planned
    start: date | None = None
    end: date | None = None
    precision: Precision | None = None
    start_time: time | None = None
    end_time: time | None = None
    timezone: str | None = None
    city: str | None = None
    country: str | None = None
    region: str | None = None
    venue: str | None = None
    online: bool = False
    hosts: list[str] = Field(default_factory=list)
    funders: list[str] = Field(default_factory=list)
    partners: list[str] = Field(default_factory=list)
    description: str | None = None
    source: Source = Field(default_factory=Source)
    uid: str | None = None
    sequence: int = Field(default=0, ge=0)

    @model_validator(mode="before")
    @classmethod
    def _month_dates(cls, data: Any) -> Any:
        """Turn `YYYY-MM` into the month's first/last day and remember the precision."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for key in ("start", "end"):
            value = data.get(key)
            if isinstance(value, str):
                value = value.strip()
                data[key] = value or None
                m = MONTH.match(value)
                if m:
                    year, month = int(m.group(1)), int(m.group(2))
                    if not 1 <= month <= 12:
                        raise ValueError(f"{key}: impossible month {value!r}")
                    data[key] = date(year, month, 1) if key == "start" else _month_end(year, month)
                    data.setdefault("precision", Precision.month)
                    if key == "start" and not data.get("end"):
                        data["end"] = _month_end(year, month)
        for key in ("hosts", "funders", "partners"):
            if isinstance(data.get(key), str):
                data[key] = [p.strip() for p in data[key].split(";") if p.strip()]
        for key in ("start_time", "end_time", "timezone", "city", "country", "region", "venue"):
            if data.get(key) == "":
                data[key] = None
        return data

    @field_validator("id")
    @classmethod
    def _slug(cls, v: str | None) -> str | None:
        if v is not None and not SLUG.match(v):
            raise ValueError(f"id {v!r} must be lower-case letters, digits and hyphens")
        return v

    @field_validator("country")
    @classmethod
    def _country(cls, v: str | None) -> str | None:
        if v is None:
            return None
        code = places.country_code(v)
        if code is None:
            raise ValueError(f"unknown country {v!r}")
        return code

    @field_validator("region")
    @classmethod
    def _region(cls, v: str | None) -> str | None:
        if v is None:
            return None
        region = places.region_name(v)
        if region is None:
            raise ValueError(f"unknown region {v!r} (one of: {', '.join(places.REGIONS)})")
        return region

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str | None) -> str | None:
        if v is None:
            return None
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {v!r}") from None
        return v

    @model_validator(mode="after")
    def _consistent(self) -> MeetingData:
        if self.start is None and self.end is not None:
            raise ValueError("end given without start")
        if self.start is not None and self.end is None:
            self.end = self.start
        if self.start and self.end and self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        if self.precision is None:
            self.precision = Precision.day if self.start else Precision.unknown
        if self.start is None:
            self.precision = Precision.unknown
        if (
            self.start_time
            and self.end_time
            and self.start == self.end
            and self.end_time <= self.start_time
        ):
            raise ValueError("end_time is not after start_time")
        if self.city and not self.country:
            found = places.find_city(self.city)
            if found:
                self.country = found.country
        if self.city and not self.timezone:
            self.timezone = places.city_timezone(self.city, self.country)
        if not self.region and self.country:
            self.region = places.country_region(self.country)
        if not self.id:
            self.id = default_id(self)
        if not self.uid:
            self.uid = f"{self.id}@secbot"
        return self


def default_id(data: MeetingData) -> str:
    year = str(data.start.year) if data.start else ""
    base = data.short_name or data.title
    slug = slugify(base)
    return slug if (not year or year in slug) else f"{slug}-{year}"


class Meeting(SQLModel, table=True):
    __tablename__ = "meeting"
    __table_args__ = (
        Index("ix_meeting_dates", "start_date", "end_date"),
        Index("ix_meeting_end", "end_date"),
        # question answering: one equality filter, then a date range in date order (the end
        # date too, so "how many" counts read the index alone)
        Index("ix_meeting_kind_start", "kind", "start_date", "end_date"),
        Index("ix_meeting_city_start", "city", "start_date", "end_date"),
        Index("ix_meeting_country_start", "country", "start_date", "end_date"),
        Index("ix_meeting_region_start", "region", "start_date", "end_date"),
        Index("ix_meeting_series_start", "series", "start_date", "end_date"),
        Index("ix_meeting_ordinal", "ordinal"),  # "the third meeting of…": a handful of rows
        UniqueConstraint("uid", name="uq_meeting_uid"),
    )

    id: str = SQLField(primary_key=True, max_length=100)
    title: str = SQLField(max_length=300)
    short_name: str | None = SQLField(default=None, max_length=50, index=True)
    kind: str = SQLField(max_length=40, index=True)
    series: str | None = SQLField(default=None, max_length=200, index=True)
    ordinal: int | None = None
    status: str = SQLField(max_length=20)
    start_date: date | None = None
    end_date: date | None = None
    precision: str = SQLField(default=Precision.day.value, max_length=10)
    start_time: time | None = None
    end_time: time | None = None
    timezone: str | None = SQLField(default=None, max_length=64)
    city: str | None = SQLField(default=None, max_length=120, index=True)
    country: str | None = SQLField(default=None, max_length=2, index=True)
    region: str | None = SQLField(default=None, max_length=60, index=True)
    venue: str | None = SQLField(default=None, max_length=200)
    online: bool = False
    hosts: list[str] = SQLField(default_factory=list, sa_column=Column(JSON, nullable=False))
    funders: list[str] = SQLField(default_factory=list, sa_column=Column(JSON, nullable=False))
    partners: list[str] = SQLField(default_factory=list, sa_column=Column(JSON, nullable=False))
    description: str | None = None
    source_document: str | None = SQLField(default=None, max_length=200)
    source_paragraph: str | None = SQLField(default=None, max_length=40)
    uid: str = SQLField(max_length=200)
    sequence: int = 0
    created_at: datetime = SQLField(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = SQLField(sa_column=Column(UTCDateTime(), nullable=False))

    def apply(self, data: MeetingData) -> bool:
        """Copy `data` onto this row; return whether anything changed."""
        values = table_values(data)
        changed = False
        for key, value in values.items():
            if getattr(self, key) != value:
                setattr(self, key, value)
                changed = True
        return changed


def table_values(data: MeetingData) -> dict[str, Any]:
    """Column values of a validated meeting (everything but id, uid, sequence, timestamps)."""
    return {
        "title": data.title,
        "short_name": data.short_name,
        "kind": data.kind.value,
        "series": data.series,
        "ordinal": data.ordinal,
        "status": data.status.value,
        "start_date": data.start,
        "end_date": data.end,
        "precision": (data.precision or Precision.unknown).value,
        "start_time": data.start_time,
        "end_time": data.end_time,
        "timezone": data.timezone,
        "city": data.city,
        "country": data.country,
        "region": data.region,
        "venue": data.venue,
        "online": data.online,
        "hosts": list(data.hosts),
        "funders": list(data.funders),
        "partners": list(data.partners),
        "description": data.description,
        "source_document": data.source.document,
        "source_paragraph": data.source.paragraph,
    }


class Deadline(SQLModel, table=True):
    __tablename__ = "deadline"
    __table_args__ = (UniqueConstraint("meeting_id", "kind", "title", name="uq_deadline"),)

    id: int | None = SQLField(default=None, primary_key=True)
    meeting_id: str = SQLField(foreign_key="meeting.id", index=True, ondelete="CASCADE")
    title: str = SQLField(max_length=300)
    kind: str = SQLField(default=DeadlineKind.custom.value, max_length=20)
    due_date: date = SQLField(index=True)
    due_time: time | None = None
    created_at: datetime = SQLField(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = SQLField(sa_column=Column(UTCDateTime(), nullable=False))


class DeadlineData(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    meeting_id: str
    title: str = Field(min_length=1, max_length=300)
    kind: DeadlineKind = DeadlineKind.custom
    due_date: date
    due_time: time | None = None


def date_text(d: date | None, precision: str) -> str | None:
    if d is None or precision == Precision.unknown:
        return None
    return d.strftime("%Y-%m") if precision == Precision.month else d.isoformat()


def meeting_json(m: Meeting) -> dict[str, Any]:
    """The JSON meeting object shared by every command and endpoint."""
    return {
        "id": m.id,
        "title": m.title,
        "short_name": m.short_name,
        "kind": m.kind,
        "series": m.series,
        "ordinal": m.ordinal,
        "status": m.status,
        "start": date_text(m.start_date, m.precision),
        "end": date_text(m.end_date, m.precision),
        "start_time": m.start_time.strftime("%H:%M") if m.start_time else None,
        "end_time": m.end_time.strftime("%H:%M") if m.end_time else None,
        "timezone": m.timezone,
        "city": m.city,
        "country": m.country,
        "country_name": places.country_name(m.country) if m.country else None,
        "region": m.region,
        "venue": m.venue,
        "online": m.online,
        "hosts": list(m.hosts or []),
        "funders": list(m.funders or []),
        "source": {"document": m.source_document, "paragraph": m.source_paragraph},
    }


def meeting_data(m: Meeting) -> MeetingData:
    """The editable form of a stored meeting (for export and edits)."""
    as_json = meeting_json(m)
    as_json.pop("country_name")
    as_json.update(
        partners=list(m.partners or []),
        description=m.description,
        uid=m.uid,
        sequence=m.sequence,
        precision=m.precision,
    )
    return MeetingData.model_validate(as_json)


def deadline_json(d: Deadline) -> dict[str, Any]:
    return {
        "id": d.id,
        "meeting_id": d.meeting_id,
        "title": d.title,
        "kind": d.kind,
        "due_date": d.due_date.isoformat(),
        "due_time": d.due_time.strftime("%H:%M") if d.due_time else None,
    }


def utcnow_from(now: datetime) -> datetime:
    return now.astimezone(UTC)


# --- calendar feeds, subscriptions and invitations (issue 5) ---------------------------------


class TargetKind(StrEnum):
    """What a subscription follows: a region, kind, country or series of meetings, or one."""

    region = "region"
    kind = "kind"
    country = "country"
    series = "series"
    meeting = "meeting"


class InvitationStatus(StrEnum):
    invited = "invited"  # a REQUEST went out at `sequence`
    cancelled = "cancelled"  # a CANCEL went out
    failed = "failed"  # the last send failed (see `last_error`)


class FeedToken(SQLModel, table=True):
    """A private calendar feed's secret. Only its SHA-256 is stored; one live token per user."""

    __tablename__ = "feed_token"

    id: int | None = SQLField(default=None, primary_key=True)
    user_key: str = SQLField(max_length=200, index=True)  # e.g. "slack:U123", "email:a@b.org"
    token_hash: str = SQLField(max_length=64, unique=True)
    created_at: datetime = SQLField(sa_column=Column(UTCDateTime(), nullable=False))
    # last change to what the feed shows beside meetings (a subscription or invitation added or
    # removed): a removal leaves no row behind to date it, so the time is kept here
    changed_at: datetime = SQLField(sa_column=Column(UTCDateTime(), nullable=False))
    revoked_at: datetime | None = SQLField(default=None, sa_column=Column(UTCDateTime()))


class Subscription(SQLModel, table=True):
    """A subscriber follows a target. The subscriber is a user ("slack:U123") or a channel
    ("slack:C123"); reminder preferences and channel subscriptions reuse these rows, with
    `alarm_minutes` the per-subscription alarm/reminder offset before the start."""

    __tablename__ = "subscription"
    __table_args__ = (
        UniqueConstraint("subscriber", "target_kind", "target", name="uq_subscription"),
    )

    id: int | None = SQLField(default=None, primary_key=True)
    subscriber: str = SQLField(max_length=200, index=True)
    target_kind: str = SQLField(max_length=20)
    target: str = SQLField(max_length=200)
    alarm_minutes: int | None = None
    created_at: datetime = SQLField(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = SQLField(sa_column=Column(UTCDateTime(), nullable=False))


class Invitation(SQLModel, table=True):
    """An e-mail address invited (iMIP) to a meeting, and the SEQUENCE last sent to it."""

    __tablename__ = "invitation"
    __table_args__ = (UniqueConstraint("meeting_id", "email", name="uq_invitation"),)

    id: int | None = SQLField(default=None, primary_key=True)
    meeting_id: str = SQLField(
        foreign_key="meeting.id", index=True, ondelete="CASCADE", max_length=100
    )
    email: str = SQLField(max_length=320, index=True)
    subscriber: str | None = SQLField(default=None, max_length=200, index=True)
    sequence_sent: int | None = None
    status: str = SQLField(default=InvitationStatus.invited.value, max_length=20)
    last_error: str | None = SQLField(default=None, max_length=500)
    created_at: datetime = SQLField(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = SQLField(sa_column=Column(UTCDateTime(), nullable=False))


class FeedState(SQLModel, table=True):
    """One row: a counter raised by every meeting insert, change or delete (and the latest
    change time), so a feed's version is a primary-key read, not a scan of the meetings."""

    __tablename__ = "feed_state"

    id: int = SQLField(default=1, primary_key=True)
    version: int = 0
    changed_at: datetime | None = SQLField(default=None, sa_column=Column(UTCDateTime()))


@event.listens_for(Session, "before_flush")
def _count_meeting_changes(session: Session, _context: Any, _instances: Any) -> None:
    """Raise FeedState.version in the same transaction as any ORM write to a meeting."""
    changed = [o for o in (*session.new, *session.deleted) if isinstance(o, Meeting)]
    changed += [o for o in session.dirty if isinstance(o, Meeting) and session.is_modified(o)]
    if not changed:
        return
    latest = max((o.updated_at for o in changed if o.updated_at), default=None)
    values: dict[str, Any] = {"version": FeedState.version + 1}
    if latest is not None:
        stamp = literal(latest, UTCDateTime())
        column = FeedState.__table__.c.changed_at  # type: ignore[attr-defined]
        values["changed_at"] = case((column.is_(None) | (column < stamp), stamp), else_=column)
    session.execute(update(FeedState).where(FeedState.id == 1).values(**values))  # type: ignore[arg-type]


# --- Microsoft Teams -------------------------------------------------------------------------


class TeamsConversation(SQLModel, table=True):
    """Where the bot can reach a Teams conversation later (reminders after a restart).

    `conversation` holds the Agents SDK's proactive `Conversation` store item: the conversation
    reference (service URL, ids, tenant) and the few token claims needed to continue it.
    `user_key` (`teams:<user id>`) is set for 1:1 (personal) conversations only.
    """

    __tablename__ = "teams_conversation"

    conversation_id: str = SQLField(primary_key=True, max_length=1000)
    user_key: str | None = SQLField(default=None, max_length=300, index=True)
    kind: str = SQLField(max_length=20)  # personal | channel | groupChat
    tenant_id: str | None = SQLField(default=None, max_length=100)
    team_id: str | None = SQLField(default=None, max_length=300)
    service_url: str = SQLField(max_length=500)
    conversation: dict[str, Any] = SQLField(sa_column=Column(JSON, nullable=False))
    created_at: datetime = SQLField(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = SQLField(sa_column=Column(UTCDateTime(), nullable=False))


class AgentState(SQLModel, table=True):
    """The Agents SDK's key/value state storage (turn, conversation and user state)."""

    __tablename__ = "agent_state"

    key: str = SQLField(primary_key=True, max_length=1000)
    data: dict[str, Any] = SQLField(sa_column=Column(JSON, nullable=False))
    updated_at: datetime = SQLField(sa_column=Column(UTCDateTime(), nullable=False))


# --- reminders (issue 6): who wants reminding, and the ledger of what goes out ----------------


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


class DeliveryState(StrEnum):
    pending = "pending"
    sending = "sending"  # claimed by a worker (`claimed_by`, `claimed_at`)
    sent = "sent"
    failed = "failed"  # gave up after retries or on a permanent error (`last_error`)
    skipped = "skipped"  # will not be sent (`reason`)


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

    `subject` is "meeting:ID" (reminders), "deadline:ID", or "invite|update|cancel:ID:SEQUENCE";
    with recipient, channel and offset it is unique, so planning twice never queues twice.
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


class Person(SQLModel, table=True):
    """What secbot keeps about a person it reminds: the time zone their Slack or Teams profile
    last gave (None until known) and their default reminder offsets in days (None: the global
    SECBOT_REMINDERS_BEFORE). Read by primary key once per chat message (bot.profiles)."""

    __tablename__ = "person"

    user_key: str = SQLField(primary_key=True, max_length=320)  # "slack:U123", "teams:29:abc"
    timezone: str | None = SQLField(default=None, max_length=64)
    default_offsets: list[int] | None = SQLField(default=None, sa_column=Column(JSON))
    created_at: datetime = SQLField(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = SQLField(sa_column=Column(UTCDateTime(), nullable=False))


class SlackEvent(SQLModel, table=True):
    """An Events API delivery already taken, so Slack's retries never answer twice (issue 4)."""

    __tablename__ = "slack_event"
    __table_args__ = (UniqueConstraint("event_id", name="uq_slack_event_id"),)

    id: int | None = SQLField(default=None, primary_key=True)
    event_id: str = SQLField(max_length=64)
    received_at: datetime = SQLField(sa_column=Column(UTCDateTime(), nullable=False, index=True))


# --- the word index (question answering) -----------------------------------------------------


class MeetingWord(SQLModel, table=True):
    """One searchable word of a meeting (see storage.words): questions look words and
    organisations up here through the (field, word) index instead of scanning meetings."""

    __tablename__ = "meeting_word"
    __table_args__ = (Index("ix_meeting_word_word", "field", "word", "meeting_id"),)

    meeting_id: str = SQLField(
        foreign_key="meeting.id", primary_key=True, ondelete="CASCADE", max_length=100
    )
    field: str = SQLField(primary_key=True, max_length=10)  # title|text|hosts|funders|partners
    word: str = SQLField(primary_key=True, max_length=100)


WORD_SOURCES = ("title", "series", "short_name", "description", "hosts", "funders", "partners")


def write_words(connection: Any, meetings: list[Any], *, deleted: Sequence[str] = ()) -> None:
    """Replace the `meeting_word` rows of `meetings` (and drop those of `deleted` ids)."""
    from sqlalchemy import delete, insert

    from storage.words import word_rows

    table = MeetingWord.__table__  # type: ignore[attr-defined]
    ids = [*(m["id"] if isinstance(m, dict) else m.id for m in meetings), *deleted]
    for i in range(0, len(ids), 500):
        connection.execute(delete(table).where(table.c.meeting_id.in_(ids[i : i + 500])))
    rows = word_rows(meetings)
    for i in range(0, len(rows), 5000):
        connection.execute(insert(table), rows[i : i + 5000])


@event.listens_for(Session, "after_flush")
def _index_meeting_words(session: Session, _context: Any) -> None:
    """Keep `meeting_word` in step with every ORM write to a meeting, in the same transaction."""
    from sqlalchemy import inspect

    changed = [o for o in session.new if isinstance(o, Meeting)]
    for o in session.dirty:
        if isinstance(o, Meeting):
            attrs = inspect(o).attrs
            if any(attrs[name].history.has_changes() for name in WORD_SOURCES):
                changed.append(o)
    deleted = [o.id for o in session.deleted if isinstance(o, Meeting)]
    if changed or deleted:
        write_words(session.connection(), changed, deleted=deleted)
        session.info.pop("meeting_needles", None)  # storage.repo's lookups of this session
