"""Bulk loading (storage.bulk): a large import on SQLite builds its indexes at the end, and
leaves exactly the indexes it found, whether it commits or rolls back; the cycle collector is
tuned down only while a bulk import runs."""

from __future__ import annotations

import gc

import pytest
from sqlalchemy import Engine

from bot import meetings
from bot.clock import Clock
from storage import bulk, db
from storage.models import MeetingData
from storage.search import MeetingFilter, find_meetings


def _indexes(engine: Engine) -> set[tuple[str, str]]:
    """(name, table) of every index on the tables a bulk import defers."""
    with engine.connect() as c:
        if engine.dialect.name == "sqlite":
            query = "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index'"
        else:
            query = (
                "SELECT indexname, tablename FROM pg_indexes WHERE schemaname = current_schema()"
            )
        return {(n, t) for n, t in c.exec_driver_sql(query) if t in bulk.TABLES}


def _batches(count: int, size: int = 4) -> list[list[MeetingData]]:
    rows = [
        MeetingData(id=f"bulk-{i}", title=f"Workshop on coral number {i}", city="Nairobi",
                    start=f"2016-03-{1 + i % 28:02d}")  # type: ignore[arg-type]
        for i in range(count)
    ]  # fmt: skip
    return [rows[i : i + size] for i in range(0, count, size)]


@pytest.fixture
def small_bulk(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "DEFER_FROM", 8)  # a bulk import of a few rows, for speed


@pytest.mark.usefixtures("small_bulk")
def test_a_large_import_leaves_the_same_indexes_and_finds_its_rows(
    engine: Engine, clock: Clock
) -> None:
    before = _indexes(engine)
    dropped: list[int] = []
    original = bulk.DeferredIndexes.drop

    def drop(self: bulk.DeferredIndexes) -> None:
        original(self)
        dropped.append(len(self.dropped))

    with pytest.MonkeyPatch.context() as m:
        m.setattr(bulk.DeferredIndexes, "drop", drop)
        with db.session_scope(engine) as s:
            result = meetings.import_batches(s, batches=_batches(30), now=clock.now())
    assert result.counts()["new"] == 30
    if engine.dialect.name == "sqlite":
        assert len(dropped) == 1 and dropped[0] > 5  # once, after 8 rows, every secondary one
    else:
        assert dropped == []  # PostgreSQL would lock readers out: its indexes stay
    assert _indexes(engine) == before
    with db.session_scope(engine) as s:
        found = find_meetings(s, where=MeetingFilter(words=["coral"], countries=["KE"]), limit=50)
        assert len(found) == 30


@pytest.mark.usefixtures("small_bulk")
def test_a_failed_large_import_rolls_back_with_its_indexes(engine: Engine, clock: Clock) -> None:
    before = _indexes(engine)

    def failing() -> object:
        yield from _batches(20)
        raise RuntimeError("the reader broke")

    with pytest.raises(RuntimeError), db.session_scope(engine) as s:
        meetings.import_batches(s, batches=failing(), now=clock.now())  # type: ignore[arg-type]
    assert _indexes(engine) == before
    with db.session_scope(engine) as s:
        assert find_meetings(s, where=MeetingFilter(words=["coral"]), limit=5) == []


def test_an_import_no_larger_than_the_store_keeps_its_indexes(
    engine: Engine, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "DEFER_FROM", 4)
    with db.session_scope(engine) as s:
        meetings.import_batches(s, batches=_batches(20), now=clock.now())
    calls: list[str] = []
    monkeypatch.setattr(bulk.DeferredIndexes, "drop", lambda self: calls.append("drop"))
    more = [[MeetingData(id=f"{m.id}-again", title=m.title) for m in batch]
            for batch in _batches(16)]  # fmt: skip
    with db.session_scope(engine) as s:
        meetings.import_batches(s, batches=more, now=clock.now())
    assert calls == []  # 16 new rows into a store of 20: kept up to date as they go


def test_fewer_collections_is_undone_after_the_block() -> None:
    before = gc.get_threshold()
    with bulk.fewer_collections(young=12_345):
        assert gc.get_threshold()[0] == 12_345
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
