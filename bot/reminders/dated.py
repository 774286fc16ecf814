"""“Tell me when dates are set for INC7”: for a meeting without dates, a ledger row that waits
(state `waiting`, subject "dated:<meeting id>") until the meeting gets its dates; the replan
that follows every change to a meeting makes it due then (bot.reminders.ledger), and it is
sent like any other row. A cancelled meeting's waiting rows are skipped."""

from __future__ import annotations

import re
from datetime import datetime

from sqlmodel import Session

from bot import reminders
from bot.ask import render_text as rt
from bot.conversation import Answer, Asker
from bot.reminders.chat import resolve_meeting
from bot.reminders.chat_terms import NO_CHAT, person_key, reply
from bot.reminders.ledger import insert_rows
from bot.runtime import Runtime
from storage import db
from storage.models import DeliveryKind, DeliveryState, Meeting, Status

WATCH = re.compile(
    r"^(?:please\s+)?(?:tell|notify|alert|ping|let)\s+me(?:\s+know)?\s+(?:when|once|as soon as)"
    r"\s+(?:the\s+)?dates?\s+(?:(?:are|is|have been|has been|get|gets)\s+)?"
    r"(?:set|announced|known|fixed|confirmed|out)\s+(?:for|of)\s+(?:the\s+)?(?P<ref>.+?)[.!?]*$"
    r"|^(?:please\s+)?(?:tell|notify|alert|let)\s+me(?:\s+know)?\s+(?:when|once)\s+(?:the\s+)?"
    r"(?P<ref2>.+?)\s+(?:has|gets|is given)\s+(?:its\s+)?dates?[.!?]*$",
    re.IGNORECASE,
)


def claims(text: str) -> bool:
    """Whether `handle` takes `text` (read without the database)."""
    return WATCH.match(text.strip()) is not None


def handle(text: str, *, runtime: Runtime, asker: Asker, now: datetime) -> Answer | None:
    m = WATCH.match(text.strip())
    if m is None:
        return None
    ref = m["ref"] or m["ref2"] or ""
    try:
        with db.session_scope(runtime.engine) as session:
            found = resolve_meeting(session, ref, now=now)
            if len(found) != 1:
                names = "; ".join(rt.name(f) for f in found[:5])
                raise reminders.ReminderError(
                    f"I don't know a meeting called “{ref}”." if not found
                    else f"“{ref}” could be several meetings: {names}. Which one?"
                )  # fmt: skip
            meeting = found[0]
            name = rt.name_in_sentence(meeting)
            if meeting.start_date is not None:
                return reply(
                    text, now, "dates_known",
                    f"{name[0].upper()}{name[1:]} already has its dates: {rt.when_where(meeting)}.",
                    meetings=[meeting],
                )  # fmt: skip
            if meeting.status == Status.cancelled:
                raise reminders.ReminderError(f"{name[0].upper()}{name[1:]} was cancelled.")
            if asker.platform not in reminders.CHANNELS:
                raise reminders.ReminderError(NO_CHAT)
            watch(session, meeting=meeting, subscriber=person_key(asker), now=now)
    except reminders.ReminderError as e:
        return reply(text, now, "reminder_error", str(e))
    return reply(
        text, now, "dates_watch_set",
        f"OK: I'll tell you as soon as {name} has its dates.", meetings=[meeting],
    )  # fmt: skip


def watch(session: Session, *, meeting: Meeting, subscriber: str, now: datetime) -> None:
    """Queue a waiting "dated" row for `subscriber` (once: the ledger's unique key)."""
    insert_rows(session, [{
        "kind": DeliveryKind.dated.value, "subject": f"dated:{meeting.id}",
        "meeting_id": meeting.id, "deadline_id": None, "recipient": subscriber,
        "channel": reminders.channel_of(subscriber), "offset_days": 0, "due_at": now,
        "state": DeliveryState.waiting.value, "attempts": 0, "created_at": now, "updated_at": now,
    }])  # fmt: skip
