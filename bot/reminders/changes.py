"""Telling people a meeting moved: when its dates or place change, everyone who follows it
(reminder rules that cover it, calendar subscriptions to it, its region, kind, country or
series) gets an `update` notice through the ledger, once per change (the notice's subject
carries the meeting's SEQUENCE). E-mail invitees get theirs as an iMIP update anyway
(`ledger._update_invitees`); a follower who is also an invitee gets one message, not two.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import inspect
from sqlmodel import Session, col, select

from bot.reminders.ledger import _rule_matches, _rules_for, queue_notice
from storage import subscriptions as subs
from storage.models import (
    Delivery,
    DeliveryKind,
    DeliveryState,
    Meeting,
    ReminderRule,
    RuleScope,
    Status,
)

# the facts whose change is worth a message: when and where
WHEN_AND_WHERE = (
    "start_date", "end_date", "start_time", "end_time", "timezone", "precision",
    "city", "country", "venue", "online",
)  # fmt: skip


def moved(meeting: Meeting) -> bool:
    """Whether this session changed the stored meeting's dates or place (read before the
    flush, while SQLAlchemy still holds each attribute's history)."""
    state = inspect(meeting)
    if state.pending or state.transient:
        return False  # a new meeting: nobody followed it yet
    return any(state.attrs[name].history.has_changes() for name in WHEN_AND_WHERE)


def rule_matcher(session: Session) -> Callable[[Meeting], bool]:
    """Whether any active reminder rule covers a meeting, from the rules read once: a new
    meeting no rule covers has nothing to plan (nobody can have been invited to it yet)."""
    rules = list(session.exec(select(ReminderRule).where(col(ReminderRule.active))))
    return lambda meeting: any(_rule_matches(r, meeting) for r in rules)


def followers(session: Session, meeting: Meeting) -> set[str]:
    """Everyone who follows `meeting`: active reminder rules that cover it (less those who
    muted it) and calendar subscriptions that include it."""
    rules = _rules_for(session, meeting)
    muted = {
        r.subscriber
        for r in rules
        if r.scope == RuleScope.meeting and r.scope_value == meeting.id and not r.active
    }
    found = {r.subscriber for r in rules if r.active and _rule_matches(r, meeting)}
    found |= {s.subscriber for s in subs.subscribers_of(session, meeting=meeting)}
    return found - muted


def tell_followers(session: Session, *, meeting: Meeting, now: datetime) -> int:
    """Queue an `update` for the followers of a meeting that moved; returns rows queued.
    Nothing for a cancelled meeting (its CANCEL says it), one that is over, or a follower
    whose earlier update is still waiting (it is rendered from the facts when sent)."""
    if meeting.status == Status.cancelled:
        return 0
    if meeting.end_date is not None and meeting.end_date < now.date():
        return 0
    recipients = followers(session, meeting)
    if not recipients:
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
    return queue_notice(
        session, meeting=meeting, kind=DeliveryKind.update.value,
        recipients=recipients - waiting, now=now,
    )  # fmt: skip
