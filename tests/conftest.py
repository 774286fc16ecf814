"""Shared fixtures: a migrated database on SQLite (always) and PostgreSQL (when
SECBOT_TEST_DATABASE_URL is set; each test gets its own schema), a fixed clock, the seed."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from bot.clock import Clock, fixed
from bot.settings import get_settings
from storage import db
from storage.seed import load_seed

PG_URL = os.environ.get("SECBOT_TEST_DATABASE_URL")
NOW = datetime(2015, 12, 15, 9, 0, tzinfo=UTC)


def _pg_schema_url(url: str, schema: str) -> str:
    return (
        make_url(url)
        .update_query_dict({"options": f"-csearch_path={schema}"})
        .render_as_string(hide_password=False)
    )


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema, dropped afterwards."""
    if not PG_URL:
        pytest.skip("SECBOT_TEST_DATABASE_URL is not set")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = db.make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield _pg_schema_url(PG_URL, schema)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database on each backend (the test runs once per backend)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'secbot.db'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """A migrated, empty database."""
    eng = db.make_engine(database_url)
    db.upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def clock() -> Clock:
    return fixed(NOW)


@pytest.fixture
def seeded(engine: Engine, clock: Clock) -> Engine:
    """The migrated database with the shipped seed meetings."""
    with db.session_scope(engine) as session:
        load_seed(session, now=clock.now())
    return engine


@pytest.fixture
def cli_env(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """Environment for running `secbot` against the test database."""
    env = {**os.environ, "SECBOT_DATABASE_URL": database_url}
    env.pop("SECBOT_NOW", None)
    monkeypatch.setenv("SECBOT_DATABASE_URL", database_url)
    monkeypatch.delenv("SECBOT_NOW", raising=False)
    get_settings.cache_clear()
    yield env
    get_settings.cache_clear()
