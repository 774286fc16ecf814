"""A person's reminder settings in chat: default offsets ("set my default reminders to 1 day
and 1 week before", "reset my default reminders") and what they have asked for ("what are my
reminders?": zone, defaults, rules, personal reminders and agendas)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot import reminders
from bot.conversation import Answer, Asker
from bot.reminders import digests, personal
from bot.reminders.chat_terms import (
    days_text,
    default_offsets,
    kind_plural,
    offsets_in_words,
    person_key,
    person_zone,
    reply,
)
from bot.settings import Settings
from storage import people, repo
from storage.models import ReminderRule, RuleScope


def set_defaults(
    session: Session,
    text: str,
    g: dict[str, str | None],
    asker: Asker,
    now: datetime,
    settings: Settings,
) -> Answer:
    who = person_key(asker)
    days = offsets_in_words(g["offsets"] or "")
    people.set_default_offsets(session, user_key=who, offsets=days, now=now)
    return reply(
        text, now, "reminder_defaults_set",
        f"OK: when you don't say how long before, I'll remind you {days_text(days)} before, "
        f"at {settings.reminders_time_of_day} ({person_zone(session, who, asker, settings)}).",
    )  # fmt: skip


def clear_defaults(
    session: Session,
    text: str,
    g: dict[str, str | None],
    asker: Asker,
    now: datetime,
    settings: Settings,
) -> Answer:
    who = person_key(asker)
    people.set_default_offsets(session, user_key=who, offsets=None, now=now)
    days = default_offsets(session, who, settings)
    return reply(
        text, now, "reminder_defaults_set",
        f"OK: your default reminders are the secretariat's again: {days_text(days)} before.",
    )  # fmt: skip


def _rule_line(session: Session, rule: ReminderRule) -> str:
    if rule.scope == RuleScope.meeting:
        m = repo.get_meeting(session, meeting_id=rule.scope_value)
        what = f"{m.short_name or m.title} ({m.id})" if m else rule.scope_value
    elif rule.scope == RuleScope.region:
        what = f"meetings in {rule.scope_value}"
    elif rule.scope == RuleScope.kind:
        what = kind_plural(rule.scope_value)
    else:
        what = "all meetings"
    if rule.deadlines:
        what = f"deadlines of {what}" if not rule.starts else f"{what} and their deadlines"
    zone = "your zone" if rule.follows_profile else rule.timezone
    return f"• {what}: {days_text(rule.offsets)} before, at {rule.time_of_day:%H:%M} ({zone})"


def show_settings(
    session: Session,
    text: str,
    g: dict[str, str | None],
    asker: Asker,
    now: datetime,
    settings: Settings,
) -> Answer:
    who = person_key(asker)
    person = people.get_person(session, user_key=who)
    profile_zone = asker.timezone or (person.timezone if person else None)
    zone = (
        f"Your time zone: {profile_zone} (from your {asker.platform.capitalize()} profile)."
        if profile_zone
        else f"Your time zone: not known yet, so I use {settings.default_tz}."
    )
    own = person.default_offsets if person else None
    defaults = (
        f"Default reminders: {days_text(own)} before."
        if own
        else f"Default reminders: {days_text(default_offsets(session, who, settings))} before (the "
        "secretariat's; say “set my default reminders to 1 day and 1 week before” to change)."
    )
    rules = [r for r in reminders.list_rules(session, subscriber=who) if r.active]
    notes = personal.lines(session, subscriber=who, now=now)
    agendas = [
        f"• {d.period} agenda, {digests.describe(d)}"
        for d in digests.list_digests(session, subscriber=who)
    ]
    parts = [zone, defaults]
    if rules:
        parts.append("Your reminders:\n" + "\n".join(_rule_line(session, r) for r in rules))
    if notes:
        parts.append(
            "Your personal reminders (“cancel reminder N” drops one):\n" + "\n".join(notes)
        )
    if agendas:
        parts.append("Your agendas:\n" + "\n".join(agendas))
    if not (rules or notes or agendas):
        parts.append("You have no reminders set.")
    return reply(text, now, "reminder_settings", "\n".join(parts))
