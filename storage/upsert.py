"""INSERT … ON CONFLICT DO UPDATE on SQLite and PostgreSQL (both speak it)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel


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
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(model.__table__).values(**values)  # type: ignore[attr-defined]
    changed = {k: stmt.excluded[k] for k in values if k not in keys and k not in keep}
    session.execute(stmt.on_conflict_do_update(index_elements=list(keys), set_=changed))
