"""Syncing a calendar from a local HTTP server (port 0) whose calendar changes between syncs,
on SQLite and PostgreSQL: moves, vanished events, 304s, failures, the Indico JSON export."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot import reminders
from bot.calendar import invites
from bot.clock import Clock
from bot.sources import SyncPolicy, SyncReport, add_source, sync
from storage import db, repo
from storage import subscriptions as subs
from storage.models import (
    CalendarSource,
    Delivery,
    DeliveryKind,
    FeedState,
    Meeting,
    Status,
    TargetKind,
    meeting_json,
)
from tests.calendar_server import Publisher, publisher
from tests.paths import DATA
from tests.sources_data import BUREAU, EXPERTS, PAST, WORKSHOP, Event, calendar

POLICY = SyncPolicy(timeout=2.0, backoff=60.0)
INDICO = DATA / "calendars" / "indico_ocean"


@pytest.fixture
def pub() -> Iterator[Publisher]:
    with publisher() as p:
        yield p


def follow(engine: Engine, url: str, clock: Clock, name: str = "ozone", **kw: Any) -> int:
    with db.session_scope(engine) as s:
        source_id = add_source(s, url=url, name=name, now=clock.now(), **kw).id
    assert source_id is not None
    return source_id


def run(engine: Engine, source_id: int, clock: Clock, **kw: Any) -> SyncReport:
    return sync(engine, source_id=source_id, now=clock.now(), policy=kw.pop("policy", POLICY), **kw)


def meeting_of(engine: Engine, event: Event) -> Meeting:
    with Session(engine) as s:
        found = s.exec(select(Meeting).where(Meeting.uid == event.uid)).one()
        s.expunge(found)
        return found


def store_state(engine: Engine) -> tuple[Any, ...]:
    """Everything a sync could write besides its own source row."""
    with Session(engine) as s:
        rows = [
            (meeting_json(m), m.sequence, m.updated_at, m.source_id)
            for m in s.exec(select(Meeting).order_by(Meeting.id))  # type: ignore[arg-type]
        ]
        deliveries = len(s.exec(select(Delivery)).all())
        version = s.get(FeedState, 1)
        return rows, deliveries, version.version if version else None


def source_row(engine: Engine, source_id: int) -> CalendarSource:
    with Session(engine) as s:
        row = s.get(CalendarSource, source_id)
        assert row is not None
        return row


def test_first_sync_adds_every_event_citing_its_source(
    engine: Engine, clock: Clock, pub: Publisher
) -> None:
    pub.publish(calendar(WORKSHOP, BUREAU, EXPERTS))
    source_id = follow(engine, pub.url, clock)
    report = run(engine, source_id, clock)
    assert (report.outcome, report.format, report.events) == ("synced", "ics", 3)
    assert report.counts["new"] == 3
    workshop = meeting_of(engine, WORKSHOP)
    assert (workshop.start_date, workshop.end_date) == (date(2016, 3, 7), date(2016, 3, 9))
    assert (workshop.source_id, workshop.source_document) == (source_id, "ozone calendar")
    row = source_row(engine, source_id)
    assert (row.status, row.events, row.failures, row.last_error) == ("synced", 3, 0, None)
    assert (row.etag, row.last_modified) == (pub.etag, pub.last_modified)
    assert row.next_attempt_at == clock.now() + timedelta(hours=1)


def test_an_unchanged_source_gets_a_conditional_get_answered_304_and_writes_nothing(
    engine: Engine, clock: Clock, pub: Publisher
) -> None:
    pub.publish(calendar(WORKSHOP, BUREAU))
    source_id = follow(engine, pub.url, clock)
    run(engine, source_id, clock)
    before = store_state(engine)
    later = Clock(anchor=clock.now() + timedelta(hours=1))
    assert run(engine, source_id, later).outcome == "unchanged"
    asked = pub.requests[-1]
    assert (asked["if-none-match"], asked["if-modified-since"]) == (pub.etag, pub.last_modified)
    assert asked["status"] == "304"
    assert store_state(engine) == before
    row = source_row(engine, source_id)
    assert (row.status, row.last_synced_at) == ("unchanged", later.now())
    # a server that ignores validators and sends the same bytes: unchanged all the same
    pub.conditional = False
    assert run(engine, source_id, later).outcome == "unchanged"
    assert pub.requests[-1]["status"] == "200" and store_state(engine) == before


async def test_a_moved_meeting_is_moved_replanned_and_its_people_told(
    engine: Engine, clock: Clock, pub: Publisher
) -> None:
    from tests.bot.sources.notices import deliver  # real SMTP and a fake Slack over HTTP

    pub.publish(calendar(WORKSHOP, BUREAU))
    source_id = follow(engine, pub.url, clock)
    run(engine, source_id, clock)
    workshop = meeting_of(engine, WORKSHOP)
    now = clock.now()
    with db.session_scope(engine) as s:
        invites.invite(s, meeting_id=workshop.id, addresses=["ana@example.org"], now=now)
    follow_rule(engine, clock, WORKSHOP)
    with db.session_scope(engine) as s:
        subs.subscribe(s, subscriber="slack:U0WATCH", target_kind=TargetKind.meeting,
                       target=workshop.id, now=now)  # fmt: skip
    first = await deliver(engine, clock)
    [(_, invite)] = first.mails
    assert (invite.method, invite.sequence) == ("REQUEST", 0)

    pub.publish(calendar(WORKSHOP.moved(7), BUREAU))
    report = run(engine, source_id, clock)
    assert report.counts == {"new": 0, "updated": 1, "unchanged": 1, "cancelled": 0,
                             "elsewhere": 0}  # fmt: skip
    [change] = report.changes
    assert change["fields"]["start_date"] == ["2016-03-07", "2016-03-14"]
    moved = meeting_of(engine, WORKSHOP)
    assert (moved.start_date, moved.sequence) == (date(2016, 3, 14), 1)
    with Session(engine) as s:
        pending = reminders.list_deliveries(s, meeting_id=moved.id, states=["pending"])
    [reminder] = [d for d in pending if d.kind == DeliveryKind.reminder]
    assert reminder.due_at.date() == date(2016, 3, 11)
    assert reminder.subject_date == date(2016, 3, 14)  # 3 days before the new start

    sent = await deliver(engine, clock)
    [(to, update)] = sent.mails
    assert to == ["ana@example.org"]
    assert (update.method, update.uid, update.sequence) == ("REQUEST", invite.uid, 1)
    assert update.start == date(2016, 3, 14)
    assert sorted(sent.chats) == ["C0FOLLOW", "U0WATCH"]
    assert all("Updated: Regional workshop on data" in text for text in sent.chats.values())
    assert all("14 March 2016" in text for text in sent.chats.values())

    # the same calendar again: nothing more to say
    assert run(engine, source_id, clock, full=True).counts["updated"] == 0
    assert (await deliver(engine, clock)).empty


async def test_a_vanished_meeting_is_cancelled_kept_and_its_invitees_told(
    engine: Engine, clock: Clock, pub: Publisher
) -> None:
    from tests.bot.sources.notices import deliver

    pub.publish(calendar(WORKSHOP, EXPERTS, PAST))
    source_id = follow(engine, pub.url, clock)
    run(engine, source_id, clock)
    experts = meeting_of(engine, EXPERTS)
    with db.session_scope(engine) as s:
        invites.invite(s, meeting_id=experts.id, addresses=["bo@example.org"], now=clock.now())
    await deliver(engine, clock)

    pub.publish(calendar(WORKSHOP))  # the expert group meeting and the past one are gone
    report = run(engine, source_id, clock)
    assert (report.counts["cancelled"], report.counts["unchanged"]) == (1, 1)
    gone = meeting_of(engine, EXPERTS)
    assert (gone.status, gone.sequence, gone.title) == ("cancelled", 1, EXPERTS.summary)
    past = meeting_of(engine, PAST)  # over already: a published window dropped it, no more
    assert past.status == Status.planned and past.sequence == 0
    [(to, cancel)] = (await deliver(engine, clock)).mails
    assert to == ["bo@example.org"]
    assert (cancel.method, cancel.uid, cancel.sequence) == ("CANCEL", experts.uid, 1)

    # it comes back: the same meeting again, no longer cancelled
    pub.publish(calendar(WORKSHOP, EXPERTS))
    assert run(engine, source_id, clock).counts["updated"] == 1
    assert meeting_of(engine, EXPERTS).status == Status.planned


def _closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/calendar.ics"


BREAKS = {
    "HTTP 500": lambda pub: setattr(pub, "status", 500),
    "timed out": lambda pub: setattr(pub, "hold", threading.Event()),
    "HTML page": lambda pub: pub.publish(
        "<!DOCTYPE html><html><body>Sign in</body></html>", "text/html; charset=utf-8"
    ),
    "not a valid iCalendar": lambda pub: pub.publish("BEGIN:VCALENDAR\r\nnonsense\r\n"),
    "without any event": lambda pub: pub.publish(calendar()),
}


@pytest.mark.parametrize("why", [*BREAKS, "cannot connect"])
def test_a_failing_source_leaves_the_store_unchanged_and_backs_off(
    why: str, engine: Engine, clock: Clock, pub: Publisher
) -> None:
    pub.publish(calendar(WORKSHOP, BUREAU))
    source_id = follow(engine, pub.url, clock)
    run(engine, source_id, clock)
    before = store_state(engine)
    if why == "cannot connect":
        with db.session_scope(engine) as s:
            row = s.get(CalendarSource, source_id)
            assert row is not None
            row.url = _closed_port_url()
    else:
        BREAKS[why](pub)
    policy = SyncPolicy(timeout=0.3, backoff=60.0)
    report = run(engine, source_id, clock, policy=policy)
    assert report.outcome == "failed" and why in (report.error or "")
    assert store_state(engine) == before
    row = source_row(engine, source_id)
    assert (row.status, row.failures, row.events) == ("failed", 1, 2)
    assert why in (row.last_error or "")
    assert row.next_attempt_at == clock.now() + timedelta(seconds=60)
    assert row.etag is not None  # what was known of the last good fetch stays
    run(engine, source_id, clock, policy=policy)
    row = source_row(engine, source_id)
    assert (row.failures, row.next_attempt_at) == (2, clock.now() + timedelta(seconds=120))
    assert store_state(engine) == before


def test_unreadable_events_are_reported_and_the_rest_applied_cancelling_nothing(
    engine: Engine, clock: Clock, pub: Publisher
) -> None:
    pub.publish(calendar(WORKSHOP, BUREAU, EXPERTS))
    source_id = follow(engine, pub.url, clock)
    run(engine, source_id, clock)
    bad = Event("bad-1", "Meeting somewhere odd", date(2016, 6, 1), date(2016, 6, 2))
    body = calendar(WORKSHOP.moved(1), bad).decode()
    body = body.replace("DTSTART;VALUE=DATE:20160601", "DTSTART;VALUE=DATE:20160230")
    pub.publish(body)
    report = run(engine, source_id, clock)
    assert report.outcome == "synced" and report.counts["updated"] == 1
    [error] = report.errors
    line = max(i for i, text in enumerate(body.splitlines(), 1) if text == "BEGIN:VEVENT")
    assert error.startswith(f"ozone:{line}: DTSTART") and "20160230" in error
    # an event that cannot be read is not one that vanished: nothing is cancelled
    assert meeting_of(engine, EXPERTS).status == Status.planned
    row = source_row(engine, source_id)
    assert row.status == "synced" and "1 event(s) could not be read" in (row.last_error or "")
    assert row.etag is None  # so the next sync reads everything again
    run(engine, source_id, clock)
    assert "if-none-match" not in pub.requests[-1]


def test_the_indico_json_export_with_an_api_token(
    engine: Engine, clock: Clock, pub: Publisher
) -> None:
    pub.publish((INDICO / "export.json").read_bytes(), "application/json")
    pub.token = "indico-secret-token"
    source_id = follow(engine, pub.url, clock, name="ipos")
    refused = run(engine, source_id, clock)
    assert refused.outcome == "failed" and "HTTP 401" in (refused.error or "")
    with db.session_scope(engine) as s:
        row = s.get(CalendarSource, source_id)
        assert row is not None
        row.api_token = pub.token
    report = run(engine, source_id, clock)
    assert (report.format, report.events, report.counts["new"]) == ("indico", 17, 17)
    assert pub.requests[-1]["authorization"] == "Bearer indico-secret-token"
    with Session(engine) as s:
        found = {m.uid: m for m in s.exec(select(Meeting).where(Meeting.source_id == source_id))}
    course = found["indico-event-1262@indico.ipos.example.org"]
    # 23:00 Berlin on 1 September is 09:00 on 2 September in Suva, the event's own zone
    assert (course.start_date, str(course.start_time), course.timezone) == (
        date(2024, 9, 2), "09:00:00", "Pacific/Fiji",
    )  # fmt: skip
    assert found["indico-event-1281@indico.ipos.example.org"].status == Status.cancelled

    # the same category's ICS export names the same events: another source leaves them be
    pub.publish((INDICO / "calendar.ics").read_bytes(), "text/calendar")
    pub.token = None
    other = follow(engine, pub.url, clock, name="ipos-ics")
    assert run(engine, other, clock).counts["elsewhere"] == 17


def test_two_replicas_at_once_sync_and_announce_once(
    engine: Engine, database_url: str, clock: Clock, pub: Publisher
) -> None:
    pub.publish(calendar(WORKSHOP, BUREAU))
    source_id = follow(engine, pub.url, clock)
    run(engine, source_id, clock)
    follow_rule(engine, clock, WORKSHOP)
    pub.publish(calendar(WORKSHOP.moved(7), BUREAU))
    pub.hold = threading.Event()
    pub.arrived.clear()
    replica = db.make_engine(database_url)  # another process's pool
    reports: list[SyncReport] = []
    first = threading.Thread(target=lambda: reports.append(run(engine, source_id, clock)))
    first.start()
    assert pub.arrived.wait(10)  # the first replica holds the source while it fetches
    second = run(replica, source_id, clock)
    assert second.outcome == "busy" and len(pub.requests) == 1  # it did not even fetch
    pub.hold.set()
    first.join(10)
    assert [r.outcome for r in reports] == ["synced"]
    assert update_notices(engine) == ["slack:C0FOLLOW"]
    assert run(replica, source_id, clock).outcome == "unchanged"
    replica.dispose()


def test_a_replica_whose_lease_ran_out_writes_nothing(
    engine: Engine, database_url: str, clock: Clock, pub: Publisher
) -> None:
    pub.publish(calendar(WORKSHOP, BUREAU))
    source_id = follow(engine, pub.url, clock)
    run(engine, source_id, clock)
    follow_rule(engine, clock, WORKSHOP)
    pub.publish(calendar(WORKSHOP.moved(7), BUREAU))
    pub.hold = threading.Event()
    pub.arrived.clear()
    reports: list[SyncReport] = []
    slow = threading.Thread(target=lambda: reports.append(run(engine, source_id, clock)))
    slow.start()
    assert pub.arrived.wait(10)
    # the slow replica's lease runs out; another takes the source over and syncs it
    later = Clock(anchor=clock.now() + POLICY.lease + timedelta(seconds=1))
    replica = db.make_engine(database_url)
    pub.hold, held = None, pub.hold
    assert run(replica, source_id, later).outcome == "synced"
    held.set()
    slow.join(10)
    assert [r.outcome for r in reports] == ["busy"]  # it found its lease gone: no write
    assert meeting_of(engine, WORKSHOP).sequence == 1  # moved once, not twice
    assert update_notices(engine) == ["slack:C0FOLLOW"]
    replica.dispose()


def follow_rule(engine: Engine, clock: Clock, event: Event) -> None:
    meeting_id = meeting_of(engine, event).id
    with db.session_scope(engine) as s:
        reminders.add_rule(s, subscriber="slack:C0FOLLOW", scope="meeting",
                           scope_value=meeting_id, offsets=[3], now=clock.now(),
                           timezone="UTC")  # fmt: skip


def update_notices(engine: Engine) -> list[str]:
    with Session(engine) as s:
        rows = s.exec(select(Delivery).where(Delivery.kind == DeliveryKind.update)).all()
        return sorted(r.recipient for r in rows)


def test_removing_a_source_keeps_its_meetings(engine: Engine, clock: Clock, pub: Publisher) -> None:
    pub.publish(calendar(WORKSHOP))
    source_id = follow(engine, pub.url, clock)
    run(engine, source_id, clock)
    with db.session_scope(engine) as s:
        from storage import sources as store

        assert store.remove_source(s, name="ozone") == 1
    kept = meeting_of(engine, WORKSHOP)
    assert (kept.source_id, kept.source_document) == (None, "ozone calendar")
    assert kept.status == "planned"
    with Session(engine) as s:
        assert repo.count_meetings(s) == 1
