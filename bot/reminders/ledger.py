"""Reminders: who wants reminding (rules), what is owed (the deliveries ledger), what is due.

The database is the memory. Whenever a fact changes (a meeting is added, moved or cancelled, a
deadline or a rule is added), `replan_meeting` reconciles that meeting's ledger rows with the
rules: it inserts what is missing (the unique key makes this idempotent), moves pending rows
whose date moved, and skips pending rows that no longer apply, with the reason. It also queues
the meeting's notices: an update to e-mail invitees behind its SEQUENCE, and on cancellation a
CANCEL to invitees and to everyone who was waiting for a reminder. Sending is
`bot.dispatch`'s job; deciding what is due at an instant is the pure `due()` below.

"3 days before at 09:00" is 09:00 on the wall clock of the rule's time zone, three calendar
days before the subject's date, whatever daylight-saving does in between. A person's rule
either keeps the zone it was given or follows their chat profile's zone (`follows_profile`):
`rezone_rules` moves those, and their pending rows, when the profile changes (bot.profiles).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import and_, event, or_
from sqlmodel import Session, col, select

from bot.reminders.terms import (
    CANCELLED,
    DEADLINE_GONE,
    NO_DATE,
    NOT_REQUESTED,
    NOTICE_KINDS,
    PLANNED_KINDS,
    POSTPONED,
    UNSUBSCRIBED,
    Grace,
    ReminderError,
    channel_of,
    grace_from_settings,
    has_date,
    reminder_time,
)
from bot.settings import get_settings
from storage import repo
from storage import subscriptions as subs
from storage.models import (
    Deadline,
    Delivery,
    DeliveryKind,
    DeliveryState,
    InvitationStatus,
    Meeting,
    ReminderRule,
    RuleScope,
    Status,
)
from storage.upsert import insert_ignore

# --- planning ----------------------------------------------------------------------------------


LEDGER_KEY = ("subject", "recipient", "channel", "offset_days")  # a row's unique key


@dataclass
class PlanReport:
    created: int = 0
    moved: int = 0
    rearmed: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    notices: int = 0  # invite, update and CANCEL rows queued

    def add(self, other: PlanReport) -> None:
        self.created += other.created
        self.moved += other.moved
        self.rearmed += other.rearmed
        self.notices += other.notices
        for reason, n in other.skipped.items():
            self.skipped[reason] = self.skipped.get(reason, 0) + n

    def to_json(self) -> dict[str, Any]:
        return {
            "created": self.created, "moved": self.moved, "rearmed": self.rearmed,
            "skipped": dict(self.skipped), "notices": self.notices,
        }  # fmt: skip


# Called after the ledger changed in this process (the scheduler registers its wake-up here).
LEDGER_LISTENERS: list[Callable[[], None]] = []


def ledger_changed() -> None:
    for listener in list(LEDGER_LISTENERS):
        listener()


def _changed_on_commit(session: Session) -> None:
    """Tell the listeners once this session's transaction commits (not before: a scheduler
    woken early would find nothing yet and go back to sleep)."""
    if session.info.get("ledger_changed"):
        return
    session.info["ledger_changed"] = True

    def fire(_session: Any) -> None:
        session.info.pop("ledger_changed", None)
        ledger_changed()

    event.listen(session, "after_commit", fire, once=True)


class _Want(NamedTuple):
    kind: str
    due_at: datetime
    deadline_id: int | None
    day: date  # the subject's date: the meeting's start or the deadline's due date


Key = tuple[str, str, str, int]  # subject, recipient, channel, offset_days


def _rule_matches(rule: ReminderRule, m: Meeting) -> bool:
    return (
        rule.scope == RuleScope.all
        or (rule.scope == RuleScope.meeting and rule.scope_value == m.id)
        or (rule.scope == RuleScope.region and rule.scope_value == m.region)
        or (rule.scope == RuleScope.kind and rule.scope_value == m.kind)
    )


def _scoped(scope: RuleScope, value: str) -> Any:
    return and_(col(ReminderRule.scope) == scope.value, col(ReminderRule.scope_value) == value)


def _rules_for(session: Session, m: Meeting) -> list[ReminderRule]:
    query = select(ReminderRule).where(
        or_(
            col(ReminderRule.scope) == RuleScope.all.value,
            _scoped(RuleScope.meeting, m.id),
            _scoped(RuleScope.region, m.region or ""),
            _scoped(RuleScope.kind, m.kind),
        )
    )
    return list(session.exec(query.order_by(col(ReminderRule.id))))


def wanted(
    m: Meeting, deadlines: Sequence[Deadline], rules: Sequence[ReminderRule]
) -> dict[Key, _Want]:
    """The ledger rows the rules ask for about meeting `m` (pure): key → (kind, due, deadline)."""
    out: dict[Key, _Want] = {}
    if m.status == Status.cancelled:
        return out
    muted = {
        r.subscriber
        for r in rules
        if r.scope == RuleScope.meeting and r.scope_value == m.id and not r.active
    }
    remind_start = has_date(m) and m.status != Status.postponed
    for rule in rules:
        if not rule.active or rule.subscriber in muted or not _rule_matches(rule, m):
            continue
        channel = channel_of(rule.subscriber)
        for off in rule.offsets:
            if rule.starts and remind_start:
                assert m.start_date is not None
                key = (f"meeting:{m.id}", rule.subscriber, channel, off)
                when = reminder_time(m.start_date, off, rule.time_of_day, rule.timezone)
                out.setdefault(key, _Want(DeliveryKind.reminder.value, when, None, m.start_date))
            if rule.deadlines:
                for d in deadlines:
                    if rule.deadline_kinds and d.kind not in rule.deadline_kinds:
                        continue
                    key = (f"deadline:{d.id}", rule.subscriber, channel, off)
                    when = reminder_time(d.due_date, off, rule.time_of_day, rule.timezone)
                    out.setdefault(key, _Want(DeliveryKind.deadline.value, when, d.id, d.due_date))
    return out


def _skip_reason(
    row: Delivery, m: Meeting | None, deadline_ids: set[int], rules: Sequence[ReminderRule]
) -> str:
    if m is None or m.status == Status.cancelled:
        return CANCELLED
    if row.kind == DeliveryKind.reminder and m.status == Status.postponed:
        return POSTPONED
    if row.kind == DeliveryKind.reminder and not has_date(m):
        return NO_DATE
    if row.deadline_id is not None and row.deadline_id not in deadline_ids:
        return DEADLINE_GONE
    subscribed = any(
        r.active and r.subscriber == row.recipient and _rule_matches(r, m) for r in rules
    )
    muted = any(
        not r.active and r.subscriber == row.recipient and r.scope == RuleScope.meeting
        for r in rules
        if r.scope_value == m.id
    )
    return UNSUBSCRIBED if muted or not subscribed else NOT_REQUESTED


def insert_rows(session: Session, rows: list[dict[str, Any]]) -> int:
    """Insert ledger rows, keeping any that exist (the unique key); returns how many were new
    and tells the scheduler once the transaction commits."""
    created = _insert_ignore(session, rows)
    if created:
        _changed_on_commit(session)
    return created


def _insert_ignore(session: Session, rows: list[dict[str, Any]]) -> int:
    """Insert ledger rows, silently keeping any that exist (the unique key): idempotent."""
    return insert_ignore(session, Delivery, rows, keys=LEDGER_KEY)


def replan_meeting(
    session: Session, *, meeting_id: str, now: datetime, grace: Grace | None = None
) -> PlanReport:
    """Reconcile one meeting's reminder rows with the rules and its current facts."""
    grace = grace if grace is not None else grace_from_settings(get_settings())
    report = PlanReport()
    m = repo.get_meeting(session, meeting_id=meeting_id)
    deadlines = repo.list_deadlines(session, meeting_ids=[meeting_id]) if m else []
    rules = _rules_for(session, m) if m else []
    want = wanted(m, deadlines, rules) if m else {}
    existing = list(
        session.exec(
            select(Delivery).where(
                Delivery.meeting_id == meeting_id, col(Delivery.kind).in_(PLANNED_KINDS)
            )
        )
    )
    have = {(r.subject, r.recipient, r.channel, r.offset_days): r for r in existing}
    to_insert: list[dict[str, Any]] = []
    for key, w in want.items():
        row = have.get(key)
        if row is None:
            if w.due_at >= now - grace.get(w.kind, timedelta(0)):
                subject, recipient, channel, off = key
                to_insert.append({
                    "kind": w.kind, "subject": subject, "meeting_id": meeting_id,
                    "deadline_id": w.deadline_id, "recipient": recipient, "channel": channel,
                    "offset_days": off, "due_at": w.due_at, "subject_date": w.day,
                    "state": DeliveryState.pending.value, "attempts": 0, "created_at": now,
                    "updated_at": now,
                })  # fmt: skip
        elif row.state == DeliveryState.pending:
            if (row.due_at, row.subject_date) != (w.due_at, w.day):
                report.moved += row.due_at != w.due_at
                row.due_at, row.subject_date, row.updated_at = w.due_at, w.day, now
                session.add(row)
        elif w.due_at > now and _owed_again(row, w):
            row.state, row.due_at, row.updated_at = DeliveryState.pending.value, w.due_at, now
            row.subject_date = w.day
            row.attempts, row.reason, row.last_error = 0, None, None
            row.claimed_by = row.claimed_at = row.sent_at = None
            session.add(row)
            report.rearmed += 1
    report.created = _insert_ignore(session, to_insert)
    report.created += _release_dated(session, m, meeting_id, now)
    deadline_ids = {d.id for d in deadlines if d.id is not None}
    cancelled = m is None or m.status == Status.cancelled
    cancel_to: set[str] = set()
    for key, row in have.items():
        if key in want or row.state != DeliveryState.pending:
            continue
        reason = _skip_reason(row, m, deadline_ids, rules)
        if reason == CANCELLED:
            cancel_to.add(row.recipient)
        _skip(session, row, reason, now)
        report.skipped[reason] = report.skipped.get(reason, 0) + 1
    if m is not None and cancelled:
        cancel_to |= {
            r.subscriber
            for r in rules
            if r.active and r.scope == RuleScope.meeting and r.scope_value == m.id
        }
        report.add(_cancel(session, meeting=m, recipients=cancel_to, now=now))
    elif m is not None:
        report.notices += _update_invitees(session, meeting=m, now=now)
    session.flush()
    if report.created or report.moved or report.rearmed or report.notices:
        _changed_on_commit(session)
    return report


