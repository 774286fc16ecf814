"""Imports written in bulk (bot.meetings.import_batches): new meetings inserted a batch at a
time still get their word index and raise the feeds' version; stored ones are matched by id,
then UID; reminders are planned once, for the meetings someone is owed something about."""

from __future__ import annotations

from sqlalchemy import Engine

from bot import meetings, reminders
from bot.clock import Clock
from storage import db, repo, subscriptions
from storage.models import MeetingData
from storage.search import MeetingFilter, find_meetings


def _data(i: int, **extra: object) -> MeetingData:
    fields = {"id": f"imp-{i}", "title": f"Workshop on reef number {i}", "kind": "workshop",
              "start": f"2016-0{1 + i % 8}-1{i % 9}", "city": "Nairobi"}  # fmt: skip
    return MeetingData.model_validate({**fields, **extra})


def test_a_bulk_import_indexes_words_and_raises_the_feed_version(
    engine: Engine, clock: Clock
) -> None:
    with db.session_scope(engine) as s:
        before, _ = subscriptions.meetings_version(s)
    batches = [[_data(i) for i in range(j, j + 3)] for j in (0, 3, 6)]
    with db.session_scope(engine) as s:
        result = meetings.import_batches(s, batches=batches, now=clock.now())
    assert result.counts() == {"new": 9, "updated": 0, "unchanged": 0}
    with db.session_scope(engine) as s:
        after, changed_at = subscriptions.meetings_version(s)
        assert after != before and changed_at == clock.now()
        found = find_meetings(s, where=MeetingFilter(words=["reef"]), limit=20)
        assert sorted(m.id for m in found) == sorted(f"imp-{i}" for i in range(9))
        stored = repo.require_meeting(s, meeting_id="imp-4")
        assert (stored.city, stored.country, stored.sequence) == ("Nairobi", "KE", 0)
        assert stored.created_at == stored.updated_at == clock.now()


def test_stored_meetings_are_matched_by_id_then_uid(engine: Engine, clock: Clock) -> None:
    with db.session_scope(engine) as s:
        meetings.import_meetings(s, items=[_data(i) for i in range(4)], now=clock.now())
    again = [
        _data(0),  # unchanged
        _data(1, title="Workshop on reefs, moved"),  # updated by id
        _data(9, uid="imp-2@secbot", title="Workshop renamed"),  # updated by UID
        _data(5),  # new
    ]
    with db.session_scope(engine) as s:
        result = meetings.import_meetings(s, items=again, now=clock.now())
        assert result.counts() == {"new": 1, "updated": 2, "unchanged": 1}
        assert sorted(result.updated) == ["imp-1", "imp-2"]
    with db.session_scope(engine) as s:
        assert repo.require_meeting(s, meeting_id="imp-1").sequence == 1
        assert repo.require_meeting(s, meeting_id="imp-2").title == "Workshop renamed"
        assert repo.get_meeting(s, meeting_id="imp-9") is None
        titles = find_meetings(s, where=MeetingFilter(words=["renamed"]), limit=5)
        assert [m.id for m in titles] == ["imp-2"]


def test_reminders_are_planned_for_the_meetings_a_rule_covers(engine: Engine, clock: Clock) -> None:
    now = clock.now()
    with db.session_scope(engine) as s:
        reminders.add_rule(s, subscriber="slack:U1", scope="kind", scope_value="workshop",
                           offsets=[3], now=now, timezone="UTC")  # fmt: skip
    items = [_data(1), _data(2, kind="bureau", title="Bureau meeting two")]
    with db.session_scope(engine) as s:
        meetings.import_meetings(s, items=items, now=now)
    with db.session_scope(engine) as s:
        planned = reminders.list_deliveries(s)
        assert [(d.meeting_id, d.recipient) for d in planned] == [("imp-1", "slack:U1")]
    moved = [_data(1, start="2016-05-20"), _data(2, kind="bureau", title="Bureau meeting two")]
    with db.session_scope(engine) as s:
        meetings.import_meetings(s, items=moved, now=now)
    with db.session_scope(engine) as s:
        (row,) = reminders.list_deliveries(s)
        assert row.subject_date is not None and row.subject_date.isoformat() == "2016-05-20"
