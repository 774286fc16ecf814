"""Personal reminders, as Slack's /remind: "remind me on 10 January at 9:00 to send the
invitation letters", "remind me tomorrow at 9 to book flights"; listed with the person's
other reminders, cancelled with "cancel reminder 3". Times are the person's wall clock (their
profile zone); each reminder is one ledger row (subject "note:<id>"), sent like any other."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz, process
from sqlmodel import Session, col, select

from bot import reminders
from bot.ask.timespan import NUMBERS, find_span
from bot.conversation import Answer, Asker
from bot.reminders.chat_terms import NO_CHAT, person_key, person_zone, reply
from bot.reminders.ledger import insert_rows
from bot.runtime import Runtime
from storage import db, places
from storage.models import Delivery, DeliveryKind, DeliveryState, PersonalReminder

REMIND = re.compile(r"^(?:please\s+)?remind\s+me\s+(?P<rest>.+?)[.!]*$", re.IGNORECASE)
# "<when> to <what>" or "to <what> <when>"
WHEN_FIRST = re.compile(r"^(?P<when>.+?)\s+to\s+(?P<what>\S.*)$", re.IGNORECASE)
WHAT_FIRST = re.compile(
    r"^to\s+(?P<what>.+?)\s+(?P<when>(?:on|at|by|tomorrow|today|tonight|next|this|in)\b.*)$",
    re.IGNORECASE,
)
CANCEL = re.compile(
    r"^(?:please\s+)?(?:cancel|delete|remove|forget|drop)\s+(?:my\s+|the\s+)?reminder\s+"
    r"(?:#|no\.?\s*|number\s+)?(?P<id>\d+)[.!]*$"
    r"|^(?:please\s+)?(?:cancel|delete|remove|forget|drop)\s+(?:my\s+|the\s+)?reminder\s+to\s+"
    r"(?P<what>.+?)[.!]*$",
    re.IGNORECASE,
)
_HOUR = r"(?P<h>\d{1,2})(?::(?P<m>\d{2}))?\s*(?P<ampm>[ap]\.?m\.?)?"
TIME = re.compile(
    rf"\b(?:at\s+{_HOUR}|(?P<h2>\d{{1,2}}):(?P<m2>\d{{2}})\s*(?P<ampm2>[ap]\.?m\.?)?"
    rf"|(?P<h3>\d{{1,2}})\s*(?P<ampm3>[ap]\.?m\.?)|(?:at\s+)?(?P<word>noon|midday|midnight))\b",
    re.IGNORECASE,
)
PARTS_OF_DAY = {"morning": time(9), "afternoon": time(14), "evening": time(18), "tonight": time(19)}
IN = re.compile(rf"^in\s+(?P<n>\d+|{'|'.join(NUMBERS)})\s+(?P<unit>minutes?|hours?|days?|weeks?)$")


class WhenError(reminders.ReminderError):
    """A time that cannot be read, or that has passed."""


def _clock(m: re.Match[str]) -> time:
    if m.group("word"):
        return time(0) if m.group("word").lower() == "midnight" else time(12)
    hour = m.group("h") or m.group("h2") or m.group("h3")
    minute = m.group("m") or m.group("m2") or "0"
    ampm = (m.group("ampm") or m.group("ampm2") or m.group("ampm3") or "").lower().replace(".", "")
    h = int(hour)
    if ampm == "pm" and h < 12:
        h += 12
    if ampm == "am" and h == 12:
        h = 0
    if not (0 <= h < 24 and 0 <= int(minute) < 60):
        raise WhenError(f"I can't read “{m.group(0).strip()}” as a time of day.")
    return time(h, int(minute))


def when_of(text: str, *, now: datetime, zone: str, default: time) -> datetime:
    """ "on 10 January at 9:00", "tomorrow at 9", "next Monday", "at 3pm", "in 2 hours" → the
    instant on the person's wall clock (`zone`); a day without a time is at `default`."""
    local = now.astimezone(ZoneInfo(zone))
    said = places.fold(text).strip().rstrip(".!?")
    m = IN.match(said)
    if m:
        n = NUMBERS.get(m["n"]) or int(m["n"])
        unit = m["unit"].rstrip("s")
        return now + timedelta(**{f"{unit}s": n})
    at: time | None = None
    found = TIME.search(said)
    if found:
        at = _clock(found)
        said = (said[: found.start()] + " " + said[found.end() :]).strip()
    for part, hour in PARTS_OF_DAY.items():
        if re.search(rf"\b{part}\b", said):
            at = at or hour
            said = re.sub(
                rf"\b(?:this |in the )?{part}\b", "today" if part == "tonight" else "", said
            )
    said = re.sub(r"\s+", " ", said).strip()
    day: date | None = local.date() if not said else None
    if said:
        span = find_span(said, local.date(), "future").span
        if span is None or span.start is None:
            raise WhenError(f"I can't tell when “{text.strip()}” is: try “on 10 January at 9:00”.")
        day = span.start
    assert day is not None
    instant = datetime.combine(day, at or default, ZoneInfo(zone))
    if not said and at is not None and instant <= local:
        instant += timedelta(days=1)  # "at 9" said after nine: tomorrow
    return instant


def _split(rest: str) -> tuple[str, str] | None:
    for pattern in (WHAT_FIRST, WHEN_FIRST):
        m = pattern.match(rest)
        if m:
            return m["when"], m["what"]
    return None


