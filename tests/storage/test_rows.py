"""Meetings kept between listings (storage.rows), on both backends: kept while the store is
unchanged, read again after any write, never taken from a session with changes of its own."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from bot.clock import Clock
from storage import db, repo, rows
from storage.models import MeetingData, meeting_data

IDS = ["inc7", "africa-regional-2016", "no-such-meeting", "iccm4"]


def listed(engine: Engine, ids: list[str] = IDS) -> list:
    with Session(engine) as session:
        return rows.meetings(session, ids)


def test_an_unchanged_store_gives_the_same_meetings_again(seeded: Engine) -> None:
    first = listed(seeded)
    assert [m.id for m in first] == ["inc7", "africa-regional-2016", "iccm4"]
    again = listed(seeded)
    assert all(a is b for a, b in zip(first, again, strict=True))
    assert [m.id for m in listed(seeded, ["iccm4", "inc7"])] == ["iccm4", "inc7"]


def test_any_write_to_a_meeting_is_read_at_the_next_listing(seeded: Engine, clock: Clock) -> None:
    before = listed(seeded)
    with db.session_scope(seeded) as session:  # another meeting, at the same instant
        current = meeting_data(repo.require_meeting(session, meeting_id="bureau-moscow-2015"))
        data = MeetingData.model_validate({**current.model_dump(), "title": "Changed"})
        repo.upsert_meeting(session, data=data, now=clock.now())
    after = listed(seeded)
    assert [m.id for m in after] == [m.id for m in before]
    assert not any(a is b for a, b in zip(before, after, strict=True))
    with db.session_scope(seeded) as session:
        current = meeting_data(repo.require_meeting(session, meeting_id="inc7"))
        data = MeetingData.model_validate({**current.model_dump(), "title": "INC7, moved"})
        repo.upsert_meeting(session, data=data, now=clock.now())
    assert listed(seeded)[0].title == "INC7, moved"


def test_a_session_with_changes_of_its_own_reads_and_keeps_its_meetings(
    seeded: Engine,
) -> None:
    kept = listed(seeded)
    with Session(seeded) as session:
        mine = repo.require_meeting(session, meeting_id="inc7")
        mine.title = "Not yet saved"
        session.add(mine)
        found = rows.meetings(session, ["inc7"])
        assert found == [mine] and mine in session and found[0].title == "Not yet saved"
    with Session(seeded) as session:
        held = repo.require_meeting(session, meeting_id="iccm4")  # clean, but the session's
        [same] = rows.meetings(session, ["iccm4"])
        assert held in session and same.id == "iccm4"
    assert listed(seeded)[0] is kept[0]


def test_at_most_kept_meetings_are_kept(seeded: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rows, "KEPT", 2)
    first = listed(seeded)
    again = listed(seeded)
    assert [a is b for a, b in zip(first, again, strict=True)] == [False, True, True]