def _release_dated(session: Session, m: Meeting | None, meeting_id: str, now: datetime) -> int:
    """Rows waiting for the meeting's dates ("tell me when dates are set") fall due now when
    it has them, and are skipped when it is gone or cancelled; returns how many fell due."""
    query = select(Delivery).where(
        Delivery.meeting_id == meeting_id,
        Delivery.kind == DeliveryKind.dated.value,
        Delivery.state == DeliveryState.waiting.value,
    )
    released = 0
    for row in session.exec(query):
        if m is None or m.status == Status.cancelled:
            row.state, row.reason = DeliveryState.skipped.value, CANCELLED
        elif m.start_date is not None:
            row.state, row.due_at, row.subject_date = DeliveryState.pending.value, now, m.start_date
            released += 1
        else:
            continue
        row.updated_at = now
        session.add(row)
    return released


def _owed_again(row: Delivery, w: _Want) -> bool:
    """Whether a finished row is owed again: its subscriber came back, or its subject's date
    moved. A sent row is not sent twice because only the recipient's zone or time of day
    changed (rows planned before subject dates were kept fall back to comparing instants)."""
    if row.state == DeliveryState.skipped:
        return row.due_at != w.due_at or row.reason in (UNSUBSCRIBED, NOT_REQUESTED)
    if row.state != DeliveryState.sent:
        return False
    if row.subject_date is None:
        return row.due_at != w.due_at
    return row.subject_date != w.day


