"""The word index for question answering: one row per searchable word of a meeting, kept in
step with every ORM write."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    Index,
    event,
)
from sqlalchemy.orm import Session
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from storage.models.meetings import Meeting


class MeetingWord(SQLModel, table=True):
    """One searchable word of a meeting (see storage.words): questions look words and
    organisations up here through the (field, word) index instead of scanning meetings."""

    __tablename__ = "meeting_word"
    __table_args__ = (
        Index("ix_meeting_word_word", "field", "word", "meeting_id"),
        # on SQLite the table is its primary key's B-tree: one insert per word, not two
        {"sqlite_with_rowid": False},
    )

    meeting_id: str = SQLField(
        foreign_key="meeting.id", primary_key=True, ondelete="CASCADE", max_length=100
    )
    field: str = SQLField(primary_key=True, max_length=10)  # title|text|hosts|funders|partners
    word: str = SQLField(primary_key=True, max_length=100)


WORD_SOURCES = ("title", "series", "short_name", "description", "hosts", "funders", "partners")


def write_words(
    connection: Any, meetings: list[Any], *, deleted: Sequence[str] = (), fresh: bool = False
) -> None:
    """Replace the `meeting_word` rows of `meetings` (and drop those of `deleted` ids; with
    `fresh`, the meetings are new and have none to drop).

    The rows go to the driver's executemany as plain tuples: through SQLAlchemy's parameter
    processing, the ~8 words of each meeting cost more than the meeting's own row."""
    from sqlalchemy import delete

    from storage.words import word_tuples

    table = MeetingWord.__table__  # type: ignore[attr-defined]
    ids = [*(m["id"] if isinstance(m, dict) else m.id for m in meetings), *deleted]
    for i in range(0, 0 if fresh else len(ids), 500):
        connection.execute(delete(table).where(table.c.meeting_id.in_(ids[i : i + 500])))
    rows = word_tuples(meetings)
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO meeting_word (meeting_id, field, word) VALUES ({mark}, {mark}, {mark})"
    for i in range(0, len(rows), 5000):
        connection.exec_driver_sql(sql, rows[i : i + 5000])


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
