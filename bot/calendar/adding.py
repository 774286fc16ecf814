"""“Add INC7 to my calendar” (also what the Add to calendar buttons send): the meeting's .ics,
Google Calendar and Outlook links; a meeting without dates offers to tell the person when it
has them instead."""

from __future__ import annotations

import re
from datetime import datetime

from bot.ask import render_text as rt
from bot.calendar.links import calendar_links
from bot.conversation import Answer, Asker
from bot.reminders.chat import resolve_meeting
from bot.runtime import Runtime
from storage import db

ADD = re.compile(
    r"^(?:please\s+)?(?:add|put|save)\s+(?:the\s+)?(?P<ref>.+?)\s+(?:to|in|into|on)\s+my\s+"
    r"(?:calendar|diary|agenda|outlook|google calendar)[.!]*$",
    re.IGNORECASE,
)


def claims(text: str) -> bool:
    """Whether `handle` takes `text` (read without the database)."""
    return ADD.match(text.strip()) is not None


def handle(text: str, *, runtime: Runtime, asker: Asker, now: datetime) -> Answer | None:
    m = ADD.match(text.strip())
    if m is None:
        return None
    ref = m["ref"]
    with db.session_scope(runtime.engine) as session:
        found = resolve_meeting(session, ref, now=now)
        if len(found) != 1:
            names = "; ".join(f"{rt.name(f)} ({f.id})" for f in found[:5])
            text_ = (
                f"I don't know a meeting called “{ref}”."
                if not found
                else f"“{ref}” could be several meetings: {names}. Which one?"
            )
            return Answer(question=text, now=now, intent="calendar_error", text=text_)
        meeting = found[0]
        session.expunge(meeting)
    name = rt.name_in_sentence(meeting)
    links = calendar_links(meeting, runtime.settings.public_url)
    if not links:
        return Answer(
            question=text, now=now, intent="calendar_undated", meetings=[meeting],
            text=f"{name[0].upper()}{name[1:]} has no dates yet, so there is nothing to put in "
            f"a calendar. Say “tell me when dates are set for {meeting.short_name or meeting.id}”"
            " and I'll tell you as soon as it has them.",
        )  # fmt: skip
    listed = "\n".join(f"{label}: {url}" for label, url in links.items())
    return Answer(
        question=text, now=now, intent="calendar_links", meetings=[meeting], links=links,
        text=f"To add {name} ({rt.when_where(meeting)}) to your calendar, open one of these:"
        f"\n{listed}",
    )  # fmt: skip
