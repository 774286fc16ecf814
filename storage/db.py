"""Engine, sessions and schema upgrades (Alembic, run in-process)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, event, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, create_engine

MIGRATIONS = Path(__file__).parent / "migrations"


def _json_value(text: str) -> Any:
    """A JSON column's value. Most of a meeting's lists (hosts, funders, partners) are empty,
    and a listing reads three per meeting: those are made without the parser."""
    if text == "[]":
        return []
    if text == "{}":
        return {}
    return json.loads(text)


def make_engine(url: str, **kwargs: Any) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"check_same_thread": False}, json_deserializer=_json_value,
            **kwargs,
        )  # fmt: skip

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=5000")
            # 32 MiB of page cache (default 2 MiB): at 100,000 meetings an answer otherwise
            # re-reads ~250 pages from the OS per question; with it, ~25
            cur.execute("PRAGMA cache_size=-32768")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True, json_deserializer=_json_value, **kwargs)


@cache
def engine_for(url: str) -> Engine:
    return make_engine(url)


def alembic_config(engine: Engine) -> Any:
    from alembic.config import Config  # alembic loads slowly: only when migrating

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision` (idempotent). On PostgreSQL, replicas starting together
    take turns (`lock_migrations`): the first upgrades, the others then find it done."""
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


# pg_advisory_xact_lock's first key: "secbot migrations" (the second is the schema's hash)
MIGRATION_LOCK = 0x5EC0B07


def lock_migrations(connection: Connection) -> None:
    """Hold the migration lock of the connection's schema until its transaction ends; called
    by the migration environment before it reads the schema's revision. PostgreSQL only:
    SQLite's writers already take turns on the database file."""
    if connection.dialect.name == "postgresql":
        connection.execute(
            text("SELECT pg_advisory_xact_lock(:key, hashtext(coalesce(current_schema(), '')))"),
            {"key": MIGRATION_LOCK},
        )


_REVISION = re.compile(r"^revision(?:: str)? = ['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN = re.compile(r"^down_revision(?:: [^=]+)? = (.+)$", re.MULTILINE)


@cache
def head_revisions() -> frozenset[str]:
    """The migration heads, read from the version files without importing alembic."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        source = path.read_text()
        found = _REVISION.search(source)
        if found:
            revisions.add(found.group(1))
        down = _DOWN.search(source)
        if down:
            parents.update(re.findall(r"['\"]([^'\"]+)['\"]", down.group(1)))
    return frozenset(revisions - parents)


def current_revisions(engine: Engine) -> frozenset[str]:
    with engine.connect() as conn:
        if not engine.dialect.has_table(conn, "alembic_version"):
            return frozenset()
        return frozenset(
            r[0] for r in conn.execute(text("SELECT version_num FROM alembic_version"))
        )


def schema_is_current(engine: Engine) -> bool:
    return current_revisions(engine) == head_revisions()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session whose work commits on success and rolls back on any error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
