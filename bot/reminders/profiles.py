"""A person's reminder preferences: the zone their chat profile gives, and default offsets.

Whenever someone talks to the bot in Slack or Teams, `observe` compares the zone their profile
gives (`Asker.timezone`) with the one stored for them (`Person`, one primary-key read) and writes
only when it is new or changed. A change moves the rules that follow the profile
(`ReminderRule.follows_profile`) to the new zone, and their pending reminders with them; rules
made with an explicit zone (`secbot reminders add --tz`, channel rules) stay where they are.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot import reminders
from bot.conversation import Asker
from bot.settings import Settings
from storage import people, places

log = logging.getLogger(__name__)

PROFILE_PLATFORMS = ("slack", "teams")  # surfaces whose users have a profile with a zone


def _valid(zone: str | None) -> bool:
    return places.zone(zone) is not None


def observe(engine: Engine, asker: Asker, *, now: datetime) -> bool:
    """Record the asker's profile zone if it is new or changed; True when something was
    written. Costs one primary-key read when nothing changed."""
    key = asker.key
    if asker.platform not in PROFILE_PLATFORMS or key is None or not _valid(asker.timezone):
        return False
    assert asker.timezone is not None
    with Session(engine, expire_on_commit=False) as session:
        person = people.get_person(session, user_key=key)
        if person is not None and person.timezone == asker.timezone:
            return False
        try:
            follow_zone(session, user_key=key, timezone=asker.timezone, now=now)
            session.commit()
        except IntegrityError:  # the same person's first two messages raced: one wins
            session.rollback()
            return False
    return True


def follow_zone(
    session: Session, *, user_key: str, timezone: str, now: datetime
) -> reminders.PlanReport:
    """Store `timezone` as the person's profile zone and move the rules that follow it."""
    people.set_timezone(session, user_key=user_key, timezone=timezone, now=now)
    report = reminders.rezone_rules(session, subscriber=user_key, timezone=timezone, now=now)
    if report.moved:
        log.info("%s moved to %s: %d pending reminder(s) moved", user_key, timezone, report.moved)
    return report


def zone_for(session: Session, *, user_key: str, asker_zone: str | None, default: str) -> str:
    """The zone a person's new rule starts in: what their profile gives now, else what it gave
    last, else the default (the rule follows the profile, so it moves once that is known)."""
    if _valid(asker_zone):
        assert asker_zone is not None
        return asker_zone
    person = people.get_person(session, user_key=user_key)
    return person.timezone if person and person.timezone else default


def default_offsets(session: Session, *, user_key: str, settings: Settings) -> list[int]:
    """The person's default offsets (days before), else SECBOT_REMINDERS_BEFORE."""
    person = people.get_person(session, user_key=user_key)
    if person is not None and person.default_offsets:
        return list(person.default_offsets)
    return reminders.parse_offsets(settings.reminders_before)
