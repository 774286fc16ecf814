"""Question answering's reads: one bounded, indexed query per question (`find_meetings` with a
`MeetingFilter`), counts, and the planner statistics they rely on."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, union
from sqlmodel import Session, col, select

from storage import rows, words
from storage.models import (
    Deadline,
    Meeting,
    MeetingWord,
    Status,
)


@dataclass(frozen=True)
class MeetingFilter:
    """What a question asks for, as SQL conditions; empty fields do not filter.

    Places are alternatives (a meeting matches when its city, country or region does, or its
    country lies in `place_countries`). `words` must each occur somewhere in the meeting's
    title, series, short name or description; `title_words` (kind qualifiers such as
    "subregional") must start a word of its title or series.
    """

    start: date | None = None  # the meeting overlaps [start, end]
    end: date | None = None
    before: date | None = None  # began before this day (the past), or undated and held
    ongoing_or_after: date | None = None  # ends on/after this day, or undated and not yet held
    cities: Sequence[str] = ()
    countries: Sequence[str] = ()
    regions: Sequence[str] = ()
    place_countries: Sequence[str] = ()
    kinds: Sequence[str] = ()
    series: Sequence[str] = ()
    short_names: Sequence[str] = ()
    ordinal: int | None = None
    online: bool | None = None
    statuses: Sequence[str] = ()
    organisations: Sequence[str] = ()  # names as stored in hosts/funders/partners
    org_roles: Sequence[str] = ("hosts", "funders", "partners")
    words: Sequence[str] = ()
    title_words: Sequence[str] = ()
    longest_days: int | None = None  # the longest meeting's span, to bound date scans


NARROW_CAP = 400  # a condition met by at most this many meetings is looked up first
# Above that, up to DRIVE_CAP matches are still read from the word index and sorted; more
# matches than that are dense enough that walking the date (or kind, place) index and checking
# each meeting finds a page of answers sooner.
DRIVE_CAP = 2500


def _place_arms(f: MeetingFilter) -> list[Any]:
    """The place alternatives, one indexable condition each (queried separately, then merged)."""
    arms: list[Any] = []
    if f.cities:
        arms.append(col(Meeting.city).in_(list(f.cities)))
    if f.countries or f.place_countries:
        arms.append(col(Meeting.country).in_([*f.countries, *f.place_countries]))
    if f.regions:
        arms.append(col(Meeting.region).in_(list(f.regions)))
    return arms or [None]


@dataclass(frozen=True)
class _Needle:
    """A rare-looking condition: `ids` selects the meetings meeting it (on its own index);
    `drive` is the condition that reads those ids first, `probe` the one checked per meeting."""

    key: tuple[Any, ...]
    ids: Any
    drive: Any
    probe: Any


def _word_needle(key: tuple[Any, ...], match: list[Any]) -> _Needle:
    ids = select(col(MeetingWord.meeting_id)).where(*match)
    probe = (
        select(col(MeetingWord.meeting_id))
        .where(*match, col(MeetingWord.meeting_id) == col(Meeting.id))
        .exists()
    )
    return _Needle(key, ids, col(Meeting.id).in_(ids), probe)


def _word_match(word: str, fields: Sequence[str]) -> list[Any]:
    """Meeting words starting with `word` in `fields` (an index range)."""
    term = word.lower()[: words.MAX_WORD]
    return [
        col(MeetingWord.field).in_(list(fields)),
        col(MeetingWord.word).between(term, words.prefix_upper(term)),
    ]


def _needles(f: MeetingFilter) -> list[_Needle]:
    """The filter's conditions that usually pick few meetings: words, organisations, short
    names and ordinals (see `_narrowed`)."""
    out: list[_Needle] = []
    for word in f.words:
        out.append(_word_needle(("word", word), _word_match(word, words.TEXT_FIELDS)))
    for word in f.title_words:
        out.append(_word_needle(("title", word), _word_match(word, ("title",))))
    if f.organisations:
        keys = sorted({words.org_key(name) for name in f.organisations})
        match = [col(MeetingWord.field).in_(list(f.org_roles)), col(MeetingWord.word).in_(keys)]
        out.append(_word_needle(("org", *keys, "|", *f.org_roles), match))
    columns: list[tuple[tuple[Any, ...], Any]] = []
    if f.short_names:
        columns.append((("short", *f.short_names), col(Meeting.short_name).in_(f.short_names)))
    if f.ordinal is not None:
        columns.append((("ordinal", f.ordinal), col(Meeting.ordinal) == f.ordinal))
    for key, plain in columns:  # conditions on the meeting itself: the same either way
        out.append(_Needle(key, select(col(Meeting.id)).where(plain), plain, plain))
    return out


def _narrowed(session: Session, f: MeetingFilter) -> tuple[list[Any], set[str] | None]:
    """(conditions, ids): each needle is looked up on its own index, at most NARROW_CAP + 1
    ids. Those met by few meetings are intersected into `ids` (the only meetings that can
    match; None when no needle is that rare); the others become conditions, reading their
    matches first when there are at most DRIVE_CAP, else checked per meeting.

    Lookups are remembered for the session (one question asks several queries)."""
    memo: dict[Any, set[str] | str] = session.info.setdefault("meeting_needles", {})
    conditions: list[Any] = []
    ids: set[str] | None = None
    for needle in _needles(f):
        if needle.key not in memo:
            looked_up = set(session.exec(needle.ids.distinct().limit(NARROW_CAP + 1)))
            if len(looked_up) <= NARROW_CAP:
                memo[needle.key] = looked_up
            else:
                counted = select(func.count()).select_from(
                    needle.ids.limit(DRIVE_CAP + 1).subquery()
                )
                many = int(session.exec(counted).one()) > DRIVE_CAP
                memo[needle.key] = "probe" if many else "drive"
        found = memo[needle.key]
        if found == "probe":
            conditions.append(needle.probe)
        elif found == "drive":
            conditions.append(needle.drive)
        else:
            assert isinstance(found, set)
            ids = set(found) if ids is None else ids & found
    return conditions, ids


def _conditions(session: Session, f: MeetingFilter) -> list[Any] | None:
    """Conditions on everything but the place and the dates; None when nothing can match."""
    c, ids = _narrowed(session, f)
    if ids is not None:
        if not ids:
            return None
        c.append(col(Meeting.id).in_(sorted(ids)))
    if f.kinds:
        c.append(col(Meeting.kind).in_(list(f.kinds)))
    if f.series:
        c.append(col(Meeting.series).in_(list(f.series)))
    if f.online is not None:
        c.append(col(Meeting.online) == f.online)
    if f.statuses:
        c.append(col(Meeting.status).in_(list(f.statuses)))
    return c


def _dated(f: MeetingFilter) -> list[Any]:
    """Date conditions for dated meetings, written so the (start_date, end_date) index bounds
    the scan: a meeting overlapping day d started between d - longest and d."""
    start = col(Meeting.start_date)
    c: list[Any] = [start.is_not(None)]
    lower = [d for d in (f.start, f.ongoing_or_after) if d is not None]
    if lower:
        low = max(lower)
        c.append(col(Meeting.end_date) >= low)
        if f.longest_days is not None:
            c.append(start >= low - timedelta(days=f.longest_days))
    if f.end is not None:
        c.append(start <= f.end)
    if f.before is not None:
        c.append(start < f.before)
    return c


def _undated(f: MeetingFilter) -> list[Any] | None:
    """Conditions for meetings without dates, or None when the question rules them out."""
    if f.start is not None or f.end is not None:
        return None  # nothing is known to fall in a date range
    c: list[Any] = [col(Meeting.start_date).is_(None)]
    if f.before is not None:
        c.append(col(Meeting.status) == Status.held.value)
    if f.ongoing_or_after is not None:
        c.append(col(Meeting.status).not_in([Status.held.value, Status.cancelled.value]))
    return c


def find_meetings(
    session: Session, *, where: MeetingFilter, newest_first: bool = False, limit: int = 50
) -> list[Meeting]:
    """Meetings matching `where`: soonest first (or latest first), undated ones last.

    Rare conditions (words, organisations, short names, ordinals) are looked up first and
    the query then reads only those meetings; each place alternative is its own query (so each
    uses its (column, start_date) index) reading ids and dates only, merged here, and then the
    meetings of the merged page are taken from `storage.rows`; every query is limited.
    """
    common = _conditions(session, where)
    if common is None:
        return []
    start = col(Meeting.start_date)
    order = (start.desc(), col(Meeting.id)) if newest_first else (start, col(Meeting.id))
    arms = _place_arms(where)
    columns: Any = (col(Meeting.id), start)  # the page first, then its rows (storage.rows)
    dated: dict[str, Any] = {}
    for arm in arms:
        conditions = [*common, *_dated(where), *([arm] if arm is not None else [])]
        query = select(*columns).where(*conditions).order_by(*order).limit(limit)
        for row in session.exec(query):
            dated[row.id] = row
    page = sorted(dated.values(), key=lambda m: (m.start_date or date.min, m.id))
    if newest_first:
        page.sort(key=lambda m: m.start_date or date.min, reverse=True)
    page = page[:limit]
    undated = _undated(where) if len(page) < limit else None
    if undated is not None:
        rest: dict[str, Any] = {}
        for arm in arms:
            conditions = [*common, *undated, *([arm] if arm is not None else [])]
            query = select(*columns).where(*conditions).order_by(col(Meeting.id)).limit(limit)
            rest.update((row.id, row) for row in session.exec(query))
        page.extend(sorted(rest.values(), key=lambda m: m.id)[: limit - len(page)])
    return rows.meetings(session, [row.id for row in page])


def count_where(session: Session, *, where: MeetingFilter) -> int:
    """How many meetings match `where` (place alternatives counted once). Dated and undated
    meetings are counted apart (they never overlap), each with one index range per place."""
    common = _conditions(session, where)
    if common is None:
        return 0
    total = 0
    for dates in (_dated(where), _undated(where)):
        if dates is None:
            continue
        arms = [
            [*common, *dates, *([arm] if arm is not None else [])] for arm in _place_arms(where)
        ]
        if len(arms) == 1:
            query = select(func.count()).select_from(Meeting).where(*arms[0])
        else:
            selects = [select(col(Meeting.id)).where(*conditions) for conditions in arms]
            query = select(func.count()).select_from(union(*selects).subquery())
        total += int(session.exec(query).one())
    return total


def refresh_statistics(engine: Any) -> None:
    """Let SQLite's planner know the table (which index narrows most); PostgreSQL's autovacuum
    does this by itself."""
    if engine.dialect.name == "sqlite":
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE meeting")
            conn.exec_driver_sql("ANALYZE meeting_word")


def longest_meeting_days(session: Session) -> int:
    """The most days any meeting spans (bounds date-overlap scans); 0 for an empty store."""
    longest = 0
    query = select(col(Meeting.start_date), col(Meeting.end_date)).where(
        col(Meeting.start_date).is_not(None)
    )
    for start, end in session.exec(query):
        if start is not None and end is not None and (end - start).days > longest:
            longest = (end - start).days
    return longest


def find_deadlines(
    session: Session,
    *,
    meeting_ids: Sequence[str] = (),
    kinds: Sequence[str] = (),
    start: date | None = None,
    end: date | None = None,
    newest_first: bool = False,
    limit: int = 200,
) -> list[Deadline]:
    """Deadlines of these meetings (any when empty), of these kinds, due in [start, end]:
    soonest first (or latest first), read on the due-date index, at most `limit`."""
    query = select(Deadline)
    if meeting_ids:
        query = query.where(col(Deadline.meeting_id).in_(list(meeting_ids)))
    if kinds:
        query = query.where(col(Deadline.kind).in_(list(kinds)))
    if start is not None:
        query = query.where(col(Deadline.due_date) >= start)
    if end is not None:
        query = query.where(col(Deadline.due_date) <= end)
    due = col(Deadline.due_date)
    order = (due.desc(), col(Deadline.id).desc()) if newest_first else (due, col(Deadline.id))
    return list(session.exec(query.order_by(*order).limit(limit)))
