"""Keyword-only reads and writes of `Person` rows (a person's zone and default offsets).

Callers own the session and its transaction (as in storage/repo.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session

from storage.models import Person


def get_person(session: Session, *, user_key: str) -> Person | None:
    """One primary-key read."""
    return session.get(Person, user_key)


def _person(session: Session, *, user_key: str, now: datetime) -> Person:
    person = session.get(Person, user_key)
    if person is None:
        person = Person(user_key=user_key, created_at=now, updated_at=now)
    return person


def set_timezone(session: Session, *, user_key: str, timezone: str, now: datetime) -> Person:
    """Record the zone a person's profile gives (creating the person if new)."""
    person = _person(session, user_key=user_key, now=now)
    person.timezone, person.updated_at = timezone, now
    session.add(person)
    session.flush()
    return person


def set_default_offsets(
    session: Session, *, user_key: str, offsets: Sequence[int] | None, now: datetime
) -> Person:
    """Store a person's default offsets (days before); None or empty goes back to the global
    setting."""
    person = _person(session, user_key=user_key, now=now)
    person.default_offsets = sorted(set(offsets)) if offsets else None
    person.updated_at = now
    session.add(person)
    session.flush()
    return person
