"""Keyword-only queries and writes on the store. Callers own the session and its transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import func, or_, union
from sqlmodel import Session, col, select

from storage import places, words
from storage.models import (
    Deadline,
    DeadlineData,
    Meeting,
    MeetingData,
    MeetingWord,
    Precision,
    Status,
    meeting_data,
    table_values,
)


class NotFound(LookupError):
    pass


def get_meeting(session: Session, *, meeting_id: str) -> Meeting | None:
    return session.get(Meeting, meeting_id)


def require_meeting(session: Session, *, meeting_id: str) -> Meeting:
    meeting = get_meeting(session, meeting_id=meeting_id)
    if meeting is None:
        raise NotFound(f"no meeting with id {meeting_id!r}")
    return meeting


def list_meetings(
    session: Session,
    *,
    start: date | None = None,
    end: date | None = None,
    kinds: Sequence[str] = (),
    regions: Sequence[str] = (),
    countries: Sequence[str] = (),
    series: Sequence[str] = (),
    statuses: Sequence[str] = (),
    dated_only: bool = False,
    limit: int | None = None,
) -> list[Meeting]:
    """Meetings overlapping [start, end] (either bound optional), soonest first, undated last.

    With a date bound, undated meetings are left out: nothing is known to fall in the range.
    """
    query = select(Meeting)
    if start is not None:
        query = query.where(col(Meeting.end_date) >= start)
    if end is not None:
        query = query.where(col(Meeting.start_date) <= end)
    if dated_only:
        query = query.where(col(Meeting.start_date).is_not(None))
    if kinds:
        query = query.where(col(Meeting.kind).in_(list(kinds)))
    if regions:
        query = query.where(col(Meeting.region).in_(list(regions)))
    if countries:
        query = query.where(col(Meeting.country).in_(list(countries)))
    if series:
        query = query.where(func.lower(col(Meeting.series)).in_([s.lower() for s in series]))
    if statuses:
        query = query.where(col(Meeting.status).in_(list(statuses)))
    if dated_only or start is not None or end is not None:
        # no undated rows can match: a plain order lets the date index serve it (100k: 380 → 7 ms)
        query = query.order_by(col(Meeting.start_date), col(Meeting.id))
    else:
        query = query.order_by(
            col(Meeting.start_date).is_(None), col(Meeting.start_date), col(Meeting.id)
        )
    if limit is not None:
        query = query.limit(limit)
    return list(session.exec(query))


def count_meetings(session: Session) -> int:
    return session.exec(select(func.count()).select_from(Meeting)).one()


@dataclass
class UpsertResult:
    new: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "new": len(self.new),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
        }


def _existing(session: Session, data: MeetingData) -> Meeting | None:
    assert data.id is not None
    found = session.get(Meeting, data.id)
    if found is None and data.uid:
        found = session.exec(select(Meeting).where(Meeting.uid == data.uid)).first()
    return found


def upsert_meeting(session: Session, *, data: MeetingData, now: datetime) -> tuple[Meeting, str]:
    """Insert or update one meeting keyed on id, then UID; returns (row, new|updated|unchanged).

    Every real change raises the iCalendar SEQUENCE by one.
    """
    meeting = _existing(session, data)
    if meeting is None:
        assert data.id is not None and data.uid is not None
        meeting = Meeting(
            id=data.id,
            uid=data.uid,
            sequence=data.sequence,
            created_at=now,
            updated_at=now,
            **table_values(data),
        )
        session.add(meeting)
        return meeting, "new"
    if meeting.apply(data):
        meeting.sequence += 1
        meeting.updated_at = now
        session.add(meeting)
        return meeting, "updated"
    return meeting, "unchanged"


def upsert_meetings(
    session: Session, *, items: Iterable[MeetingData], now: datetime
) -> UpsertResult:
    result = UpsertResult()
    for data in items:
        meeting, outcome = upsert_meeting(session, data=data, now=now)
        getattr(result, outcome).append(meeting.id)
    session.flush()
    return result


def cancel_meeting(session: Session, *, meeting_id: str, now: datetime) -> Meeting:
    meeting = require_meeting(session, meeting_id=meeting_id)
    if meeting.status != Status.cancelled:
        meeting.status = Status.cancelled.value
        meeting.sequence += 1
        meeting.updated_at = now
        session.add(meeting)
    return meeting


def find_meetings_text(session: Session, *, text: str, limit: int = 20) -> list[Meeting]:
    """Meetings whose id, short name, title or city contains `text` (case-insensitive)."""
    like = f"%{text.lower()}%"
    query = (
        select(Meeting)
        .where(
            or_(
                func.lower(col(Meeting.id)).like(like),
                func.lower(col(Meeting.short_name)).like(like),
                func.lower(col(Meeting.title)).like(like),
                func.lower(col(Meeting.city)).like(like),
            )
        )
        .limit(limit)
    )
    return list(session.exec(query))


def add_deadline(session: Session, *, data: DeadlineData, now: datetime) -> Deadline:
    require_meeting(session, meeting_id=data.meeting_id)
    existing = session.exec(
        select(Deadline).where(
            Deadline.meeting_id == data.meeting_id,
            Deadline.kind == data.kind.value,
            Deadline.title == data.title,
        )
    ).first()
    deadline = existing or Deadline(
        meeting_id=data.meeting_id, title=data.title, created_at=now, updated_at=now,
        due_date=data.due_date,
    )  # fmt: skip
    deadline.kind = data.kind.value
    deadline.due_date = data.due_date
    deadline.due_time = data.due_time
    deadline.updated_at = now
    session.add(deadline)
    session.flush()
    return deadline


def list_deadlines(
    session: Session,
    *,
    meeting_ids: Sequence[str] = (),
    start: date | None = None,
    end: date | None = None,
) -> list[Deadline]:
    query = select(Deadline)
    if meeting_ids:
        query = query.where(col(Deadline.meeting_id).in_(list(meeting_ids)))
    if start is not None:
        query = query.where(col(Deadline.due_date) >= start)
    if end is not None:
        query = query.where(col(Deadline.due_date) <= end)
    return list(session.exec(query.order_by(col(Deadline.due_date), col(Deadline.id))))


def data_version(session: Session) -> tuple[int, datetime | None]:
    """(meeting count, latest change): changes whenever any meeting does."""
    count, latest = session.exec(
        select(func.count(), func.max(col(Meeting.updated_at))).select_from(Meeting)
    ).one()
    return int(count), latest


def _same_place(meeting: Meeting, data: MeetingData) -> bool:
    if meeting.city and data.city:
        if places.fold(meeting.city) == places.fold(data.city):
            return True
        a = places.find_city(meeting.city, meeting.country)
        return a is not None and a == places.find_city(data.city, data.country)
    if meeting.online and data.online:
        return True
    if not meeting.city and not data.city:
        return bool(meeting.country) and meeting.country == data.country
    return False


def _same_start(meeting: Meeting, data: MeetingData) -> bool:
    if meeting.start_date is None or data.start is None:
        return False
    if meeting.start_date == data.start:
        return True
    month_only = Precision.month in (meeting.precision, data.precision)
    return month_only and (meeting.start_date.year, meeting.start_date.month) == (
        data.start.year,
        data.start.month,
    )


def find_matching_meeting(session: Session, *, data: MeetingData) -> Meeting | None:
    """The stored meeting a document's meeting is about.

    Tried in turn: the same series and ordinal; the same ordinal and kind with a series spelt
    alike or in the same city; the same short name; else the same start date and place (a
    month-only date matches days in that month), and among several the one with the same end
    date, then kind, then the closest title."""
    if data.series and data.ordinal:
        found = session.exec(
            select(Meeting).where(
                func.lower(col(Meeting.series)) == data.series.lower(),
                Meeting.ordinal == data.ordinal,
            )
        ).first()
        if found is not None:
            return found
    if data.ordinal:  # the same ordinal of a series the store spells differently
        for m in session.exec(
            select(Meeting).where(Meeting.ordinal == data.ordinal, Meeting.kind == data.kind.value)
        ):
            same_series = fuzz.token_set_ratio((m.series or "").lower(),
                                               (data.series or "").lower()) >= 60  # fmt: skip
            if same_series or (m.city and data.city and _same_place(m, data)):
                return m
    if data.short_name:
        named = list(
            session.exec(
                select(Meeting).where(
                    func.lower(col(Meeting.short_name)) == data.short_name.lower()
                )
            )
        )
        if len(named) == 1:
            return named[0]
    if data.start is None or data.end is None:
        return None
    window_start = data.start.replace(day=1)
    candidates = [
        m
        for m in list_meetings(session, start=window_start, end=data.end)
        if _same_start(m, data) and _same_place(m, data)
    ]
    if not candidates:
        return None

    def score(m: Meeting) -> tuple[bool, bool, float]:
        return (
            m.end_date == data.end,
            m.kind == data.kind.value,
            fuzz.token_set_ratio(m.title.lower(), data.title.lower()),
        )

    return max(candidates, key=score)


def upsert_found_meeting(
    session: Session, *, data: MeetingData, now: datetime
) -> tuple[Meeting, str]:
    """Store a meeting read from a document: merged into the meeting it matches (see
    storage.merge), else inserted under a free id. Returns (row, new|updated|unchanged)."""
    from storage.merge import merge_found

    existing = find_matching_meeting(session, data=data)
    if existing is not None:
        merged = merge_found(meeting_data(existing), data)
        return upsert_meeting(session, data=merged, now=now)
    assert data.id is not None
    free, n = data.id, 2
    while session.get(Meeting, free) is not None:
        free, n = f"{data.id}-{n}", n + 1
    if free != data.id:
        data = data.model_copy(update={"id": free, "uid": f"{free}@secbot"})
    return upsert_meeting(session, data=data, now=now)


# --- question answering: one bounded, indexed query per question ------------------------------


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


def _by_ids(session: Session, ids: list[str]) -> list[Meeting]:
    """Full rows of `ids`, in that order."""
    if not ids:
        return []
    rows = {m.id: m for m in session.exec(select(Meeting).where(col(Meeting.id).in_(ids)))}
    return [rows[i] for i in ids if i in rows]


def find_meetings(
    session: Session, *, where: MeetingFilter, newest_first: bool = False, limit: int = 50
) -> list[Meeting]:
    """Meetings matching `where`: soonest first (or latest first), undated ones last.

    Rare conditions (words, organisations, short names, ordinals) are looked up first and
    the query then reads only those meetings; each place alternative is its own query (so each
    uses its (column, start_date) index) reading ids and dates only, merged here, and then the
    full rows of the merged page are read; every query is limited.
    """
    common = _conditions(session, where)
    if common is None:
        return []
    start = col(Meeting.start_date)
    order = (start.desc(), col(Meeting.id)) if newest_first else (start, col(Meeting.id))
    arms = _place_arms(where)
    several = len(arms) > 1  # read the ids first, so no row is read twice or in vain
    columns: Any = (col(Meeting.id), start) if several else (Meeting,)
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
    undated = _undated(where)
    if len(page) < limit and undated is not None:
        rest: dict[str, Any] = {}
        for arm in arms:
            conditions = [*common, *undated, *([arm] if arm is not None else [])]
            query = select(*columns).where(*conditions).order_by(col(Meeting.id)).limit(limit)
            rest.update((row.id, row) for row in session.exec(query))
        page.extend(sorted(rest.values(), key=lambda m: m.id)[: limit - len(page)])
    return _by_ids(session, [row.id for row in page]) if several else page


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
