"""Queries for feeds assembled from stored events (table feed_fragment): which meetings a feed
lists and at what revision, and reading and writing their rendered bytes.

Callers own the read session; `save` writes in a transaction of its own, since a feed is
served from a read-only request.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import date
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import Connection, Engine, String, cast, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from storage import repo
from storage.models import FeedFragment, Meeting

_BATCH = 500  # ids per IN (...): below every SQLite's bound on query parameters


class Stored(NamedTuple):
    """A stored fragment: for which revision it was rendered, its bytes and its zones."""

    revision: str
    body: bytes
    zones: frozenset[str]
    days: tuple[date, date] | None


def revisions(
    session: Session,
    *,
    kinds: Sequence[str] = (),
    regions: Sequence[str] = (),
    countries: Sequence[str] = (),
    series: Sequence[str] = (),
    ids: Collection[str] | None = None,
) -> list[tuple[str, str]]:
    """(id, revision) of the meetings a calendar can place (both dates known) that pass the
    filters (or are among `ids`), in `repo.list_meetings` order. A revision changes whenever
    the meeting does: it is SEQUENCE and updated_at as the database writes them as text (no
    conversion in Python, so a 10,000-meeting feed lists its events in milliseconds); another
    spelling of the same instant (a database setting changed) only makes events render again."""
    where, order = repo.meeting_clauses(
        kinds=kinds, regions=regions, countries=countries, series=series, dated_only=True
    )
    where.append(col(Meeting.end_date).is_not(None))
    if ids is not None:
        if not ids:
            return []
        where.append(col(Meeting.id).in_(list(ids)))
    revision = (
        cast(col(Meeting.sequence), String) + literal(".") + cast(col(Meeting.updated_at), String)
    )
    query = select(col(Meeting.id), revision).where(*where).order_by(*order)
    return [(mid, rev) for mid, rev in session.connection().execute(query).all()]


def load(
    session: Session, keys: Iterable[tuple[str, str]], *, renderer: str
) -> dict[tuple[str, str], Stored]:
    """Stored fragments by (meeting id, variant), for the keys that have one by `renderer`."""
    wanted = set(keys)
    table = FeedFragment.__table__  # type: ignore[attr-defined]
    columns = [table.c[name] for name in ("meeting_id", "variant", "revision", "body", "zones",
                                          "zoned_first", "zoned_last")]  # fmt: skip
    ids = sorted({mid for mid, _ in wanted})
    found: dict[tuple[str, str], Stored] = {}
    connection = session.connection()
    for start in range(0, len(ids), _BATCH):
        query = select(*columns).where(
            table.c.renderer == renderer, table.c.meeting_id.in_(ids[start : start + _BATCH])
        )
        for mid, variant, revision, body, zones, first, last in connection.execute(query):
            if (mid, variant) in wanted:
                days = (first, last) if first is not None and last is not None else None
                found[mid, variant] = Stored(revision, body, _zone_set(zones), days)
    return found


@lru_cache(maxsize=1024)
def _zone_set(zones: str) -> frozenset[str]:
    return frozenset(zones.split())  # a few distinct values, most of them ""


def save(bind: Engine | Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Insert or replace fragments (FeedFragment column values), in one transaction."""
    if not rows:
        return
    insert = postgresql.insert if bind.dialect.name == "postgresql" else sqlite.insert
    stmt = insert(FeedFragment.__table__)  # type: ignore[attr-defined]
    keys = ("meeting_id", "variant")
    stmt = stmt.on_conflict_do_update(
        index_elements=list(keys),
        set_={name: stmt.excluded[name] for name in rows[0] if name not in keys},
    )
    with Session(bind) as session:
        for start in range(0, len(rows), 1000):
            session.execute(stmt, list(rows[start : start + 1000]))
        session.commit()
