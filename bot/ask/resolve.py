"""The meeting a phrase names ("the Moscow bureau meeting", "the next session", "INC7"), read
the way a question is: for commands that take a meeting (reminders, calendars)."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import Engine
from sqlmodel import Session

from bot.ask import single
from bot.ask.understand import understand
from bot.ask.vocabulary import vocabulary
from bot.ask.words import STOPWORDS
from storage import places
from storage.models import Meeting

BY_ID = re.compile(
    r"^(?:tell me (?:more )?about|show(?: me)?|about|what is)\s+([a-z0-9]+(?:-[a-z0-9]+)+)\W*$"
)


def meeting_by_id(session: Session, folded: str) -> Meeting | None:
    """ "tell me about africa-regional-2016" (what a suggestion's button asks): that meeting."""
    m = BY_ID.match(folded)
    return session.get(Meeting, m.group(1)) if m else None


def meeting_named(session: Session, engine: Engine, phrase: str, *, today: date) -> Meeting | None:
    """The best meeting for `phrase`, or None when it names nothing the store has (an unknown
    place or short name is no licence to guess)."""
    q = understand(f"when is {phrase}", vocab=vocabulary(session, engine), today=today)
    if q.unknown_place or q.unknown_names or not q.names_something:
        return None
    found = single.ranked(q, session)
    if not found or _names_another_place(phrase, found[0]):
        return None
    return found[0]


def _names_another_place(phrase: str, m: Meeting) -> bool:
    """Does the phrase name a real city or country the meeting is not in ("paris-regional")?
    Commands are often typed in lower case, which the question reader does not take for a
    place name."""
    for word in re.findall(r"[a-z]{4,}", places.fold(phrase)):
        if word in STOPWORDS:
            continue
        city = places.find_city(word)
        code = places.country_code(word) if city is None else city.country
        if code is None or (city is not None and city.population < 50_000):
            continue
        at = places.fold(f"{m.city or ''} {m.title}")
        if word not in at and code != m.country:
            return True
    return False
