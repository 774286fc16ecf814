"""Planning the ledger: rules × meetings × deadlines → rows; moves, cancels, unsubscribes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine

from bot import reminders
from bot.reminders.deadlines import apply_rules, load_rules
from storage import db, repo
from storage.models import (
    DeadlineData,
    DeadlineKind,
    Delivery,
    DeliveryState,
    MeetingData,
    Status,
    meeting_data,
)

NOW = datetime(2015, 12, 15, 9, 0, tzinfo=UTC)
GRACE = {k: timedelta(hours=12) for k in ("reminder", "deadline")} | {
    k: timedelta(days=7) for k in ("invite", "update", "cancel")
}
LUSAKA = "africa-regional-2016"  # 2016-02-02 .. 2016-02-04


# --- pure parts ----------------------------------------------------------------------------


def test_offsets_parse_and_print() -> None:
    assert reminders.parse_offsets("3d, 1d,2w,1d") == [1, 3, 14]
    assert reminders.offsets_text([1, 3, 14]) == "1d,3d,2w"
    for bad in ("", "3", "3 months", "d"):
        with pytest.raises(reminders.ReminderError):
            reminders.parse_offsets(bad)


def test_nine_oclock_local_across_daylight_saving() -> None:
    # Europe/Zurich springs forward on 2016-03-27: 09:00 is 08:00 UTC before, 07:00 UTC after.
    day = date(2016, 3, 29)
    at = time(9, 0)
    assert reminders.reminder_time(day, 3, at, "Europe/Zurich") == datetime(
        2016, 3, 26, 8, 0, tzinfo=UTC
    )
    assert reminders.reminder_time(day, 1, at, "Europe/Zurich") == datetime(
        2016, 3, 28, 7, 0, tzinfo=UTC
    )
    # ...and back on 2016-10-30; New York has its own dates (2016-03-13 and 2016-11-06)
    assert reminders.reminder_time(date(2016, 11, 1), 3, at, "Europe/Zurich").hour == 7
    assert reminders.reminder_time(date(2016, 11, 1), 1, at, "Europe/Zurich").hour == 8
    assert reminders.reminder_time(date(2016, 3, 14), 2, at, "America/New_York").hour == 14
    assert reminders.reminder_time(date(2016, 3, 14), 1, at, "America/New_York").hour == 13


@dataclass
class Row:
    kind: str
    state: str
    due_at: datetime
    claimed_at: datetime | None = None


def test_due_is_a_pure_function_of_rows_and_time() -> None:
    t = datetime(2016, 1, 1, 9, 0, tzinfo=UTC)
    on_time = Row("reminder", "pending", t)
    future = Row("reminder", "pending", t + timedelta(seconds=1))
    late_ok = Row("reminder", "pending", t - timedelta(hours=11))
    too_late = Row("reminder", "pending", t - timedelta(hours=13))
    cancel_late = Row("cancel", "pending", t - timedelta(days=2))  # notices keep longer
    sent = Row("reminder", "sent", t - timedelta(minutes=1))
    stale = Row("reminder", "sending", t - timedelta(minutes=30), t - timedelta(minutes=20))
    fresh = Row("reminder", "sending", t - timedelta(minutes=30), t - timedelta(minutes=1))
    rows = [on_time, future, late_ok, too_late, cancel_late, sent, stale, fresh]
    to_send, to_skip = reminders.due(rows, t, GRACE, lease=timedelta(minutes=10))
    assert to_send == [on_time, late_ok, cancel_late, stale]
    assert to_skip == [too_late]
    # without a lease a claimed row is never taken over; a second later `future` is due
    to_send, _ = reminders.due(rows, t + timedelta(seconds=1), GRACE)
    assert future in to_send and stale not in to_send


# --- planning against the store (SQLite and PostgreSQL) ------------------------------------


def _pending(engine: Engine, **kw: object) -> list[Delivery]:
    with db.session_scope(engine) as s:
        return reminders.list_deliveries(s, states=["pending"], **kw)  # type: ignore[arg-type]


def _add(engine: Engine, subscriber: str, scope: str, value: str | None, **kw: Any) -> None:
    kw.setdefault("offsets", [1, 3])
    kw.setdefault("timezone", "Europe/Zurich")
    with db.session_scope(engine) as s:
        reminders.add_rule(s, subscriber=subscriber, scope=scope, scope_value=value, now=NOW, **kw)


def test_rules_create_rows_once(seeded: Engine) -> None:
    _add(seeded, "slack:U1", "meeting", LUSAKA)
    _add(seeded, "slack:C9", "region", "African")
    rows = _pending(seeded)
    assert {(r.recipient, r.offset_days) for r in rows} == {
        ("slack:U1", 1), ("slack:U1", 3), ("slack:C9", 1), ("slack:C9", 3),
    }  # fmt: skip
    # 3 days before 2 February at 09:00 Zurich (CET, UTC+1)
    three = next(r for r in rows if r.recipient == "slack:U1" and r.offset_days == 3)
    assert three.due_at == datetime(2016, 1, 30, 8, 0, tzinfo=UTC)
    with db.session_scope(seeded) as s:
        again = reminders.plan(s, now=NOW, grace=GRACE)
    assert again.created == 0 and again.moved == 0
    assert len(_pending(seeded)) == 4


def test_moving_a_meeting_moves_its_pending_reminders(seeded: Engine) -> None:
    _add(seeded, "email:a@example.org", "meeting", LUSAKA)
    before = {r.offset_days: r.due_at for r in _pending(seeded)}
    with db.session_scope(seeded) as s:
        m = repo.require_meeting(s, meeting_id=LUSAKA)
        data = meeting_data(m).model_copy(
            update={"start": date(2016, 2, 9), "end": date(2016, 2, 11)}
        )
        repo.upsert_meeting(s, data=data, now=NOW)
        report = reminders.replan_meeting(s, meeting_id=LUSAKA, now=NOW, grace=GRACE)
    assert report.moved == 2 and report.created == 0
    after = {r.offset_days: r.due_at for r in _pending(seeded)}
    assert {k: after[k] - before[k] for k in before} == {1: timedelta(7), 3: timedelta(7)}


def test_cancelling_skips_reminders_and_queues_cancel(seeded: Engine) -> None:
    _add(seeded, "slack:U1", "meeting", LUSAKA)
    _add(seeded, "email:b@example.org", "kind", "regional_meeting")
    with db.session_scope(seeded) as s:
        repo.cancel_meeting(s, meeting_id=LUSAKA, now=NOW)
        report = reminders.replan_meeting(s, meeting_id=LUSAKA, now=NOW, grace=GRACE)
        rows = reminders.list_deliveries(s, meeting_id=LUSAKA)
    assert report.skipped == {reminders.CANCELLED: 4}
    reminders_rows = [r for r in rows if r.kind == "reminder"]
    assert {(r.state, r.reason) for r in reminders_rows} == {("skipped", "meeting cancelled")}
    cancels = [r for r in rows if r.kind == "cancel"]
    assert {r.recipient for r in cancels} == {"slack:U1", "email:b@example.org"}
    assert all(r.state == "pending" and r.due_at == NOW for r in cancels)
    with db.session_scope(seeded) as s:  # replanning queues nothing twice
        assert reminders.replan_meeting(s, meeting_id=LUSAKA, now=NOW, grace=GRACE).notices == 0


def test_unsubscribe_and_mute(seeded: Engine) -> None:
    _add(seeded, "slack:U1", "region", "Africa")
    _add(seeded, "slack:U1", "meeting", "iccm4", offsets=[1])  # past: nothing queued
    _add(seeded, "slack:U2", "all", None)
    with db.session_scope(seeded) as s:
        reminders.mute_meeting(s, subscriber="slack:U2", meeting_id=LUSAKA, now=NOW)
    assert not _pending(seeded, recipient="slack:U2", meeting_id=LUSAKA)
    assert _pending(seeded, recipient="slack:U2", meeting_id="lac-regional-2016")
    with db.session_scope(seeded) as s:
        rules = reminders.unsubscribe(s, subscriber="slack:U1", now=NOW)
        skipped = reminders.list_deliveries(s, recipient="slack:U1", states=["skipped"])
    assert len(rules) == 2
    assert not _pending(seeded, recipient="slack:U1")
    assert skipped and {r.reason for r in skipped} == {reminders.UNSUBSCRIBED}
    _add(seeded, "slack:U1", "meeting", LUSAKA)  # coming back re-arms the skipped rows
    assert len(_pending(seeded, recipient="slack:U1")) == 2


def test_no_rows_for_what_is_already_past(seeded: Engine) -> None:
    _add(seeded, "slack:U1", "all", None, offsets=[1])
    rows = _pending(seeded)
    assert rows and all(r.due_at >= NOW - GRACE["reminder"] for r in rows)
    with db.session_scope(seeded) as s:
        undated = {m.id for m in repo.list_meetings(s) if m.start_date is None}
    assert undated and not {r.meeting_id for r in rows} & undated


def test_deadline_rules_create_editable_deadlines_and_reminders(seeded: Engine) -> None:
    rules = load_rules()
    assert [r.days_before for r in rules["session"]] == [42, 30, 28, 21]
    with db.session_scope(seeded) as s:
        report = apply_rules(s, rules=rules, now=NOW)
        created = {(d.meeting_id, d.kind): d.due_date for d in report.created}
        again = apply_rules(s, rules=rules, now=NOW)
    assert created[(LUSAKA, "travel")] == date(2016, 2, 2) - timedelta(days=14)
    assert not [d for d in report.created if d.meeting_id == "iccm4"]  # already held
    assert "inc7" in report.undated  # no date: nothing to count back from
    assert again.created == [] and again.kept == len(report.created)
    _add(seeded, "email:c@example.org", "meeting", LUSAKA, starts=False, deadlines=True,
         deadline_kinds=["travel"])  # fmt: skip
    rows = _pending(seeded, recipient="email:c@example.org")
    assert {r.kind for r in rows} == {"deadline"} and len(rows) == 2
    # editing the stored deadline moves its reminders; the rules never touch it again
    with db.session_scope(seeded) as s:
        d = next(d for d in report.created if d.meeting_id == LUSAKA and d.kind == "travel")
        edited = DeadlineData(
            meeting_id=LUSAKA, title=d.title, kind=DeadlineKind.travel, due_date=date(2016, 1, 22)
        )
        repo.add_deadline(s, data=edited, now=NOW)
        reminders.replan_meeting(s, meeting_id=LUSAKA, now=NOW, grace=GRACE)
        apply_rules(s, rules=rules, now=NOW, meeting_ids=[LUSAKA])
        assert repo.list_deadlines(s, meeting_ids=[LUSAKA])[0].due_date <= date(2016, 1, 22)
    due = sorted(r.due_at for r in _pending(seeded, recipient="email:c@example.org"))
    assert due == [datetime(2016, 1, 19, 8, tzinfo=UTC), datetime(2016, 1, 21, 8, tzinfo=UTC)]


def test_a_new_meeting_gets_reminders_from_existing_rules(seeded: Engine) -> None:
    _add(seeded, "teams:29:abc", "region", "Africa", offsets=[7])
    with db.session_scope(seeded) as s:
        m, _ = repo.upsert_meeting(
            s, data=MeetingData(title="Nairobi follow-up", start="2016-03-29", city="Nairobi"),
            now=NOW,
        )  # fmt: skip
        reminders.replan_meeting(s, meeting_id=m.id, now=NOW, grace=GRACE)
    rows = _pending(seeded, meeting_id=m.id)
    assert [(r.recipient, r.channel, r.due_at) for r in rows] == [
        ("teams:29:abc", "teams", datetime(2016, 3, 22, 8, 0, tzinfo=UTC))
    ]
    assert m.status == Status.planned
    assert all(r.state == DeliveryState.pending for r in rows)
