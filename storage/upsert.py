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
