"""Calendar objects: golden snapshots, every case of the spec, parsed back by icalendar and by
the strict `ical` package."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from ical.calendar_stream import IcsCalendarStream
from icalendar import Calendar
from sqlalchemy import Engine

from bot.calendar import ical as calendar
from bot.clock import Clock
from storage import db, repo
from storage.importers import read_file
from tests import calendar_data
from tests.paths import GOLDEN

BASE = "https://secbot.example.org"


def check_golden(name: str, body: bytes) -> None:
    """Compare with tests/golden/NAME; SECBOT_UPDATE_GOLDEN=1 rewrites the file instead."""
    path = GOLDEN / name
    if os.environ.get("SECBOT_UPDATE_GOLDEN") == "1":
        path.write_bytes(body)
    assert body.decode() == path.read_bytes().decode(), f"{name} differs from its snapshot"


def parse_both(body: bytes) -> tuple[Calendar, object]:
    """Parse with icalendar and with `ical` (strict: it raises on RFC violations)."""
    cal = Calendar.from_ical(body)
    strict = IcsCalendarStream.calendar_from_ics(body.decode())
    return cal, strict


@pytest.fixture
def meetings(engine: Engine, clock: Clock) -> Engine:
    calendar_data.load(engine, clock.now())
    return engine


def feed(engine: Engine) -> bytes:
    with db.session_scope(engine) as session:
        rows = repo.list_meetings(session)
        return calendar.meetings_calendar(rows, base_url=BASE).to_ical()


def events_by_uid(cal: Calendar) -> dict[str, object]:
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def test_feed_matches_golden_snapshot_on_every_backend(meetings: Engine) -> None:
    check_golden("feed.ics", feed(meetings))


def test_calendar_properties(meetings: Engine) -> None:
    cal, strict = parse_both(feed(meetings))
    assert str(cal["PRODID"]) == calendar.PRODID
    assert str(cal["NAME"]) == str(cal["X-WR-CALNAME"]) == calendar.FEED_NAME
    assert cal["REFRESH-INTERVAL"].dt == timedelta(hours=6)
    assert b"X-PUBLISHED-TTL:PT6H" in cal.to_ical()
    assert len(strict.events) == 6  # type: ignore[attr-defined]


def test_all_day_meeting_uses_dates_with_exclusive_end(meetings: Engine) -> None:
    cal, strict = parse_both(feed(meetings))
    ev = events_by_uid(cal)["nairobi-workshop-2016@secbot"]
    assert ev["DTSTART"].params.get("VALUE") == "DATE" or isinstance(ev["DTSTART"].dt, date)
    assert ev["DTSTART"].dt == date(2016, 3, 1)
    assert not isinstance(ev["DTSTART"].dt, datetime)
    assert ev["DTEND"].dt == date(2016, 3, 4)  # last day 3 March, end exclusive
    assert b"DTSTART;VALUE=DATE:20160301" in cal.to_ical()
    [strict_ev] = [e for e in strict.events if e.uid == "nairobi-workshop-2016@secbot"]  # type: ignore[attr-defined]
    assert strict_ev.dtend == date(2016, 3, 4)
    assert str(ev["SUMMARY"]) == "Regional workshop on artisanal gold mining"
    assert str(ev["LOCATION"]) == "UN Gigiri, Nairobi, Kenya"
    assert str(ev["STATUS"]) == "CONFIRMED"
    assert ev["SEQUENCE"] == 0
    assert ev.categories == ["Workshop", "Africa"]
    description = str(ev["DESCRIPTION"])
    for part in ("Workshop", "Government of Kenya", "Japan, Switzerland", "Progress report",
                 "paragraph 21", f"{BASE}/calendar/meeting/nairobi-workshop-2016.ics"):  # fmt: skip
        assert part in description
    assert str(ev["URL"]) == f"{BASE}/calendar/meeting/nairobi-workshop-2016.ics"
    assert ev["DTSTAMP"].dt == ev["LAST-MODIFIED"].dt == datetime(2015, 12, 15, 9, tzinfo=UTC)


def test_timed_meetings_carry_tzid_and_one_vtimezone_per_zone(meetings: Engine) -> None:
    body = feed(meetings)
    cal, strict = parse_both(body)
    events = events_by_uid(cal)
    call = events["bureau-call-2016-03@secbot"]
    assert call["DTSTART"].params["TZID"] == "Europe/Zurich"
    assert call["DTSTART"].dt == datetime(2016, 3, 10, 14, 0, tzinfo=ZoneInfo("Europe/Zurich"))
    assert call["DTEND"].dt == datetime(2016, 3, 10, 15, 30, tzinfo=ZoneInfo("Europe/Zurich"))
    assert str(call["LOCATION"]) == "Online"
    briefing = events["nairobi-briefing-2016@secbot"]
    assert briefing["DTSTART"].params["TZID"] == "Africa/Nairobi"
    assert briefing["DTSTART"].dt.astimezone(UTC) == datetime(2016, 3, 15, 6, 0, tzinfo=UTC)
    zones = [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")]
    assert sorted(zones) == ["Africa/Nairobi", "Europe/Zurich"]  # two Zurich meetings, one zone
    # the zone definitions cover only the span of the events: Zurich has one change to summer
    # time (27 March 2016) between 9 March and 7 April, not decades of rules
    zurich = next(tz for tz in cal.walk("VTIMEZONE") if str(tz["TZID"]) == "Europe/Zurich")
    assert len(zurich.subcomponents) <= 3
    assert body.index(b"BEGIN:VTIMEZONE") < body.index(b"BEGIN:VEVENT")
    [strict_call] = [e for e in strict.events if e.uid == "bureau-call-2016-03@secbot"]  # type: ignore[attr-defined]
    assert strict_call.dtstart.astimezone(UTC) == datetime(2016, 3, 10, 13, 0, tzinfo=UTC)


def test_month_only_meeting_spans_its_month_as_tentative_free_time(meetings: Engine) -> None:
    cal, _ = parse_both(feed(meetings))
    ev = events_by_uid(cal)["lac-expert-group-2016@secbot"]
    assert ev["DTSTART"].dt == date(2016, 5, 1)
    assert ev["DTEND"].dt == date(2016, 6, 1)
    assert str(ev["TRANSP"]) == "TRANSPARENT"
    assert str(ev["STATUS"]) == "TENTATIVE"
    assert str(ev["SUMMARY"]).endswith("(dates to be confirmed)")
    assert "Exact dates not yet announced (May 2016)" in str(ev["DESCRIPTION"])


def test_cancelled_meeting_stays_marked_and_undated_is_left_out(meetings: Engine) -> None:
    cal, strict = parse_both(feed(meetings))
    events = events_by_uid(cal)
    retreat = events["bangkok-retreat-2016@secbot"]
    assert str(retreat["STATUS"]) == "CANCELLED"
    assert str(retreat["SUMMARY"]) == "Cancelled: Staff retreat"
    assert retreat["SEQUENCE"] == 1
    assert "inc8@secbot" not in events
    assert "inc8@secbot" not in {e.uid for e in strict.events}  # type: ignore[attr-defined]


def test_same_data_gives_same_bytes(meetings: Engine) -> None:
    assert feed(meetings) == feed(meetings)


def test_alarms_become_valarms() -> None:
    meeting = _stored_meeting()
    cal = calendar.meetings_calendar([meeting], alarms={meeting.id: [1440, 60]})
    _, strict = parse_both(cal.to_ical())
    alarms = cal.walk("VALARM")
    assert [a["TRIGGER"].dt for a in alarms] == [timedelta(minutes=-60), timedelta(days=-1)]
    assert {str(a["ACTION"]) for a in alarms} == {"DISPLAY"}
    assert len(strict.events[0].alarm) == 2  # type: ignore[attr-defined]


def _stored_meeting():  # type: ignore[no-untyped-def]
    from storage.models import Meeting, MeetingData, table_values

    data = MeetingData.model_validate(calendar_data.MEETINGS[0])
    now = datetime(2015, 12, 15, 9, tzinfo=UTC)
    return Meeting(id=data.id, uid=data.uid, sequence=0, created_at=now, updated_at=now,
                   **table_values(data))  # fmt: skip


def test_invite_request_and_cancel_match_golden_snapshots() -> None:
    meeting = _stored_meeting()
    stamp = datetime(2016, 1, 4, 10, 30, tzinfo=UTC)
    request = calendar.invite_calendar(
        meeting, method="REQUEST", organizer=("secbot@example.org", "Secretariat"),
        attendees=["a@example.org", "b@example.org"], stamp=stamp, sequence=2, base_url=BASE,
    ).to_ical()  # fmt: skip
    check_golden("invite-request.ics", request)
    cal, strict = parse_both(request)
    assert str(cal["METHOD"]) == "REQUEST"
    [ev] = cal.walk("VEVENT")
    assert str(ev["UID"]) == meeting.uid and ev["SEQUENCE"] == 2
    assert str(ev["ORGANIZER"]) == "mailto:secbot@example.org"
    assert ev["ORGANIZER"].params["CN"] == "Secretariat"
    attendees = ev["ATTENDEE"]
    assert [str(a) for a in attendees] == ["mailto:a@example.org", "mailto:b@example.org"]
    for a in attendees:
        assert (a.params["RSVP"], a.params["PARTSTAT"]) == ("TRUE", "NEEDS-ACTION")
    assert ev["DTSTAMP"].dt == stamp
    assert len(strict.events[0].attendees) == 2  # type: ignore[attr-defined]
    meeting.status = "cancelled"
    cancel = calendar.invite_calendar(
        meeting, method="CANCEL", organizer=("secbot@example.org", "Secretariat"),
        attendees=["a@example.org"], stamp=stamp, sequence=3,
    ).to_ical()  # fmt: skip
    check_golden("invite-cancel.ics", cancel)
    cal, _ = parse_both(cancel)
    [ev] = cal.walk("VEVENT")
    assert str(cal["METHOD"]) == "CANCEL" and str(ev["STATUS"]) == "CANCELLED"
    assert ev["SEQUENCE"] == 3 and str(ev["UID"]) == meeting.uid


def test_export_then_import_changes_nothing(seeded: Engine, clock: Clock, tmp_path: Path) -> None:
    with db.session_scope(seeded) as session:
        rows = repo.list_meetings(session)
        text = calendar.meetings_calendar(rows, stamp=clock.now(), base_url=BASE).to_ical()
    path = tmp_path / "export.ics"
    path.write_bytes(text)
    result = read_file(path)
    assert result.errors == []
    with db.session_scope(seeded) as session:
        outcome = repo.upsert_meetings(session, items=result.meetings, now=clock.now())
        assert outcome.counts() == {"new": 0, "updated": 0, "unchanged": len(result.meetings)}
        dated = [m for m in rows if m.start_date is not None]
        assert len(result.meetings) == len(dated)
