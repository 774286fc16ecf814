"""A `Query` as the store's `MeetingFilter`, with its time, and the reads every answer uses."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from functools import cache

from sqlmodel import Session, col, select

from bot.ask.query import Query
from bot.ask.understand import _stem
from bot.ask.words import CONTINENTS, EXTRA_REGIONS, STOPWORDS
from storage import places, search
from storage.models import Meeting

MAX_LIST = 50


def meeting_filter(q: Query, *, words: bool = True) -> search.MeetingFilter:
    return search.MeetingFilter(
        cities=q.cities,
        countries=q.countries,
        regions=q.regions,
        place_countries=q.place_countries,
        kinds=q.kinds,
        series=q.series,
        short_names=q.short_names,
        ordinal=q.ordinal,
        online=q.online,
        statuses=q.statuses,
        organisations=q.organisations,
        org_roles=(q.org_role,) if q.org_role else ("hosts", "funders", "partners"),
        words=q.terms if words else (),
        title_words=q.title_words,
        longest_days=q.longest_days,
    )


def timed(q: Query, f: search.MeetingFilter) -> search.MeetingFilter:
    """The time a list question asks about: its span, else its tense, else any time."""
    if q.span:
        return replace(f, start=q.span.start, end=q.span.end)
    if q.tense == "future" or q.selector == "next":
        return replace(f, ongoing_or_after=q.today)
    if q.tense == "past":
        return replace(f, before=q.today)
    return f


def find(
    session: Session, f: search.MeetingFilter, *, newest_first: bool = False, limit: int = MAX_LIST
) -> list[Meeting]:
    return search.find_meetings(session, where=f, newest_first=newest_first, limit=limit)


def term_score(q: Query, m: Meeting) -> float:
    """How many of the question's leftover words a meeting has: title 3, series or short name
    2, description 1 each."""
    score = 0.0
    title = places.fold(m.title)
    other = places.fold(" ".join(filter(None, (m.series, m.short_name))))
    description = places.fold(m.description or "")
    for term in q.terms:
        if term in title:
            score += 3
        elif term in other:
            score += 2
        elif term in description:
            score += 1
    return score


def with_terms(
    q: Query,
    session: Session,
    f_words: search.MeetingFilter,
    f_plain: search.MeetingFilter,
    *,
    newest_first: bool = False,
    limit: int = MAX_LIST,
) -> tuple[list[Meeting], search.MeetingFilter]:
    """Meetings matching all the question's words; failing that, ranked by the words they have."""
    found = find(session, f_words, newest_first=newest_first, limit=limit)
    if found or not q.terms:
        return found, f_words
    plain = find(session, f_plain, newest_first=newest_first, limit=limit)
    return [m for m in plain if term_score(q, m) > 0], f_plain


def by_ids(session: Session, ids: list[str]) -> list[Meeting]:
    """The meetings of `ids`, in that order (unknown ids left out)."""
    if not ids:
        return []
    rows = {m.id: m for m in session.exec(select(Meeting).where(col(Meeting.id).in_(ids)))}
    return [rows[i] for i in ids if i in rows]


def side(m: Meeting, today: date) -> str:
    """ "past" or "future" (an undated meeting is past only once held)."""
    if m.start_date is None:
        return "past" if m.status == "held" else "future"
    return "future" if (m.end_date or m.start_date) >= today else "past"


def is_past(m: Meeting, today: date) -> bool:
    return side(m, today) == "past"


# a region's adjective and its noun are one word here: "European" meeting, "Europe" question
ADJECTIVES = {"european": "europe", "asian": "asia", "african": "africa", "american": "america"}


def content_words(text: str) -> set[str]:
    return {
        ADJECTIVES.get(w, _stem(w))
        for w in re.findall(r"[a-z0-9]+", places.fold(text))
        if len(w) > 2 and w not in STOPWORDS
    }


@cache
def _region_words() -> frozenset[str]:
    """Words that name regions ("latin", "caribbean", "pacific"...), not "global"."""
    phrases = [*places.REGION_ALIASES, *EXTRA_REGIONS, *CONTINENTS, *places.REGIONS]
    return frozenset(content_words(" ".join(phrases)) - {"global"})


def affinity(asked: set[str], m: Meeting) -> float:
    """How closely a meeting's name fits the question's words: each shared word counts. When
    the question spells out part of the region the name gives, each region word it left out
    counts against: "the Caribbean workshop" is the Caribbean one, not the Latin America and
    the Caribbean one (an alias such as GRULAC spells out nothing, so costs nothing)."""
    named = content_words(f"{m.title} {m.short_name or ''}")
    region_words = named & _region_words()
    penalty = 0.5 * len(region_words - asked) if region_words & asked else 0.0
    return len(asked & named) - penalty


def by_title_words(q: Query, session: Session, *, limit: int = 3) -> list[Meeting]:
    """Meetings whose title has every word of the question (each starting a title word), when
    reading them as kinds, places or short names found nothing: a meeting added as "Bureau
    call on INC7 logistics" is found by those words, whatever "call" or "INC7" mean elsewhere."""
    asked = {w for w in content_words(q.folded) if not w.isdigit()}
    if len(asked) < 2:
        return []
    where = search.MeetingFilter(title_words=tuple(sorted(asked)))
    found = find(session, timed(q, where), limit=limit)
    return found or find(session, where, limit=limit)
