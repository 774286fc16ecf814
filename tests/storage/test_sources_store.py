"""The calendar_source table and meeting.source_id: the migration keeps every meeting and what
hangs off it, both ways; the store's lease is taken by one process at a time."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine, inspect, text

from bot.clock import Clock
from storage import db
from storage import sources as store

COUNTED = ("meeting", "meeting_word", "deadline")


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in COUNTED}


def test_the_migration_keeps_meetings_and_what_hangs_off_them(seeded: Engine) -> None:
    before = counts(seeded)
    assert before["meeting"] > 25 and before["meeting_word"] > 0
    from alembic import command

    command.downgrade(db.alembic_config(seeded), "0009_conversations_and_agendas")
    assert "source_id" not in {c["name"] for c in inspect(seeded).get_columns("meeting")}
    assert counts(seeded) == before
    db.upgrade(seeded)
    assert "source_id" in {c["name"] for c in inspect(seeded).get_columns("meeting")}
    assert counts(seeded) == before


def test_one_lease_at_a_time_until_it_runs_out(engine: Engine, clock: Clock) -> None:
    now, lease = clock.now(), timedelta(minutes=15)
    with db.session_scope(engine) as s:
        source_id = store.add_source(s, name="a", url="https://example.org/a.ics",
                                     interval_seconds=3600, now=now).id  # fmt: skip
    assert source_id is not None
    assert store.claim(engine, source_id=source_id, worker="one", now=now, lease=lease)
    assert not store.claim(engine, source_id=source_id, worker="two", now=now, lease=lease)
    with db.session_scope(engine) as s:
        assert store.due_sources(s, now=now) == []  # held: not offered to anyone
    later = now + lease + timedelta(seconds=1)
    assert store.claim(engine, source_id=source_id, worker="two", now=later, lease=lease)
    store.release(engine, source_id=source_id, worker="one")  # not its lease any more
    with db.session_scope(engine) as s:
        assert store.locked_source(s, source_id=source_id, worker="one") is None
        assert store.locked_source(s, source_id=source_id, worker="two") is not None
    store.release(engine, source_id=source_id, worker="two")
    with db.session_scope(engine) as s:
        assert store.due_sources(s, now=later) == [source_id]


def test_the_migrated_schema_matches_the_models(engine: Engine) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        drift = [d for d in compare_metadata(context, SQLModel.metadata)
                 if "calendar_source" in repr(d) or "source_id" in repr(d)]  # fmt: skip
    assert drift == []
