"""Meetings and their deadlines: the validated shape every meeting passes through
(`MeetingData`, the one gate: CLI, imports, seed and chat admins all build one), the tables,
and the JSON meeting object every command and endpoint prints."""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum
from functools import cache
from typing import Any, ClassVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError
from sqlalchemy import (
    JSON,
    Column,
    Index,
    UniqueConstraint,
)
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from storage import places
from storage.models.types import MONTH, SLUG, UTCDateTime, month_end, slugify, tidy, unstorable


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
    webinar = "webinar"
    other = "other"


# What people call each kind (answers, cards, calendar categories).
KIND_LABELS = {
    "session": "Session",
    "bureau": "Bureau meeting",
    "regional_meeting": "Regional meeting",
    "expert_group": "Expert group meeting",
    "working_group": "Working group meeting",
    "workshop": "Workshop",
    "high_level_event": "High-level event",
    "conference": "Conference",
    "retreat": "Retreat",
    "teleconference": "Teleconference",
    "webinar": "Webinar",
    "other": "Meeting",
}


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


def _storable(value: Any) -> Any:
    """A text value tidied (`tidy`) and refused when no database can keep it (NUL, lone
    surrogates); lists item by item; anything else as given."""
    if isinstance(value, str):
        problem = ("\x00" in value and unstorable(value)) or (
            not value.isascii() and unstorable(value)
        )  # a lone surrogate is never ASCII
        if problem:
            raise ValueError(problem)
        return tidy(value)
    if isinstance(value, list):
        return [_storable(v) for v in value]
    return value


@cache
def _limits(table: str) -> dict[str, int]:
    """Column name → the most characters it holds, for the table's length-limited columns:
    the limits are the table's own (SQLite would keep more, PostgreSQL refuses it)."""
    found = ((c.name, getattr(c.type, "length", None)) for c in SQLModel.metadata.tables[table].c)
    return {name: most for name, most in found if isinstance(most, int)}


class _StoredText(BaseModel):
    """A model whose fields are stored in `_table`'s columns `_prefix` + field name: each text
    value is tidied and refused when no database keeps it (`_storable`) or when it is longer
    than its column."""

    _table: ClassVar[str]
    _prefix: ClassVar[str] = ""

    @field_validator("*", mode="before")
    @classmethod
    def _text(cls, v: Any) -> Any:
        return _storable(v)

    @field_validator("*")
    @classmethod
    def _column(cls, v: Any, info: ValidationInfo) -> Any:
        most = _limits(cls._table).get(f"{cls._prefix}{info.field_name}")
        if most is not None and (reason := _too_long(v, most)):
            raise ValueError(reason)
        return v


def _too_long(value: Any, most: int) -> str | None:
    """Why `value` does not fit a column of `most` characters, or None when it does."""
    if isinstance(value, str) and len(value) > most:
        return f"{len(value)} characters long; at most {most} fit"
    return None


def _storable_values(model: str, data: dict[str, Any]) -> dict[str, Any]:
    """`_storable` on every value of a mapping, refusing each field on its own (as a field
    validator would, in one pass: a validator per field costs more than the check)."""
    problems = []
    for key, value in data.items():
        try:
            data[key] = _storable(value)
        except ValueError as e:
            problems.append((key, value, str(e)))
    if problems:
        raise _refused(model, problems)
    return data


def _refused(model: str, problems: list[tuple[str, Any, str]]) -> ValidationError:
    """A validation error naming each (field, value, what is wrong)."""
    errors = [
        InitErrorDetails(
            type=PydanticCustomError("value_error", "{reason}", {"reason": reason}),
            loc=(field,),
            input=value,
        )
        for field, value, reason in problems
    ]
    return ValidationError.from_exception_data(model, errors)


class Source(_StoredText):
    _table = "meeting"
    _prefix = "source_"
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

    model_config = ConfigDict(extra="forbid")

    id: str | None = None
    title: str = Field(min_length=1)
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
        data = _storable_values(cls.__name__, dict(data))
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
                    data[key] = date(year, month, 1) if key == "start" else month_end(year, month)
                    data.setdefault("precision", Precision.month)
                    if key == "start" and not data.get("end"):
                        data["end"] = month_end(year, month)
        for key in ("hosts", "funders", "partners"):
            if isinstance(data.get(key), str):
                data[key] = [p.strip() for p in data[key].split(";") if p.strip()]
        for key in ("start_time", "end_time", "timezone", "city", "country", "region", "venue"):
            if isinstance(data.get(key), str) and not data[key].strip():
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
        if v is not None and places.zone(v) is None:
            raise ValueError(f"unknown time zone {v!r}")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> MeetingData:
        self._fit_columns()
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
            self.uid = default_uid(self.id)
        return self

    def _fit_columns(self) -> None:
        """What each text field became must fit its column (checked once all are read)."""
        problems = []
        for name, most in _limits("meeting").items():
            value = self.__dict__.get(name)
            if reason := _too_long(value, most):
                problems.append((name, value, reason))
        if problems:
            raise _refused(type(self).__name__, problems)


DEFAULT_UID_SUFFIX = "@secbot"


def default_uid(id: str) -> str:
    """The UID of a meeting given none: `{id}@secbot`."""
    return id + DEFAULT_UID_SUFFIX


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
    # the calendar source that brought it (calendar_source.id; storage.sources clears it when
    # the source is removed): synced from there, cancelled when it vanishes; set by the sync,
    # never by MeetingData
    source_id: int | None = SQLField(default=None, index=True)
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


class DeadlineData(_StoredText):
    _table = "deadline"
    model_config = ConfigDict(extra="forbid")
    meeting_id: str
    title: str = Field(min_length=1)
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
        "uid": m.uid,
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