def _skip(session: Session, row: Delivery, reason: str, now: datetime) -> None:
    row.state, row.reason, row.updated_at = DeliveryState.skipped.value, reason, now
    session.add(row)


def _cancel(
    session: Session, *, meeting: Meeting, recipients: set[str], now: datetime
) -> PlanReport:
    """A cancelled meeting: pending invites/updates are skipped, and everyone who was waiting
    for a reminder, follows this meeting or was invited to it gets a CANCEL notice, if it had
    not yet begun (invitees get theirs as an iMIP CANCEL)."""
    report = PlanReport()
    stale = session.exec(
        select(Delivery).where(
            Delivery.meeting_id == meeting.id,
            col(Delivery.kind).in_([DeliveryKind.invite.value, DeliveryKind.update.value]),
            Delivery.state == DeliveryState.pending,
        )
    )
    for row in stale:
        _skip(session, row, CANCELLED, now)
        report.skipped[CANCELLED] = report.skipped.get(CANCELLED, 0) + 1
    recipients |= {
        f"email:{i.email}"
        for i in subs.list_invitations(session, meeting_id=meeting.id)
        if i.status != InvitationStatus.cancelled
    }
    upcoming = meeting.start_date is None or meeting.start_date >= now.date()
    if recipients and upcoming:
        report.notices = queue_notice(
            session, meeting=meeting, kind=DeliveryKind.cancel.value, recipients=recipients,
            now=now,
        )  # fmt: skip
    return report