def claims(text: str) -> bool:
    """Whether `handle` takes `text` (read without the database)."""
    said = text.strip()
    return bool(CANCEL.match(said)) or _when_and_what(said) is not None


def handle(text: str, *, runtime: Runtime, asker: Asker, now: datetime) -> Answer | None:
    """Set or cancel a personal reminder; None when `text` is neither."""
    said = text.strip()
    cancel = CANCEL.match(said)
    if cancel:
        return _guarded(text, now, lambda: _cancel(runtime, asker, now, text, cancel))
    parts = _when_and_what(said)
    if parts is None:
        return None
    when_text, what = parts
    return _guarded(text, now, lambda: _set(runtime, asker, now, text, when_text, what))


def _when_and_what(said: str) -> tuple[str, str] | None:
    """ "remind me tomorrow at 9 to send the invitations" → its time and what to remind of."""
    m = REMIND.match(said)
    parts = _split(m["rest"]) if m else None
    if parts is None or re.search(r"\b(?:before|ahead of)\b", parts[0]):
        return None  # "remind me 3 days before X to …": a meeting reminder, not a time
    return parts


def _guarded(text: str, now: datetime, action: Callable[[], Answer]) -> Answer:
    try:
        return action()
    except reminders.ReminderError as e:
        return reply(text, now, "reminder_error", str(e))


def _set(
    runtime: Runtime, asker: Asker, now: datetime, text: str, when_text: str, what: str
) -> Answer:
    settings = runtime.settings
    default = reminders.parse_time_of_day(settings.reminders_time_of_day)
    with db.session_scope(runtime.engine) as session:
        zone = person_zone(session, f"{asker.platform}:{asker.user_id}", asker, settings)
        due = when_of(when_text, now=now, zone=zone, default=default)
        on = f"{due:%A} {due.day} {due:%B %Y} at {due:%H:%M} ({zone})"
        if due <= now:
            raise WhenError(f"{on[0].upper()}{on[1:]} has already passed: pick a later time.")
        if asker.platform not in reminders.CHANNELS:
            raise reminders.ReminderError(f"That would be {on}. {NO_CHAT}")
        who = person_key(asker)
        note = add(session, subscriber=who, text=what.strip(), due_at=due, zone=zone, now=now)
    return reply(
        text, now, "personal_reminder_set",
        f"OK: on {on} I'll remind you to {note.text} (reminder {note.id}; “cancel reminder "
        f"{note.id}” to drop it).",
    )  # fmt: skip


def add(
    session: Session, *, subscriber: str, text: str, due_at: datetime, zone: str, now: datetime
) -> PersonalReminder:
    """Store a personal reminder and queue its delivery."""
    note = PersonalReminder(
        subscriber=subscriber, text=text[:500], due_at=due_at, timezone=zone, created_at=now
    )
    session.add(note)
    session.flush()
    insert_rows(session, [{
        "kind": DeliveryKind.note.value, "subject": f"note:{note.id}", "meeting_id": "",
        "deadline_id": None, "recipient": subscriber, "channel": reminders.channel_of(subscriber),
        "offset_days": 0, "due_at": due_at, "state": DeliveryState.pending.value, "attempts": 0,
        "created_at": now, "updated_at": now,
    }])  # fmt: skip
    return note


def active(session: Session, *, subscriber: str, now: datetime) -> list[PersonalReminder]:
    """A person's reminders still to come, soonest first."""
    query = select(PersonalReminder).where(
        PersonalReminder.subscriber == subscriber,
        col(PersonalReminder.cancelled_at).is_(None),
        col(PersonalReminder.due_at) > now,
    )
    return list(session.exec(query.order_by(col(PersonalReminder.due_at))))


def lines(session: Session, *, subscriber: str, now: datetime) -> list[str]:
    out = []
    for note in active(session, subscriber=subscriber, now=now):
        local = note.due_at.astimezone(ZoneInfo(note.timezone))
        out.append(
            f"• {note.id}: {local:%A} {local.day} {local:%B %Y} at {local:%H:%M} — {note.text}"
        )
    return out


def _cancel(runtime: Runtime, asker: Asker, now: datetime, text: str, m: re.Match[str]) -> Answer:
    who = person_key(asker)
    with db.session_scope(runtime.engine) as session:
        mine = active(session, subscriber=who, now=now)
        note = None
        if m["id"]:
            note = next((n for n in mine if n.id == int(m["id"])), None)
        elif mine:
            best = process.extractOne(m["what"], {n.id: n.text for n in mine}, scorer=fuzz.WRatio,
                                      score_cutoff=70)  # fmt: skip
            note = next((n for n in mine if best and n.id == best[2]), None)
        if note is None:
            raise reminders.ReminderError(
                "I found no such reminder of yours still to come; “what are my reminders?” "
                "lists them."
            )
        note.cancelled_at = now
        session.add(note)
        for row in session.exec(select(Delivery).where(Delivery.subject == f"note:{note.id}")):
            if row.state == DeliveryState.pending:
                row.state, row.reason, row.updated_at = (
                    DeliveryState.skipped.value,
                    "cancelled",
                    now,
                )
                session.add(row)
        what = note.text
    return reply(text, now, "personal_reminder_cancelled", f"OK: I won't remind you to {what}.")
