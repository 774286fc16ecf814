"""Keyword-only queries and writes for calendar sources. Callers own the session and its
transaction, except `claim`, which commits its own short transaction so other processes see
the lease at once."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Engine, or_, update
from sqlmodel import Session, col, select

from storage.models import CalendarSource, Meeting, Status


class SourceError(ValueError):
    """A request about sources that cannot be honoured (a name taken, an unknown source)."""


def get_source(session: Session, *, name: str) -> CalendarSource | None:
    return session.exec(select(CalendarSource).where(CalendarSource.name == name)).first()


def require_source(session: Session, *, name: str) -> CalendarSource:
    source = get_source(session, name=name)
    if source is None:
        raise SourceError(f"no calendar source named {name!r} (see `secbot sources list`)")
    return source


def list_sources(session: Session) -> list[CalendarSource]:
    return list(session.exec(select(CalendarSource).order_by(col(CalendarSource.name))))


def add_source(
    session: Session,
    *,
    name: str,
    url: str,
    interval_seconds: int,
    now: datetime,
    api_token: str | None = None,
) -> CalendarSource:
    """A new source, due for its first sync at once; a name already taken is refused."""
    if get_source(session, name=name) is not None:
        raise SourceError(f"a calendar source named {name!r} exists: pick another --name")
    source = CalendarSource(
        name=name, url=url, api_token=api_token, interval_seconds=interval_seconds,
        next_attempt_at=now, created_at=now, updated_at=now,
    )  # fmt: skip
    session.add(source)
    session.flush()
    return source


def remove_source(session: Session, *, name: str) -> int:
    """Forget a source; its meetings stay (they keep its name as their source document).
    Returns how many meetings it had."""
    source = require_source(session, name=name)
    result = session.execute(
        update(Meeting)
        .where(col(Meeting.source_id) == source.id)
        .values(source_id=None)
        .execution_options(synchronize_session=False)
    )
    session.delete(source)
    session.flush()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def free_name(session: Session, base: str) -> str:
    """`base`, or `base-2`, `base-3`… whichever no source has yet."""
    taken = set(
        session.exec(select(CalendarSource.name).where(col(CalendarSource.name).startswith(base)))
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def due_sources(session: Session, *, now: datetime) -> list[int]:
    """Ids of the sources whose next attempt has come and that nobody holds a lease on."""
    query = select(CalendarSource.id).where(
        col(CalendarSource.next_attempt_at) <= now, _unclaimed(now)
    )
    return [i for i in session.exec(query.order_by(col(CalendarSource.next_attempt_at))) if i]


def _unclaimed(now: datetime) -> ColumnElement[bool]:
    return or_(col(CalendarSource.claimed_until).is_(None), col(CalendarSource.claimed_until) < now)


def claim(engine: Engine, *, source_id: int, worker: str, now: datetime, lease: timedelta) -> bool:
    """Take the source's lease for `worker` unless another holds one that has not run out.

    One guarded UPDATE, committed at once: whichever process changes the row holds the
    lease, on SQLite as on PostgreSQL; the others see no row changed and leave the source.
    """
    with Session(engine) as session:
        changed = session.execute(
            update(CalendarSource)
            .where(col(CalendarSource.id) == source_id, _unclaimed(now))
            .values(claimed_by=worker, claimed_until=now + lease)
            .execution_options(synchronize_session=False)
        )
        session.commit()
        return bool(changed.rowcount)  # type: ignore[attr-defined]


def locked_source(session: Session, *, source_id: int, worker: str) -> CalendarSource | None:
    """The source row, locked for this transaction (PostgreSQL: FOR UPDATE), if `worker`
    still holds its lease; None when the lease was lost (ran out and was taken over)."""
    query = select(CalendarSource).where(
        CalendarSource.id == source_id, CalendarSource.claimed_by == worker
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return session.exec(query.execution_options(populate_existing=True)).first()


def release(engine: Engine, *, source_id: int, worker: str) -> None:
    """Give the lease back (after a sync that wrote nothing, or failed)."""
    with Session(engine) as session:
        session.execute(
            update(CalendarSource)
            .where(col(CalendarSource.id) == source_id, col(CalendarSource.claimed_by) == worker)
            .values(claimed_by=None, claimed_until=None)
            .execution_options(synchronize_session=False)
        )
        session.commit()


def source_meetings(session: Session, *, source_id: int) -> list[Meeting]:
    return list(session.exec(select(Meeting).where(Meeting.source_id == source_id)))


def stored_meetings(
    session: Session, *, uids: Iterable[str], ids: Iterable[str]
) -> tuple[dict[str, Meeting], dict[str, Meeting]]:
    """Stored meetings with these UIDs or ids, by UID and by id: a few chunked queries for a
    whole calendar, not two per event."""
    by_uid: dict[str, Meeting] = {}
    by_id: dict[str, Meeting] = {}
    for column, values in ((col(Meeting.uid), uids), (col(Meeting.id), ids)):
        wanted = list(dict.fromkeys(values))
        for start in range(0, len(wanted), 500):
            for m in session.exec(select(Meeting).where(column.in_(wanted[start : start + 500]))):
                by_uid[m.uid], by_id[m.id] = m, m
    return by_uid, by_id


def live_meeting_counts(session: Session, *, source_id: int) -> tuple[int, int]:
    """(meetings, of which cancelled) that came from the source."""
    rows = session.exec(select(Meeting.status).where(Meeting.source_id == source_id)).all()
    return len(rows), sum(1 for s in rows if s == Status.cancelled)
