"""The word index (meeting_word) follows every meeting write, and questions' rare conditions are
looked up through it: same answers whether a condition is looked up first or checked in place."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, text
from sqlmodel import Session, col, select

from storage import db, repo, search
from storage.models import Meeting, MeetingData, MeetingWord
from storage.words import meeting_words, prefix_upper, words_in

NOW = datetime(2015, 12, 15, 9, 0, tzinfo=UTC)


def _words(session: Session, meeting_id: str) -> set[tuple[str, str]]:
    rows = session.exec(select(MeetingWord).where(MeetingWord.meeting_id == meeting_id))
    return {(w.field, w.word) for w in rows}


def _add(session: Session, **fields: object) -> Meeting:
    meeting, _ = repo.upsert_meeting(session, data=MeetingData.model_validate(fields), now=NOW)
    session.flush()
    return meeting


def test_words_are_folded_runs_of_letters_and_digits() -> None:
    assert words_in("Sub-regional Workshop on Dental AMALGAM (São Paulo) & the INC7") == {
        "sub", "regional", "workshop", "dental", "amalgam", "sao", "paulo", "inc7",
    }  # fmt: skip
    pairs = meeting_words(
        {"title": "Workshop on financing", "series": None, "short_name": "FIN1",
         "description": "Financing and workshop costs", "hosts": ["Brazil"],
         "funders": ["European Union"], "partners": []}
    )  # fmt: skip
    assert ("title", "financing") in pairs and ("text", "financing") not in pairs
    assert {("text", "fin1"), ("text", "costs"), ("hosts", "brazil")} <= pairs
    assert ("funders", "european union") in pairs


def test_prefix_range_holds_exactly_the_words_that_start_so() -> None:
    upper = prefix_upper("amalgam")
    assert "amalgam" <= "amalgams" <= upper and "amalgam" <= "amalgam2" <= upper
    assert not ("amalgam" <= "amalgan" <= upper) and not ("amalgam" <= "amalga" <= upper)


def test_index_follows_inserts_updates_and_deletes(engine: Engine) -> None:
    with db.session_scope(engine) as session:
        _add(session, id="fin", title="Working group on financing", funders=["Sweden"],
             description="Second meeting", start="2016-03-01", city="Geneva")  # fmt: skip
        assert {("title", "financing"), ("text", "second"), ("funders", "sweden")} <= _words(
            session, "fin"
        )
    with db.session_scope(engine) as session:
        _add(session, id="fin", title="Working group on reporting", funders=["Norway"],
             description="Second meeting", start="2016-03-01", city="Geneva")  # fmt: skip
        found = _words(session, "fin")
        assert ("title", "reporting") in found and ("title", "financing") not in found
        assert ("funders", "norway") in found and ("funders", "sweden") not in found
    with db.session_scope(engine) as session:
        repo.cancel_meeting(session, meeting_id="fin", now=NOW)  # no word changes: rows stay
        session.flush()
        assert ("title", "reporting") in _words(session, "fin")
    with db.session_scope(engine) as session:
        session.delete(session.get(Meeting, "fin"))
        session.flush()
        assert _words(session, "fin") == set()


def _store(engine: Engine) -> None:
    with db.session_scope(engine) as session:
        for i in range(6):
            _add(session, id=f"amalgam-{i}", title=f"Workshop on dental amalgams {i}",
                 kind="workshop", start=f"201{i}-05-02", city="Nairobi")  # fmt: skip
        _add(session, id="sub", title="Subregional workshop on waste", kind="workshop",
             start="2016-02-02", city="Lusaka", description="Also on amalgam")  # fmt: skip
        _add(session, id="funded", title="Regional meeting", kind="regional_meeting",
             start="2016-01-11", city="Jakarta", funders=["Switzerland"])  # fmt: skip
        _add(session, id="inc7", title="Seventh session", short_name="INC7", kind="session",
             country="Jordan", series="INC", ordinal=7)  # fmt: skip


CASES = [
    (search.MeetingFilter(words=("amalgam",)), [*(f"amalgam-{i}" for i in range(6)), "sub"]),
    (search.MeetingFilter(words=("amalgam", "waste")), ["sub"]),
    (search.MeetingFilter(words=("amalgam",), title_words=("subregional",)), ["sub"]),
    (search.MeetingFilter(words=("amalgam",), cities=("Lusaka",)), ["sub"]),
    (
        search.MeetingFilter(words=("amalgam",), start=date(2013, 1, 1), end=date(2014, 12, 31)),
        ["amalgam-3", "amalgam-4"],
    ),
    (search.MeetingFilter(words=("nowhere",)), []),
    (search.MeetingFilter(organisations=("Switzerland",), org_roles=("funders",)), ["funded"]),
    (search.MeetingFilter(organisations=("Switzerland",), org_roles=("hosts",)), []),
    (search.MeetingFilter(short_names=("INC7",)), ["inc7"]),
    (search.MeetingFilter(ordinal=7, kinds=("session",)), ["inc7"]),
    (search.MeetingFilter(ordinal=7, kinds=("workshop",)), []),
]


@pytest.mark.parametrize(
    ("narrow", "drive"),
    [(400, 2500), (1, 2500), (1, 1)],  # ids looked up first | words read first | probed
)
def test_rare_and_common_conditions_find_the_same_meetings(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, narrow: int, drive: int
) -> None:
    monkeypatch.setattr(search, "NARROW_CAP", narrow)
    monkeypatch.setattr(search, "DRIVE_CAP", drive)
    _store(engine)
    with Session(engine) as session:
        for where, expected in CASES:
            found = search.find_meetings(session, where=where, limit=50)
            assert sorted(m.id for m in found) == sorted(expected), where
            assert search.count_where(session, where=where) == len(expected), where


def test_lookups_are_forgotten_when_meetings_change(engine: Engine) -> None:
    _store(engine)
    where = search.MeetingFilter(words=("mercury",))
    with db.session_scope(engine) as session:
        assert search.find_meetings(session, where=where) == []
        _add(session, id="hg", title="Mercury trade workshop", start="2016-04-04", city="Bonn")
        assert [m.id for m in search.find_meetings(session, where=where)] == ["hg"]


def test_migration_backfills_the_words_of_stored_meetings(database_url: str) -> None:
    engine = db.make_engine(database_url)
    try:
        db.upgrade(engine, "0004_teams")
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO meeting (id, uid, sequence, title, kind, status, precision,"
                    " online, hosts, funders, partners, description, created_at, updated_at)"
                    " VALUES ('old', 'old@secbot', 0, 'Bureau meeting on mercury', 'bureau',"
                    " 'planned', 'unknown', false, '[\"Japan\"]', '[]', '[]', 'Kumamoto',"
                    " :now, :now)"
                ),
                {"now": NOW},
            )
        db.upgrade(engine)
        with Session(engine) as session:
            found = _words(session, "old")
            assert {("title", "mercury"), ("text", "kumamoto"), ("hosts", "japan")} <= found
            where = search.MeetingFilter(words=("kumamoto",))
            assert [m.id for m in search.find_meetings(session, where=where)] == ["old"]
            assert session.exec(select(col(Meeting.id))).all() == ["old"]
    finally:
        engine.dispose()


def _word_table_sql(engine: Engine) -> str:
    with engine.connect() as conn:
        return str(
            conn.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'meeting_word'"
            ).scalar_one()
        )


def test_sqlite_keeps_the_word_index_without_a_rowid_and_its_rows_across_the_change(
    tmp_path: Path,
) -> None:
    """0013 rebuilds meeting_word WITHOUT ROWID (one B-tree per word, not two), keeping its
    rows, its lookup index and its cascade; the downgrade puts the rowid back."""
    engine = db.make_engine(f"sqlite:///{tmp_path / 'secbot.db'}")
    try:
        db.upgrade(engine, "0012_answer_payload")
        assert "WITHOUT ROWID" not in _word_table_sql(engine)
        with db.session_scope(engine) as session:
            _add(session, id="hg", title="Mercury trade workshop", start="2016-04-04")
        db.upgrade(engine)
        assert "WITHOUT ROWID" in _word_table_sql(engine)
        with db.session_scope(engine) as session:
            assert ("title", "mercury") in _words(session, "hg")
            where = search.MeetingFilter(words=("mercury",))
            assert [m.id for m in search.find_meetings(session, where=where)] == ["hg"]
            session.delete(session.get(Meeting, "hg"))
        with Session(engine) as session:
            assert _words(session, "hg") == set()  # ON DELETE CASCADE kept
        command.downgrade(db.alembic_config(engine), "0012_answer_payload")
        assert "WITHOUT ROWID" not in _word_table_sql(engine)
    finally:
        engine.dispose()
