"""What a delivery says, rendered from the facts as they are when it is sent."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.reminders.notifier import Message
from bot.reminders.terms import has_date
from storage import places
from storage.models import (
    Deadline,
    Delivery,
    DeliveryKind,
    Meeting,
    PersonalReminder,
)


def _day(d: date) -> str:
    return f"{d:%A} {d.day} {d:%B %Y}"


def _in_days(offset: int) -> str:
    return {0: "today", 1: "tomorrow"}.get(offset, f"in {offset} days")


def _meeting_line(m: Meeting) -> str:
    name = f"{m.title} ({m.short_name})" if m.short_name else m.title
    place = ", ".join(
        p for p in (m.city, places.country_name(m.country) if m.country else None) if p
    )
    when = _day(m.start_date) if m.start_date and has_date(m) else "date to be announced"
    if m.start_date and m.end_date and m.end_date != m.start_date and has_date(m):
        when = f"{_day(m.start_date)} to {_day(m.end_date)}"
    return f"{name} — {when}" + (f", {place}" if place else "") + f" [{m.id}]"


def render(
    delivery: Delivery,
    meeting: Meeting | None,
    deadline: Deadline | None,
    *,
    attendees: Sequence[str] = (),
    note: PersonalReminder | None = None,
) -> Message:
    """The message for a delivery, from the facts as they are now (`attendees`: the meeting's
    e-mail invitees, which invites, updates and CANCELs list; `note`: a personal reminder's)."""
    kind = delivery.kind
    if kind == DeliveryKind.note:
        what = note.text if note is not None else "(this reminder was removed)"
        return Message(subject=f"Reminder: {what}", text=f"Reminder: {what}", kind=kind,
                       meeting_id="")  # fmt: skip
    if meeting is None:
        return Message(
            subject=f"Meeting {delivery.meeting_id} is no longer listed",
            text=f"Meeting {delivery.meeting_id} is no longer listed.",
            kind=kind,
            meeting_id=delivery.meeting_id,
        )
    label = meeting.short_name or meeting.title
    line = _meeting_line(meeting)
    if kind == DeliveryKind.deadline and deadline is not None:
        subject = f"Deadline {_in_days(delivery.offset_days)}: {deadline.title} for {label}"
        text = f"{subject} ({_day(deadline.due_date)}).\n{line}"
    elif kind == DeliveryKind.cancel:
        subject = f"Cancelled: {meeting.title}"
        text = f"{subject}. It will not take place; no further reminders will be sent.\n{line}"
    elif kind == DeliveryKind.invite:
        subject = f"Invitation: {meeting.title}"
        text = f"{subject}\n{line}"
    elif kind == DeliveryKind.dated:
        subject = f"Dates set: {label}"
        text = f"{subject} — you asked me to tell you.\n{line}"
    elif kind == DeliveryKind.update:
        subject = f"Updated: {meeting.title}"
        text = f"{subject}\n{line}"
    else:
        subject = f"Reminder: {label} starts {_in_days(delivery.offset_days)}"
        text = f"{subject}.\n{line}"
    return Message(
        subject=subject, text=text, kind=kind, meeting_id=meeting.id, sequence=meeting.sequence,
        meeting=meeting, attendees=tuple(attendees),
    )  # fmt: skip
