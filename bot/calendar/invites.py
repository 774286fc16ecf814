"""Calendar invites by e-mail (iMIP, RFC 5546/6047): who is invited, and what the mail says.

The invitee list lives in the `invitation` table. Sending goes through the deliveries ledger
like every other message: `invite` records the addresses and queues one `invite` delivery per
address ("email:ADDRESS"); when the meeting changes, `bot.reminders.replan_meeting` queues an
`update` to every invitee behind its SEQUENCE, or a `cancel` when it is cancelled. The e-mail
notifier (`bot.notify.email`) turns those deliveries into iMIP mail with the helpers below, and
the dispatcher records on each invitation the SEQUENCE it got (`sequence_sent`, `status`).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session

from bot import reminders
from bot.calendar import ical as calendar
from bot.reminders.notifier import Message
from storage import repo
from storage import subscriptions as subs
from storage.models import DeliveryKind, Meeting, Precision, Status


class InviteError(ValueError):
    """The invite cannot be sent as asked (bad address, meeting without dates, ...)."""


def parse_addresses(text: str | Sequence[str]) -> list[str]:
    """Comma-separated (or listed) e-mail addresses, checked and lower-cased; InviteError names
    the first bad one."""
    items = text.split(",") if isinstance(text, str) else list(text)
    addresses: list[str] = []
    for item in (i.strip() for i in items):
        if not item:
            continue
        if not reminders.EMAIL.match(item):
            raise InviteError(f"{item!r} is not an e-mail address (like name@example.org)")
        if item.lower() not in addresses:
            addresses.append(item.lower())
    if not addresses:
        raise InviteError("give at least one e-mail address")
    return addresses


def check_invitable(m: Meeting) -> None:
    if m.start_date is None or m.precision != Precision.day:
        raise InviteError(
            f"{m.id} has no exact dates yet; an invite needs a day (edit the meeting first)"
        )
    if m.status == Status.cancelled:
        raise InviteError(f"{m.id} is cancelled; there is nothing to invite to")


def invite(
    session: Session, *, meeting_id: str, addresses: Sequence[str], now: datetime
) -> list[str]:
    """Record the addresses as invitees of the meeting and queue each an `invite` delivery at
    the meeting's current SEQUENCE; returns their recipient keys ("email:ADDRESS").

    Inviting again by hand retries an invite that failed; one already sent is not repeated.
    """
    meeting = repo.require_meeting(session, meeting_id=meeting_id)
    check_invitable(meeting)
    for address in addresses:
        subs.record_invitation(session, meeting_id=meeting.id, email=address, now=now)
    recipients = [f"email:{address}" for address in addresses]
    reminders.queue_notice(
        session, meeting=meeting, kind=DeliveryKind.invite.value, recipients=recipients,
        now=now, retry_failed=True,
    )  # fmt: skip
    return recipients


# --- the e-mail ----------------------------------------------------------------------------


def method_for(kind: str) -> str:
    """The iTIP METHOD of a notice kind."""
    return "CANCEL" if kind == DeliveryKind.cancel else "REQUEST"


def _when_text(m: Meeting) -> str:
    start = calendar.event_bounds(m)[0]
    if isinstance(start, datetime):
        zone = f" ({m.timezone})" if m.timezone else ""
        return f"{start:%A %d %B %Y, %H:%M}{zone}"
    last = m.end_date or m.start_date
    if last == m.start_date:
        return f"{start:%A %d %B %Y}"
    return f"{start:%d %B %Y} to {last:%d %B %Y}"


def email_body(m: Meeting, message: Message, *, base_url: str | None) -> tuple[str, str]:
    """(plain text, HTML) of an invite, update or CANCEL about `m`."""
    lines = [
        message.subject,
        f"When: {_when_text(m)}",
        f"Where: {calendar.location_text(m) or 'to be announced'}",
        "",
        calendar.description_text(m, link=calendar.meeting_link(m, base_url)),
    ]
    if message.kind == DeliveryKind.cancel:
        lines.insert(1, "This meeting has been cancelled; it is removed from your calendar.")
    text = "\n".join(lines)
    body = "".join(f"<p>{html.escape(line)}</p>" for line in text.split("\n") if line)
    return text, f"<html><body>{body}</body></html>"


def itip(
    m: Meeting,
    message: Message,
    *,
    organizer: tuple[str, str],
    stamp: datetime,
    base_url: str | None,
) -> bytes:
    """The iCalendar object (METHOD REQUEST or CANCEL) for an invite, update or CANCEL."""
    return calendar.invite_calendar(
        m, method=method_for(message.kind), organizer=organizer,
        attendees=message.attendees, stamp=stamp, sequence=message.sequence, base_url=base_url,
    ).to_ical()  # fmt: skip
