"""The names a question can use, built from the store and cached until the meetings change.

Cities, countries, series, short names, organisations (hosts, funders, partners) and the words
of titles and descriptions (the `meeting_word` index). The cache is rebuilt when a flush in this
process touches a meeting (an SQLAlchemy event) and, for changes made by other processes, when
`subscriptions.meetings_version` (a one-row read) changes, checked at most every
`RECHECK_SECONDS`.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, event, func
from sqlmodel import Session, col, select

from storage import places, search, subscriptions
from storage import words as storage_words
from storage.importers.enrich.names import spelled_out
from storage.models import Meeting, MeetingWord

RECHECK_SECONDS = 5.0


def squash(text: str) -> str:
    """'INC 7', 'inc-7', 'INC.7' → 'inc7'."""
    return re.sub(r"[^a-z0-9]", "", places.fold(text))


@dataclass(frozen=True)
class Vocabulary:
    cities: dict[str, str]  # folded name → name as stored
    countries: frozenset[str]  # alpha-2 codes of meeting countries
    series: dict[str, str]  # folded → as stored
    short_names: dict[str, str]  # squashed → as stored
    organisations: dict[str, str]  # folded → as stored
    org_roles: dict[str, frozenset[str]]  # stored name → {"hosts", "funders", "partners"}
    words: frozenset[str] = field(default_factory=frozenset)  # title/series/description words
    longest_days: int = 0  # the longest meeting, in days after its first
    series_names: dict[str, str] = field(default_factory=dict)  # folded long form → series


def build(session: Session) -> Vocabulary:
    def distinct(column: Any) -> list[str]:
        rows = session.exec(select(column).where(column.is_not(None)).distinct())
        return [r for r in rows if r]

    cities = {places.fold(c): c for c in distinct(col(Meeting.city))}
    countries = frozenset(distinct(col(Meeting.country)))
    series = {places.fold(s): s for s in distinct(col(Meeting.series))}
    short_names = {squash(s): s for s in distinct(col(Meeting.short_name))}
    organisations: dict[str, str] = {}
    roles: dict[str, set[str]] = {}
    role_field = col(MeetingWord.field).in_(storage_words.ROLES)
    # the stored spelling of each organisation: the lists of one meeting that names it
    one_each = (
        select(func.min(MeetingWord.meeting_id))
        .where(role_field)
        .group_by(col(MeetingWord.field), col(MeetingWord.word))
    )
    spelling: dict[str, str] = {}
    lists = session.exec(  # no DISTINCT: PostgreSQL has no equality for json
        select(col(Meeting.hosts), col(Meeting.funders), col(Meeting.partners)).where(
            col(Meeting.id).in_(one_each)
        )
    )
    for row in lists:
        for names in row:
            spelling.update((storage_words.org_key(n), n) for n in names or [] if n)
    pairs = session.exec(select(MeetingWord.field, MeetingWord.word).where(role_field).distinct())
    for role, key in pairs:
        name = spelling.get(key)
        if name:
            organisations[places.fold(name)] = name
            roles.setdefault(name, set()).add(role)
    words = session.exec(  # the word index's words (an index-only scan)
        select(col(MeetingWord.word))
        .where(col(MeetingWord.field).in_(storage_words.TEXT_FIELDS))
        .distinct()
    )
    return Vocabulary(
        series_names=_series_names(session, list(series.values())),
        cities=cities,
        countries=countries,
        series=series,
        short_names=short_names,
        organisations=organisations,
        org_roles={k: frozenset(v) for k, v in roles.items()},
        words=frozenset(words),
        longest_days=search.longest_meeting_days(session),
    )


SERIES_TITLES = 5  # titles read per series to find what its short form stands for


def _series_names(session: Session, series: list[str]) -> dict[str, str]:
    """What each abbreviated series stands for, as its meetings' titles spell it out ("COP":
    "conference of the parties", "INC": "intergovernmental negotiating committee")."""
    out: dict[str, str] = {}
    for name in series:
        if not re.fullmatch(r"[A-Z][A-Za-z]*[A-Z][A-Za-z]*", name):
            continue
        titles = session.exec(
            select(col(Meeting.title)).where(col(Meeting.series) == name).limit(SERIES_TITLES)
        )
        for title in titles:
            spelled = spelled_out(name, title)
            if spelled:
                out.setdefault(places.fold(spelled), name)
    return out


@dataclass
class _Entry:
    vocabulary: Vocabulary
    version: Any
    generation: int
    checked: float


_cache: dict[str, _Entry] = {}
_lock = threading.Lock()
_generation = 0


@event.listens_for(Session, "after_flush")
def _meetings_changed(session: Session, _context: Any) -> None:
    global _generation
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Meeting):
            _generation += 1
            return


def vocabulary(session: Session, engine: Engine) -> Vocabulary:
    """The cached vocabulary of `engine`'s store, rebuilt when the meetings changed."""
    entry = _current(session, engine)
    if entry is not None:
        return entry.vocabulary
    key = _key(engine)
    version = subscriptions.meetings_version(session)
    with _lock:
        entry = _cache.get(key)
        if entry is None or entry.version != version:
            search.refresh_statistics(engine)
        fresh = _Entry(build(session), version, _generation, time.monotonic())
        _cache[key] = fresh
    return fresh.vocabulary


def is_current(session: Session, engine: Engine) -> bool:
    """Whether `vocabulary` would answer from the cache: rebuilding takes a second or two at
    100,000 meetings (and writes SQLite's planner statistics)."""
    return _current(session, engine) is not None


def _current(session: Session, engine: Engine) -> _Entry | None:
    entry = _cache.get(_key(engine))
    if entry is None or entry.generation != _generation:
        return None
    now = time.monotonic()
    if now - entry.checked < RECHECK_SECONDS:
        return entry
    if entry.version != subscriptions.meetings_version(session):
        return None
    entry.checked = now
    return entry


def _key(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def clear() -> None:
    _cache.clear()
