"""Agendas (digests): "post a weekly agenda in #logistics every Monday at 9", "send me a daily
agenda". Each occurrence is one ledger row (subject "digest:<id>:<local date>", due at the
digest's time on that day in its zone), planned ahead by `plan` whenever the scheduler wakes:
inserting a row that exists does nothing, so any number of processes may plan, a restart
plans nothing twice, and claiming sends each occurrence once. What it says (the meetings and
deadlines of that day or week) is read when it is sent (`render`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from bot.ask import render_text as rt
from bot.ask.filters import by_ids
from bot.reminders.ledger import insert_rows
from bot.reminders.notifier import Message
from bot.reminders.terms import NOT_REQUESTED, channel_of, check_zone
from storage import search
from storage.models import Delivery, DeliveryKind, DeliveryState, Digest, DigestPeriod

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MAX_ITEMS = 25  # meetings, and deadlines, in one agenda


def occurrences(d: Digest, *, after: datetime, until: datetime) -> list[datetime]:
    """The digest's instants in (after, until], on its wall clock (daylight saving included)."""
    zone = ZoneInfo(d.timezone)
    day = after.astimezone(zone).date()
    out: list[datetime] = []
    while True:
        if d.period == DigestPeriod.daily or day.weekday() == (d.weekday or 0):
            at = datetime.combine(day, d.time_of_day, zone)
            if at > until:
                return out
            if at > after:
                out.append(at)
        day += timedelta(days=1)


def _row(d: Digest, at: datetime, now: datetime) -> dict[str, Any]:
    local_day = at.astimezone(ZoneInfo(d.timezone)).date()
    return {
        "kind": DeliveryKind.digest.value, "subject": f"digest:{d.id}:{local_day.isoformat()}",
        "meeting_id": "", "deadline_id": None, "recipient": d.subscriber,
        "channel": channel_of(d.subscriber), "offset_days": 0, "due_at": at,
        "subject_date": local_day, "state": DeliveryState.pending.value, "attempts": 0,
        "created_at": now, "updated_at": now,
    }  # fmt: skip


def plan(session: Session, *, now: datetime, grace: timedelta) -> int:
    """Queue each active digest's occurrences from `now - grace` (one missed while nothing ran
    is still sent if it is that recent) to a day ahead; returns how many rows were new."""
    rows = [
        _row(d, at, now)
        for d in session.exec(select(Digest).where(col(Digest.active).is_(True)))
        for at in occurrences(d, after=now - grace, until=now + timedelta(days=1))
    ]
    return insert_rows(session, rows)


def set_digest(
    session: Session,
    *,
    subscriber: str,
    period: str,
    weekday: int | None,
    time_of_day: time,
    timezone: str,
    now: datetime,
    created_by: str | None = None,
) -> Digest:
    """Create or change `subscriber`'s digest of that period; occurrences planned for another
    time are dropped and the new ones planned."""
    check_zone(timezone)
    d = session.exec(
        select(Digest).where(Digest.subscriber == subscriber, Digest.period == period)
    ).first()
    if d is None:
        d = Digest(subscriber=subscriber, period=period, timezone=timezone, created_at=now,
                   updated_at=now)  # fmt: skip
    d.weekday = weekday if period == DigestPeriod.weekly else None
    d.time_of_day, d.timezone, d.active, d.updated_at = time_of_day, timezone, True, now
    d.created_by = created_by or d.created_by
    session.add(d)
    session.flush()
    coming = occurrences(d, after=now, until=now + timedelta(days=1))
    _drop_pending(session, d, now, keep=set(coming))
    insert_rows(session, [_row(d, at, now) for at in coming])
    return d


def stop_digest(
    session: Session, *, subscriber: str, period: str | None, now: datetime
) -> list[Digest]:
    """Stop `subscriber`'s digests (of that period, or all); their pending rows are skipped."""
    query = select(Digest).where(Digest.subscriber == subscriber, col(Digest.active).is_(True))
    if period:
        query = query.where(Digest.period == period)
    stopped = list(session.exec(query))
    for d in stopped:
        d.active, d.updated_at = False, now
        session.add(d)
        _drop_pending(session, d, now, keep=set())
    session.flush()
    return stopped


def _drop_pending(session: Session, d: Digest, now: datetime, *, keep: set[datetime]) -> None:
    pending = session.exec(
        select(Delivery).where(
            col(Delivery.subject).startswith(f"digest:{d.id}:"),
            Delivery.state == DeliveryState.pending.value,
        )
    )
    for row in pending:
        if row.due_at not in keep:
            row.state, row.reason, row.updated_at = DeliveryState.skipped.value, NOT_REQUESTED, now
            session.add(row)


def list_digests(session: Session, *, subscriber: str | None = None) -> list[Digest]:
    query = select(Digest).where(col(Digest.active).is_(True))
    if subscriber:
        query = query.where(Digest.subscriber == subscriber)
    return list(session.exec(query.order_by(col(Digest.id))))


def describe(d: Digest) -> str:
    """ "every Monday at 09:00 (Europe/Zurich)", "every day at 08:30 (Asia/Jakarta)"."""
    day = "day" if d.period == DigestPeriod.daily else WEEKDAYS[d.weekday or 0]
    return f"every {day} at {d.time_of_day:%H:%M} ({d.timezone})"


def render(session: Session, row: Delivery, digest: Digest | None) -> Message:
    """The agenda for one occurrence: the meetings on during that day (daily) or the seven
    days from it (weekly), and the deadlines that fall then; when there are none, the next."""
    first = row.subject_date or row.due_at.date()
    weekly = digest is None or digest.period == DigestPeriod.weekly
    last = first + timedelta(days=6 if weekly else 0)
    span = _span_text(first, last)
    meetings = search.find_meetings(
        session, where=search.MeetingFilter(start=first, end=last), limit=MAX_ITEMS
    )
    deadlines = search.find_deadlines(session, start=first, end=last, limit=MAX_ITEMS)
    title = f"{'Weekly' if weekly else 'Daily'} agenda, {span}"
    lines = [title]
    if meetings:
        lines += ["Meetings:", *(rt.line(m, first) for m in meetings)]
    if deadlines:
        names = _meeting_names(session, [d.meeting_id for d in deadlines])
        lines += ["Deadlines:"] + [
            f"• {d.due_date:%A} {d.due_date.day} {d.due_date:%B} — {d.title}"
            + (f", {names[d.meeting_id]}" if d.meeting_id in names else "")
            for d in deadlines
        ]
    if not meetings and not deadlines:
        nxt = search.find_meetings(
            session, where=search.MeetingFilter(ongoing_or_after=last + timedelta(days=1)), limit=1
        )
        lines.append("No meetings or deadlines " + ("this week." if weekly else "today."))
        if nxt and nxt[0].start_date is not None:
            lines.append(f"Next: {rt.name(nxt[0])}, {rt.when_where(nxt[0])}.")
    return Message(subject=title, text="\n".join(lines), kind=row.kind, meeting_id="")


def _meeting_names(session: Session, ids: Sequence[str]) -> dict[str, str]:
    return {m.id: rt.name(m) for m in by_ids(session, list(dict.fromkeys(ids)))}


def _span_text(first: date, last: date) -> str:
    if first == last:
        return f"{first:%A} {first.day} {first:%B %Y}"
    return rt.date_range(first, last)
