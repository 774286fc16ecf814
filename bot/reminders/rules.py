"""Who wants reminding: adding, muting, listing and removing rules, and moving a person's
rules when their profile zone changes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time

from sqlmodel import Session, col, select

from bot.reminders.ledger import PlanReport, replan_meeting, replan_meetings
from bot.reminders.terms import PLANNED_KINDS, ReminderError, check_zone
from storage import places, repo
from storage.models import (
    DeadlineKind,
    Delivery,
    DeliveryState,
    Kind,
    Meeting,
    ReminderRule,
    RuleScope,
)


def scope_value_for(session: Session, scope: str, value: str | None) -> str:
    """Check and normalise a rule's scope value (meeting id, region name, kind)."""
    if scope == RuleScope.all:
        return ""
    if not value:
        raise ReminderError(f"--{scope} needs a value")
    if scope == RuleScope.meeting:
        repo_meeting = repo.get_meeting(session, meeting_id=value)
        if repo_meeting is None:
            raise ReminderError(f"no meeting with id {value!r} (see `secbot meetings list`)")
        return repo_meeting.id
    if scope == RuleScope.region:
        region = places.region_name(value)
        if region is None:
            raise ReminderError(f"unknown region {value!r}; one of {', '.join(places.REGIONS)}")
        return region
    if scope == RuleScope.kind:
        kind = value.strip().lower().replace(" ", "_").replace("-", "_")
        if kind not in Kind.__members__:
            kind = kind.removesuffix("s")  # "workshops" → "workshop"
        if kind not in Kind.__members__:
            raise ReminderError(f"unknown kind {value!r}; one of {', '.join(Kind.__members__)}")
        return kind
    raise ReminderError(f"unknown scope {scope!r}")


def add_rule(
    session: Session,
    *,
    subscriber: str,
    scope: str,
    scope_value: str | None,
    offsets: Sequence[int],
    now: datetime,
    timezone: str,
    time_of_day: time = time(9, 0),
    starts: bool = True,
    deadlines: bool = False,
    deadline_kinds: Sequence[str] = (),
    follows_profile: bool = False,
) -> ReminderRule:
    """Create or replace (and reactivate) a subscriber's rule for one scope, then plan.

    `follows_profile`: `timezone` is the person's profile zone and moves when it changes
    (`rezone_rules`); otherwise the zone was given explicitly and stays."""
    value = scope_value_for(session, scope, scope_value)
    check_zone(timezone)
    for k in deadline_kinds:
        if k not in DeadlineKind.__members__:
            raise ReminderError(f"unknown deadline kind {k!r}")
    if not offsets:
        raise ReminderError("give at least one offset")
    if not starts and not deadlines:
        raise ReminderError("a rule must remind of meeting starts, deadlines or both")
    rule = session.exec(
        select(ReminderRule).where(
            ReminderRule.subscriber == subscriber,
            ReminderRule.scope == scope,
            ReminderRule.scope_value == value,
        )
    ).first()
    if rule is None:
        rule = ReminderRule(
            subscriber=subscriber, scope=scope, scope_value=value, timezone=timezone,
            created_at=now, updated_at=now,
        )  # fmt: skip
    rule.offsets = sorted(set(offsets))
    rule.starts, rule.deadlines = starts, deadlines
    rule.deadline_kinds = list(deadline_kinds)
    rule.time_of_day, rule.timezone = time_of_day, timezone
    rule.follows_profile = follows_profile
    rule.active, rule.updated_at = True, now
    session.add(rule)
    session.flush()
    _replan_for_rule(session, rule=rule, now=now)
    return rule


def mute_meeting(session: Session, *, subscriber: str, meeting_id: str, now: datetime) -> None:
    """Stop reminding `subscriber` about one meeting, whatever rule brought it in: an inactive
    meeting-scoped rule is a mute that beats region/kind/all rules."""
    value = scope_value_for(session, RuleScope.meeting, meeting_id)
    rule = session.exec(
        select(ReminderRule).where(
            ReminderRule.subscriber == subscriber,
            ReminderRule.scope == RuleScope.meeting.value,
            ReminderRule.scope_value == value,
        )
    ).first()
    if rule is None:
        rule = ReminderRule(
            subscriber=subscriber, scope=RuleScope.meeting.value, scope_value=value,
            timezone="UTC", created_at=now, updated_at=now,  # a mute's zone is never read
        )  # fmt: skip
    rule.active, rule.updated_at = False, now
    session.add(rule)
    session.flush()
    replan_meeting(session, meeting_id=value, now=now)


def unsubscribe(session: Session, *, subscriber: str, now: datetime) -> list[ReminderRule]:
    """Deactivate every rule of `subscriber`; their pending reminders are skipped."""
    rules = list(
        session.exec(
            select(ReminderRule).where(
                ReminderRule.subscriber == subscriber, col(ReminderRule.active).is_(True)
            )
        )
    )
    for rule in rules:
        rule.active, rule.updated_at = False, now
        session.add(rule)
    session.flush()
    if rules:
        pending = session.exec(
            select(Delivery.meeting_id)
            .where(Delivery.recipient == subscriber, Delivery.state == DeliveryState.pending)
            .distinct()
        )
        replan_meetings(session, meeting_ids=list(pending), now=now)
    return rules


def rezone_rules(session: Session, *, subscriber: str, timezone: str, now: datetime) -> PlanReport:
    """Move `subscriber`'s rules that follow their profile zone to `timezone`, and their
    pending reminders with them. Sent rows stay as they are: they are owed again only when
    their subject's date moves (see `_owed_again`). Rules with an explicit zone are left."""
    check_zone(timezone)
    rules = list(
        session.exec(
            select(ReminderRule).where(
                ReminderRule.subscriber == subscriber,
                col(ReminderRule.follows_profile).is_(True),
                ReminderRule.timezone != timezone,
            )
        )
    )
    if not rules:
        return PlanReport()
    for rule in rules:
        rule.timezone, rule.updated_at = timezone, now
        session.add(rule)
    session.flush()
    ids = {r.scope_value for r in rules if r.active and r.scope == RuleScope.meeting}
    ids |= set(
        session.exec(
            select(Delivery.meeting_id)
            .where(
                Delivery.recipient == subscriber,
                Delivery.state == DeliveryState.pending,
                col(Delivery.kind).in_(PLANNED_KINDS),
            )
            .distinct()
        )
    )
    return replan_meetings(session, meeting_ids=sorted(ids), now=now)


def list_rules(session: Session, *, subscriber: str | None = None) -> list[ReminderRule]:
    query = select(ReminderRule)
    if subscriber:
        query = query.where(ReminderRule.subscriber == subscriber)
    return list(session.exec(query.order_by(col(ReminderRule.id))))


def remove_rule(session: Session, *, rule_id: int, now: datetime) -> ReminderRule:
    rule = session.get(ReminderRule, rule_id)
    if rule is None:
        raise ReminderError(f"no reminder rule with id {rule_id}")
    rule.active, rule.updated_at = False, now
    session.add(rule)
    session.flush()
    _replan_for_rule(session, rule=rule, now=now)
    return rule


def _replan_for_rule(session: Session, *, rule: ReminderRule, now: datetime) -> None:
    if rule.scope == RuleScope.meeting:
        replan_meeting(session, meeting_id=rule.scope_value, now=now)
        return
    query = select(Meeting.id)
    if rule.scope == RuleScope.region:
        query = query.where(Meeting.region == rule.scope_value)
    elif rule.scope == RuleScope.kind:
        query = query.where(Meeting.kind == rule.scope_value)
    replan_meetings(session, meeting_ids=list(session.exec(query)), now=now)
