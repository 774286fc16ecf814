"""Keyword-only queries and writes on the store. Callers own the session and its transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, func, or_
from sqlmodel import Session, col, select

from storage.models import (
    Deadline,
    DeadlineData,
    Meeting,
    MeetingData,
    Status,
    table_values,
)
from storage.models.feeds import count_meeting_changes
from storage.models.words import write_words
from storage.upsert import insert_many


class NotFound(LookupError):
    pass


def get_meeting(session: Session, *, meeting_id: str) -> Meeting | None:
    return session.get(Meeting, meeting_id)


def require_meeting(session: Session, *, meeting_id: str) -> Meeting:
    meeting = get_meeting(session, meeting_id=meeting_id)
    if meeting is None:
        raise NotFound(f"no meeting with id {meeting_id!r}")
    return meeting


def list_meetings(
    session: Session,
    *,
    start: date | None = None,
    end: date | None = None,
    kinds: Sequence[str] = (),
    regions: Sequence[str] = (),
    countries: Sequence[str] = (),
    series: Sequence[str] = (),
    statuses: Sequence[str] = (),
    dated_only: bool = False,
    limit: int | None = None,
) -> list[Meeting]:
    """Meetings overlapping [start, end] (either bound optional), soonest first, undated last.

    With a date bound, undated meetings are left out: nothing is known to fall in the range.
    """
    where, order = meeting_clauses(
        start=start, end=end, kinds=kinds, regions=regions, countries=countries,
        series=series, statuses=statuses, dated_only=dated_only,
    )  # fmt: skip
    query = select(Meeting).where(*where).order_by(*order)
    if limit is not None:
        query = query.limit(limit)
    return list(session.exec(query))


def meeting_clauses(
    *,
    start: date | None = None,
    end: date | None = None,
    kinds: Sequence[str] = (),
    regions: Sequence[str] = (),
    countries: Sequence[str] = (),
    series: Sequence[str] = (),
    statuses: Sequence[str] = (),
    dated_only: bool = False,
) -> tuple[list[ColumnElement[bool]], list[Any]]:
    """The WHERE conditions and ORDER BY of `list_meetings`, for queries of other columns."""
    where: list[ColumnElement[bool]] = []
    if start is not None:
        where.append(col(Meeting.end_date) >= start)
    if end is not None:
        where.append(col(Meeting.start_date) <= end)
    if dated_only:
        where.append(col(Meeting.start_date).is_not(None))
    if kinds:
        where.append(col(Meeting.kind).in_(list(kinds)))
    if regions:
        where.append(col(Meeting.region).in_(list(regions)))
    if countries:
        where.append(col(Meeting.country).in_(list(countries)))
    if series:
        where.append(func.lower(col(Meeting.series)).in_([s.lower() for s in series]))
    if statuses:
        where.append(col(Meeting.status).in_(list(statuses)))
    if dated_only or start is not None or end is not None:
        # no undated rows can match: a plain order lets the date index serve it (100k: 380 → 7 ms)
        return where, [col(Meeting.start_date), col(Meeting.id)]
    undated_last = col(Meeting.start_date).is_(None)
    return where, [undated_last, col(Meeting.start_date), col(Meeting.id)]


def count_meetings(session: Session) -> int:
    return session.exec(select(func.count()).select_from(Meeting)).one()


@dataclass
class UpsertResult:
    new: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "new": len(self.new),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
        }


def _existing(session: Session, data: MeetingData) -> Meeting | None:
    assert data.id is not None
    found = session.get(Meeting, data.id)
    if found is None and data.uid:
        found = session.exec(select(Meeting).where(Meeting.uid == data.uid)).first()
    return found


def stored_ids(session: Session, *, items: Sequence[MeetingData]) -> list[str | None]:
    """Per item, the id of the stored meeting an upsert would change (matched by id, then
    UID, as `upsert_meeting` does), or None; a few queries for any number of items."""
    by_id: set[str] = set()
    by_uid: dict[str, str] = {}
    for meeting_id, uid in _matching(session, items):
        by_id.add(meeting_id)
        by_uid[uid] = meeting_id
    return [d.id if d.id in by_id else by_uid.get(d.uid or "") for d in items]


def _matching(session: Session, items: Sequence[MeetingData]) -> list[tuple[str, str]]:
    """(id, UID) of the stored meetings whose id or UID is one of `items`'. One statement
    per 500 items, in the driver's own SQL: an import asks this for every batch, and
    SQLAlchemy's building of a 1,000-value IN list costs more than the lookup."""
    session.flush()
    connection = session.connection()
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    found: list[tuple[str, str]] = []
    for i in range(0, len(items), 500):
        chunk = items[i : i + 500]
        ids = [d.id for d in chunk if d.id] or [""]
        uids = [d.uid for d in chunk if d.uid] or [""]
        sql = (
            f"SELECT id, uid FROM meeting WHERE id IN ({', '.join([mark] * len(ids))}) "
            f"OR uid IN ({', '.join([mark] * len(uids))})"
        )
        found.extend((row[0], row[1]) for row in connection.exec_driver_sql(sql, (*ids, *uids)))
    return found


def upsert_meeting(session: Session, *, data: MeetingData, now: datetime) -> tuple[Meeting, str]:
    """Insert or update one meeting keyed on id, then UID; returns (row, new|updated|unchanged).

    Every real change raises the iCalendar SEQUENCE by one.
    """
    return save_meeting(session, data=data, now=now, existing=_existing(session, data))


