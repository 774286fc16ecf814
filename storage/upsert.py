"""INSERT … ON CONFLICT on SQLite and PostgreSQL (both speak it): update, or ignore."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel


def _insert(session: Session, model: type[SQLModel]) -> Any:
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(model.__table__)  # type: ignore[attr-defined]


def upsert(
    session: Session,
    model: type[SQLModel],
    values: dict[str, Any],
    *,
    keys: Sequence[str],
    keep: Sequence[str] = (),
) -> None:
    """Insert `values` into `model`'s table, or update the row with the same `keys`
    (columns in `keep` stay as they were)."""
    stmt = _insert(session, model).values(**values)
    changed = {k: stmt.excluded[k] for k in values if k not in keys and k not in keep}
    session.execute(stmt.on_conflict_do_update(index_elements=list(keys), set_=changed))


def insert_ignore(
    session: Session, model: type[SQLModel], rows: Sequence[dict[str, Any]], *, keys: Sequence[str]
) -> int:
    """Insert `rows`, keeping any row whose `keys` exist already; returns how many were new.

    Counted from RETURNING (rowcount is unreliable for executemany), 1,000 rows a statement."""
    if not rows:
        return 0
    (primary,) = inspect(model).primary_key
    stmt = _insert(session, model).on_conflict_do_nothing(index_elements=list(keys))
    stmt = stmt.returning(primary)
    conn = session.connection()
    return sum(
        len(conn.execute(stmt, list(rows[i : i + 1000])).all()) for i in range(0, len(rows), 1000)
    )


def insert_many(connection: Any, table: Any, rows: Sequence[dict[str, Any]]) -> None:
    """Insert `rows` (all with the same keys) through the driver's executemany, each value
    converted by its column type's own bind processor: what SQLAlchemy does for an
    `insert(table)` with many rows, without its per-row parameter bookkeeping (which costs
    more than SQLite's own work for a wide row). For imports of many meetings."""
    if not rows:
        return
    dialect = connection.dialect
    names = list(rows[0])
    columns = [table.c[name] for name in names]
    processors = [c.type.dialect_impl(dialect).bind_processor(dialect) for c in columns]
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    preparer = dialect.identifier_preparer
    sql = (
        f"INSERT INTO {preparer.format_table(table)} "
        f"({', '.join(preparer.format_column(c) for c in columns)}) "
        f"VALUES ({', '.join([mark] * len(columns))})"
    )
    by_column = []  # converted a column at a time: one loop per column, not per value
    for name, process in zip(names, processors, strict=True):
        given = [row[name] for row in rows]
        by_column.append(_converted(given, process) if process else given)
    values = list(zip(*by_column, strict=True))
    for i in range(0, len(values), 1000):
        connection.exec_driver_sql(sql, values[i : i + 1000])


def _converted(values: list[Any], process: Any) -> list[Any]:
    """`process` on each value, once per distinct value: an import's timestamps, dates and
    (mostly empty) lists repeat from row to row, and converting one costs microseconds."""
    memo: dict[Any, Any] = {}
    out = []
    for value in values:
        key = tuple(value) if isinstance(value, list) else value
        try:
            out.append(memo[key])
        except KeyError:
            memo[key] = done = process(value)
            out.append(done)
        except TypeError:  # not hashable (a list of mappings): converted as it is
            out.append(process(value))
    return out
