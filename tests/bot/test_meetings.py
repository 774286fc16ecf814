"""The one meeting service: every surface adds, edits, cancels and imports through it."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError
from sqlalchemy import Engine
from sqlmodel import Session

from bot import meetings, reminders
from bot.clock import Clock
from storage import db, repo
from storage.models import DeliveryKind, MeetingData
from tests.reminder_helpers import LUSAKA


def test_a_new_start_without_an_end_keeps_the_length(seeded: Engine, clock: Clock) -> None:
    with db.session_scope(seeded) as s:
        before = repo.require_meeting(s, meeting_id=LUSAKA)
        days = before.end_date - before.start_date
        assert days.days >= 1  # a multi-day meeting
        saved = meetings.edit(s, meeting_id=LUSAKA, changes={"start": "2016-03-07"},
                              now=clock.now())  # fmt: skip
        assert saved.outcome == "updated"
        assert saved.meeting.start_date == date(2016, 3, 7)
        assert saved.meeting.end_date - saved.meeting.start_date == days


def test_a_new_city_brings_its_own_country_and_zone(seeded: Engine, clock: Clock) -> None:
    with db.session_scope(seeded) as s:
        saved = meetings.edit(s, meeting_id=LUSAKA, changes={"city": "Nairobi"}, now=clock.now())
        assert (saved.meeting.city, saved.meeting.country) == ("Nairobi", "KE")
        assert saved.meeting.timezone == "Africa/Nairobi"


def test_an_edit_replans_reminders(seeded: Engine, clock: Clock) -> None:
    now = clock.now()
    with db.session_scope(seeded) as s:
        reminders.add_rule(s, subscriber="slack:U1", scope="meeting", scope_value=LUSAKA,
                           offsets=[3], now=now, timezone="UTC")  # fmt: skip
    with db.session_scope(seeded) as s:
        (row,) = reminders.list_deliveries(s, meeting_id=LUSAKA)
        first_due = row.due_at
        meetings.edit(s, meeting_id=LUSAKA, changes={"start": "2016-03-07"}, now=now)
    with db.session_scope(seeded) as s:
        (row,) = reminders.list_deliveries(s, meeting_id=LUSAKA)
        assert row.kind == DeliveryKind.reminder
        assert (row.due_at - first_due).days == 34  # 2 February -> 7 March


def test_bad_changes_write_nothing(seeded: Engine, clock: Clock) -> None:
    with Session(seeded) as s:
        with pytest.raises(ValidationError):
            meetings.edit(s, meeting_id=LUSAKA, changes={"start": "2016-02-30"}, now=clock.now())
        with pytest.raises(meetings.MeetingError, match="no meeting"):
            meetings.edit(s, meeting_id="nope", changes={"title": "X"}, now=clock.now())
        with pytest.raises(meetings.MeetingError, match="no meeting"):
            meetings.cancel(s, meeting_id="nope", now=clock.now())
        existing = MeetingData.model_validate({"id": LUSAKA, "title": "Another"})
        with pytest.raises(meetings.MeetingError, match="exists"):
            meetings.add(s, data=existing, now=clock.now())
    with Session(seeded) as s:
        assert repo.require_meeting(s, meeting_id=LUSAKA).start_date == date(2016, 2, 2)


def test_dates_can_be_removed(seeded: Engine, clock: Clock) -> None:
    with db.session_scope(seeded) as s:
        saved = meetings.edit(s, meeting_id=LUSAKA, changes={"start": "none"}, now=clock.now())
        assert (saved.meeting.start_date, saved.meeting.end_date) == (None, None)
