"""Bulk loading: a large import into SQLite writes its meetings first and builds their indexes
once at the end (SQLite's advice for bulk inserts, and what PostgreSQL's docs say of populating
a database), instead of inserting every row into a dozen B-trees as it goes. (The word index
is kept up to date: for its short rows, sorting them all again at the end costs more.)

Only on SQLite: its writer holds the database alone and readers keep seeing the last commit,
indexes included, until the import commits. On PostgreSQL, DROP INDEX would lock every reader
of the table out until then, so the indexes stay. The primary keys and unique constraints stay
everywhere: the import's lookups and its foreign keys use them.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

from sqlmodel import Session

TABLES = ("meeting",)
DEFER_FROM = 10_000  # rows written before the indexes are worth building at the end


class DeferredIndexes:
    """The secondary indexes of `tables`, dropped by `drop` and made again by `restore` in
    the same transaction. If the import fails instead, its rollback brings them back."""

    def __init__(self, session: Session, tables: tuple[str, ...] = TABLES) -> None:
        self.session, self.tables = session, tables
        self.dropped: list[tuple[str, str]] = []  # (name, the SQL that made it)

    def worth_it(self, *, written: int, held: int) -> bool:
        """Whether to defer now: once an import has written more rows than the table held
        when it began (and at least DEFER_FROM), building the indexes over the whole table
        at the end costs less than keeping them up to date for the rest."""
        return (
            not self.dropped
            and written >= max(held, DEFER_FROM)
            and self.session.get_bind().dialect.name == "sqlite"
        )

    def drop(self) -> None:
        connection = self.session.connection()
        marks = ", ".join("?" for _ in self.tables)
        self.dropped = [
            (name, sql)
            for name, sql in connection.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                f"AND tbl_name IN ({marks}) ORDER BY name",
                self.tables,
            )
        ]  # indexes SQLite made for a primary key or UNIQUE have no SQL, and stay
        for name, _ in self.dropped:
            connection.exec_driver_sql(f'DROP INDEX "{name}"')

    def restore(self) -> None:
        connection = self.session.connection()
        for _, sql in self.dropped:
            connection.exec_driver_sql(sql)
        self.dropped = []


@contextmanager
def fewer_collections(young: int = 200_000) -> Iterator[None]:
    """Python's cycle collector, tuned down for a bulk import: the objects made so far
    (modules, the gazetteer) are frozen out of its scans, and it looks at young objects every
    `young` allocations instead of every 700. An import makes millions of objects that live
    on (rows, models, ids), and each default pass would traverse them again: measured on a
    100,000-row CSV, about a third of the reader's CPU. Once the block ends, the usual
    thresholds collect what it left behind."""
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(young, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()
