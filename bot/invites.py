"""Calendar invites by e-mail (iMIP): first invitations, updates and cancellations.

The invitee list lives in the `invitation` table with the SEQUENCE each address last got.
`invite` adds addresses and sends METHOD:REQUEST; `send_updates` is what a change to a meeting
calls: a cancelled meeting sends METHOD:CANCEL, any other change a REQUEST with the raised
SEQUENCE, each only to invitees still behind the meeting's current SEQUENCE.

Seam for the reminders issue: today `send_updates` sends at once through the e-mail notifier.
Once the deliveries ledger exists, `send_updates` should queue one ledger row per invitee
(subject = meeting UID + SEQUENCE, channel = email) instead of calling `_deliver`, and the
scheduler will send them; callers (CLI edit/cancel, chat admins) do not change.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from bot import calendar
from bot.notify import DeliveryError, Notice
from bot.notify.email import EmailNotifier
from storage import repo
from storage import subscriptions as subs
from storage.models import Invitation, InvitationStatus, Meeting, Precision, Status

ADDRESS = re.compile(r"^[^@\s<>(),;:\"]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


class InviteError(ValueError):
    """The invite cannot be sent as asked (bad address, meeting without dates, ...)."""


@dataclass
class InviteReport:
    method: str | None = None
    sequence: int | None = None
    sent: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    skipped: str | None = None  # why nothing was sent

    def to_json(self) -> dict[str, object]:
        return {
            "method": self.method, "sequence": self.sequence, "sent": self.sent,
            "failed": self.failed, "skipped": self.skipped,
        }  # fmt: skip


def parse_addresses(text: str | Sequence[str]) -> list[str]:
    """Comma-separated (or listed) e-mail addresses, checked and lower-cased; InviteError names
    the first bad one."""
    items = text.split(",") if isinstance(text, str) else list(text)
    addresses: list[str] = []
    for item in (i.strip() for i in items):
        if not item:
            continue
        if not ADDRESS.match(item):
            raise InviteError(f"{item!r} is not an e-mail address (like name@example.org)")
        if item.lower() not in addresses:
            addresses.append(item.lower())
    if not addresses:
        raise InviteError("give at least one e-mail address")
    return addresses


def _when_text(m: Meeting) -> str:
    start = calendar.event_bounds(m)[0]
    if isinstance(start, datetime):
        zone = f" ({m.timezone})" if m.timezone else ""
        return f"{start:%A %d %B %Y, %H:%M}{zone}"
    last = m.end_date or m.start_date
    if last == m.start_date:
        return f"{start:%A %d %B %Y}"
    return f"{start:%d %B %Y} to {last:%d %B %Y}"


def _notice(m: Meeting, *, recipient: str, method: str, ics: bytes, base_url: str) -> Notice:
    verb = "Cancelled" if method == "CANCEL" else ("Updated" if m.sequence else "Invitation")
    subject = f"{verb}: {m.title}"
    lines = [
        f"{verb}: {m.title}",
        f"When: {_when_text(m)}",
        f"Where: {calendar.location_text(m) or 'to be announced'}",
        "",
        calendar.description_text(m, link=calendar.meeting_link(m, base_url)),
    ]
    if method == "CANCEL":
        lines.insert(1, "This meeting has been cancelled; it is removed from your calendar.")
    text = "\n".join(lines)
    body = "".join(f"<p>{html.escape(line)}</p>" for line in text.split("\n") if line)
    return Notice(
        recipient=recipient,
        subject=subject,
        text=text,
        html=f"<html><body>{body}</body></html>",
        calendar=ics,
        method=method,
    )


def _check_invitable(m: Meeting) -> None:
    if m.start_date is None or m.precision != Precision.day:
        raise InviteError(
            f"{m.id} has no exact dates yet; an invite needs a day (edit the meeting first)"
        )
    if m.status == Status.cancelled:
        raise InviteError(f"{m.id} is cancelled; there is nothing to invite to")


def _deliver(
    session: Session,
    *,
    meeting: Meeting,
    invitations: Sequence[Invitation],
    method: str,
    notifier: EmailNotifier,
    base_url: str,
    now: datetime,
) -> InviteReport:
    """Send one iTIP message per invitee and record the outcome on each invitation row."""
    report = InviteReport(method=method, sequence=meeting.sequence)
    attendees = [i.email for i in subs.list_invitations(session, meeting_id=meeting.id)]
    ics = calendar.invite_calendar(
        meeting,
        method=method,
        organizer=notifier.config.organizer,
        attendees=attendees,
        stamp=now,
        sequence=meeting.sequence,
        base_url=base_url,
    ).to_ical()
    notices = [
        _notice(meeting, recipient=i.email, method=method, ics=ics, base_url=base_url)
        for i in invitations
    ]
    try:
        failures = notifier.send_many(notices)
    except DeliveryError as e:
        failures = {i.email: str(e) for i in invitations}
    status = InvitationStatus.cancelled if method == "CANCEL" else InvitationStatus.invited
    for invitation in invitations:
        if invitation.email in failures:
            subs.mark_failed(session, invitation=invitation, error=failures[invitation.email],
                             now=now)  # fmt: skip
            report.failed[invitation.email] = failures[invitation.email]
        else:
            subs.mark_sent(session, invitation=invitation, sequence=meeting.sequence,
                           status=status, now=now)  # fmt: skip
            report.sent.append(invitation.email)
    session.flush()
    return report


def invite(
    session: Session,
    *,
    meeting_id: str,
    addresses: Sequence[str],
    notifier: EmailNotifier,
    base_url: str,
    now: datetime,
) -> InviteReport:
    """Record the addresses as invitees of the meeting and send each a REQUEST."""
    meeting = repo.require_meeting(session, meeting_id=meeting_id)
    _check_invitable(meeting)
    rows = [
        subs.record_invitation(session, meeting_id=meeting.id, email=address, now=now)
        for address in addresses
    ]
    return _deliver(session, meeting=meeting, invitations=rows, method="REQUEST",
                    notifier=notifier, base_url=base_url, now=now)  # fmt: skip


def send_updates(
    session: Session,
    *,
    meeting: Meeting,
    notifier: EmailNotifier,
    base_url: str,
    now: datetime,
) -> InviteReport:
    """After a meeting changed: CANCEL or a new REQUEST to every invitee behind its SEQUENCE."""
    behind = [
        i
        for i in subs.list_invitations(session, meeting_id=meeting.id)
        if i.status != InvitationStatus.cancelled
        and (i.sequence_sent is None or i.sequence_sent < meeting.sequence
             or i.status == InvitationStatus.failed)
    ]  # fmt: skip
    if not behind:
        return InviteReport(skipped="no invitee is behind this version")
    if meeting.status == Status.cancelled:
        method = "CANCEL"
    else:
        try:
            _check_invitable(meeting)
        except InviteError as e:
            return InviteReport(skipped=str(e))
        method = "REQUEST"
    return _deliver(session, meeting=meeting, invitations=behind, method=method,
                    notifier=notifier, base_url=base_url, now=now)  # fmt: skip