def save_meeting(
    session: Session, *, data: MeetingData, now: datetime, existing: Meeting | None
) -> tuple[Meeting, str]:
    """`upsert_meeting` for a caller that has looked the meeting up already (`existing`, or
    None for a new one): bulk syncs read their meetings in a few queries, not two per row."""
    meeting = existing
    if meeting is None:
        assert data.id is not None and data.uid is not None
        meeting = Meeting(
            id=data.id,
            uid=data.uid,
            sequence=data.sequence,
            created_at=now,
            updated_at=now,
            **table_values(data),
        )
        session.add(meeting)
        return meeting, "new"
    if meeting.apply(data):
        meeting.sequence += 1
        meeting.updated_at = now
        session.add(meeting)
        return meeting, "updated"
    return meeting, "unchanged"


def upsert_meetings(
    session: Session, *, items: Iterable[MeetingData], now: datetime
) -> UpsertResult:
    result = UpsertResult()
    for data in items:
        meeting, outcome = upsert_meeting(session, data=data, now=now)
        getattr(result, outcome).append(meeting.id)
    session.flush()
    return result


def upsert_batch(
    session: Session, *, items: Sequence[MeetingData], now: datetime, result: UpsertResult
) -> None:
    """`upsert_meetings` for one batch of a large import, adding to `result`: the stored
    meetings are read in a few queries, the new ones inserted in one statement (with their
    word index rows and the feeds' change counter, which ORM writes get from listeners), and
    the stored ones the batch loaded are let go after the flush, so a long import's memory
    stays flat. Ids are distinct within an import (storage.importers checks)."""
    table = Meeting.__table__  # type: ignore[attr-defined]
    by_id: dict[str, Meeting] = {}
    by_uid: dict[str, Meeting] = {}
    had = {id(o) for o in session.identity_map.values()}
    matched = [meeting_id for meeting_id, _ in _matching(session, items)]
    for i in range(0, len(matched), 500):
        for m in session.exec(select(Meeting).where(col(Meeting.id).in_(matched[i : i + 500]))):
            by_id[m.id], by_uid[m.uid] = m, m
    fresh: list[dict[str, Any]] = []
    for data in items:
        assert data.id is not None and data.uid is not None
        stored = by_id.get(data.id) or by_uid.get(data.uid)
        if stored is None:
            fresh.append({"id": data.id, "uid": data.uid, "sequence": data.sequence,
                          "created_at": now, "updated_at": now, **table_values(data)})  # fmt: skip
            result.new.append(data.id)
            continue
        _, outcome = save_meeting(session, data=data, now=now, existing=stored)
        getattr(result, outcome).append(stored.id)
    session.flush()
    if fresh:
        connection = session.connection()
        insert_many(connection, table, fresh)
        write_words(connection, fresh, fresh=True)
        count_meeting_changes(session, latest=now)
        session.info.pop("meeting_needles", None)  # storage.search's lookups of this session
    for m in by_id.values():
        if id(m) not in had:
            session.expunge(m)


def cancel_meeting(session: Session, *, meeting_id: str, now: datetime) -> Meeting:
    meeting = require_meeting(session, meeting_id=meeting_id)
    if meeting.status != Status.cancelled:
        meeting.status = Status.cancelled.value
        meeting.sequence += 1
        meeting.updated_at = now
        session.add(meeting)
    return meeting


def find_meetings_text(session: Session, *, text: str, limit: int = 20) -> list[Meeting]:
    """Meetings whose id, short name, title or city contains `text` (case-insensitive)."""
    like = f"%{text.lower()}%"
    query = (
        select(Meeting)
        .where(
            or_(
                func.lower(col(Meeting.id)).like(like),
                func.lower(col(Meeting.short_name)).like(like),
                func.lower(col(Meeting.title)).like(like),
                func.lower(col(Meeting.city)).like(like),
            )
        )
        .limit(limit)
    )
    return list(session.exec(query))


def add_deadline(session: Session, *, data: DeadlineData, now: datetime) -> Deadline:
    require_meeting(session, meeting_id=data.meeting_id)
    existing = session.exec(
        select(Deadline).where(
            Deadline.meeting_id == data.meeting_id,
            Deadline.kind == data.kind.value,
            Deadline.title == data.title,
        )
    ).first()
    deadline = existing or Deadline(
        meeting_id=data.meeting_id, title=data.title, created_at=now, updated_at=now,
        due_date=data.due_date,
    )  # fmt: skip
    deadline.kind = data.kind.value
    deadline.due_date = data.due_date
    deadline.due_time = data.due_time
    deadline.updated_at = now
    session.add(deadline)
    session.flush()
    return deadline


def list_deadlines(
    session: Session,
    *,
    meeting_ids: Sequence[str] = (),
    start: date | None = None,
    end: date | None = None,
) -> list[Deadline]:
    query = select(Deadline)
    if meeting_ids:
        query = query.where(col(Deadline.meeting_id).in_(list(meeting_ids)))
    if start is not None:
        query = query.where(col(Deadline.due_date) >= start)
    if end is not None:
        query = query.where(col(Deadline.due_date) <= end)
    return list(session.exec(query.order_by(col(Deadline.due_date), col(Deadline.id))))


def data_version(session: Session) -> tuple[int, datetime | None]:
    """(meeting count, latest change): changes whenever any meeting does."""
    count, latest = session.exec(
        select(func.count(), func.max(col(Meeting.updated_at))).select_from(Meeting)
    ).one()
    return int(count), latest
