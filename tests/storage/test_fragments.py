"""The feed listing (which meetings, at which revision) and the fragment rows, on both backends."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine
from sqlmodel import Session

from bot.clock import Clock
from storage import db, fragments, repo
from storage.models import MeetingData, meeting_data


def test_listing_matches_list_meetings_and_revisions_move_with_changes(
    seeded: Engine, clock: Clock
) -> None:
    with Session(seeded) as session:
        for filters in ({}, {"kinds": ["workshop"]}, {"regions": ["Africa"]},
                        {"countries": ["KE", "CH"], "kinds": ["bureau", "session"]}):  # fmt: skip
            listed = fragments.revisions(session, **filters)  # type: ignore[arg-type]
            rows = repo.list_meetings(session, dated_only=True, **filters)  # type: ignore[arg-type]
            assert [mid for mid, _ in listed] == [m.id for m in rows if m.end_date]
            assert listed or filters
        before = dict(fragments.revisions(session))
        some = list(before)[:3]
        assert [mid for mid, _ in fragments.revisions(session, ids=some)] == some
        assert fragments.revisions(session, ids=[]) == []
    with db.session_scope(seeded) as session:
        current = meeting_data(repo.require_meeting(session, meeting_id=some[0]))
        data = MeetingData.model_validate({**current.model_dump(), "title": "Changed"})
        repo.upsert_meeting(session, data=data, now=clock.now())  # the same instant
    with Session(seeded) as session:
        after = dict(fragments.revisions(session))
    assert after[some[0]] != before[some[0]]
    assert {k: v for k, v in after.items() if k != some[0]} == {
        k: v for k, v in before.items() if k != some[0]
    }
    later = clock.now() + timedelta(days=1)
    with db.session_scope(seeded) as session:
        current = meeting_data(repo.require_meeting(session, meeting_id=some[1]))
        repo.upsert_meeting(session, data=current.model_copy(update={"title": "X"}), now=later)
    with Session(seeded) as session:
        assert dict(fragments.revisions(session))[some[1]] != before[some[1]]


def test_saved_rows_are_read_back_by_renderer(seeded: Engine) -> None:
    with Session(seeded) as session:
        (mid, revision), *_ = fragments.revisions(session)
    row = {"meeting_id": mid, "variant": "", "revision": revision, "renderer": "r1",
           "body": b"BEGIN:VEVENT\r\nEND:VEVENT\r\n", "zones": "Africa/Nairobi Europe/Zurich",
           "zoned_first": None, "zoned_last": None}  # fmt: skip
    fragments.save(seeded, [row])
    fragments.save(seeded, [{**row, "variant": "60", "body": b"other"}])
    with Session(seeded) as session:
        found = fragments.load(session, [(mid, ""), (mid, "60"), ("nope", "")], renderer="r1")
        assert set(found) == {(mid, ""), (mid, "60")}
        assert found[mid, ""].zones == {"Africa/Nairobi", "Europe/Zurich"}
        assert found[mid, ""].revision == revision and found[mid, "60"].body == b"other"
        assert fragments.load(session, [(mid, "")], renderer="r2") == {}
    fragments.save(seeded, [{**row, "body": b"replaced", "renderer": "r2"}])  # in place
    with Session(seeded) as session:
        assert fragments.load(session, [(mid, "")], renderer="r1") == {}
        assert fragments.load(session, [(mid, "")], renderer="r2")[mid, ""].body == b"replaced"