def _update_invitees(session: Session, *, meeting: Meeting, now: datetime) -> int:
    """Queue a REQUEST for every invitee behind the meeting's SEQUENCE: an `update` for those
    who had an earlier one, an `invite` for those who never got one. An invitee with an invite
    or update still waiting needs nothing more: it is rendered from the facts when sent."""
    if not has_date(meeting):
        return 0  # nothing to put in a calendar (any CANCEL is `_cancel`'s)
    invitations = subs.list_invitations(session, meeting_id=meeting.id)
    if not invitations:
        return 0
    waiting = set(
        session.exec(
            select(Delivery.recipient).where(
                Delivery.meeting_id == meeting.id,
                col(Delivery.kind).in_([DeliveryKind.invite.value, DeliveryKind.update.value]),
                col(Delivery.state).in_([DeliveryState.pending, DeliveryState.sending]),
            )
        )
    )
    behind: dict[str, list[str]] = {DeliveryKind.invite.value: [], DeliveryKind.update.value: []}
    for i in invitations:
        recipient = f"email:{i.email}"
        if recipient in waiting:
            continue
        if i.sequence_sent is None:
            behind[DeliveryKind.invite.value].append(recipient)
        elif i.sequence_sent < meeting.sequence:
            behind[DeliveryKind.update.value].append(recipient)
    return sum(
        queue_notice(session, meeting=meeting, kind=kind, recipients=recipients, now=now)
        for kind, recipients in behind.items()
        if recipients
    )


def queue_notice(
    session: Session,
    *,
    meeting: Meeting,
    kind: str,
    recipients: Iterable[str],
    now: datetime,
    retry_failed: bool = False,
) -> int:
    """Queue an invite, update or CANCEL about `meeting` at its current SEQUENCE, due now;
    returns how many rows were queued.

    The subject carries the SEQUENCE, so each change is queued once per recipient however
    often this is called; `retry_failed` makes such a row that failed pending again.
    """
    if kind not in NOTICE_KINDS:
        raise ReminderError(f"not a notice kind: {kind!r}")
    subject = f"{kind}:{meeting.id}:{meeting.sequence}"
    wanted = sorted(set(recipients))
    rows = [
        {
            "kind": kind,
            "subject": subject,
            "meeting_id": meeting.id,
            "deadline_id": None,
            "recipient": r,
            "channel": channel_of(r),
            "offset_days": 0,
            "due_at": now,
            "state": DeliveryState.pending.value,
            "attempts": 0,
            "created_at": now,
            "updated_at": now,
        }
        for r in wanted
    ]
    created = _insert_ignore(session, rows)
    if retry_failed:
        failed = session.exec(
            select(Delivery).where(
                Delivery.subject == subject,
                col(Delivery.recipient).in_(wanted),
                Delivery.state == DeliveryState.failed,
            )
        )
        for row in failed:
            row.state, row.due_at, row.updated_at = DeliveryState.pending.value, now, now
            row.attempts, row.last_error = 0, None
            session.add(row)
            created += 1
        session.flush()
    if created:
        _changed_on_commit(session)
    return created


def replan_meetings(
    session: Session, *, meeting_ids: Iterable[str], now: datetime, grace: Grace | None = None
) -> PlanReport:
    report = PlanReport()
    for meeting_id in dict.fromkeys(meeting_ids):
        report.add(replan_meeting(session, meeting_id=meeting_id, now=now, grace=grace))
    return report


def plan(session: Session, *, now: datetime, grace: Grace | None = None) -> PlanReport:
    """Reconcile the whole ledger with every rule and meeting (idempotent)."""
    ids = set(session.exec(select(Meeting.id)))
    ids |= set(session.exec(select(Delivery.meeting_id).distinct()))
    ids.discard("")  # personal reminders and agendas are about no meeting
    return replan_meetings(session, meeting_ids=sorted(ids), now=now, grace=grace)


# --- ledger queries ----------------------------------------------------------------------------


def list_deliveries(
    session: Session,
    *,
    states: Sequence[str] = (),
    due_by: datetime | None = None,
    recipient: str | None = None,
    meeting_id: str | None = None,
    ids: Sequence[int] | None = None,
    limit: int | None = None,
) -> list[Delivery]:
    query = select(Delivery)
    if ids is not None:
        query = query.where(col(Delivery.id).in_(list(ids)))
    if states:
        query = query.where(col(Delivery.state).in_(list(states)))
    if due_by is not None:
        query = query.where(Delivery.due_at <= due_by)
    if recipient:
        query = query.where(Delivery.recipient == recipient)
    if meeting_id:
        query = query.where(Delivery.meeting_id == meeting_id)
    query = query.order_by(col(Delivery.due_at), col(Delivery.id))
    if limit is not None:
        query = query.limit(limit)
    return list(session.exec(query))
