"""How a meeting read from a document is merged into the stored one it matches.

The store holds curated data (the seed's ids, titles, partners and descriptions, an admin's
edits); a document states facts that may be newer. The rule:

- **identity and curation stay**: id, uid, title, short name, kind, series, ordinal, region,
  venue, description, partners and source keep their stored value; the document only fills
  them when the store has none (a stored kind "other" counts as none).
- **stated facts win**: dates, when the document gives days (a month-only date never replaces
  days within that month); the place (city, country, time zone, online) when the document
  names one.
- **status only moves forward** (planned → confirmed → held), except that a document saying
  postponed or cancelled is believed, and so is one that reschedules a postponed meeting.
- **hosts and funders are united**: stored names first, new ones appended (a country named
  twice, "Netherlands" / "the Netherlands", counts once).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import func
from sqlmodel import Session, col, select

from storage import places
from storage.models import Meeting, MeetingData, Precision, Status, default_uid, meeting_data
from storage.repo import list_meetings, upsert_meeting

_CURATED = ("title", "short_name", "series", "ordinal", "region", "venue", "description")
_FORWARD = {Status.planned: 0, Status.confirmed: 1, Status.held: 2}


def _same_name(a: str, b: str) -> bool:
    code_a, code_b = (
        places.country_code(a.removeprefix("the ")),
        places.country_code(b.removeprefix("the ")),
    )
    return (code_a is not None and code_a == code_b) or places.fold(a) == places.fold(b)


def _union(stored: list[str], found: list[str]) -> list[str]:
    out = list(stored)
    for name in found:
        if not any(_same_name(name, kept) for kept in out):
            out.append(name)
    return out


def _status(stored: Status, found: Status) -> Status:
    if found in (Status.postponed, Status.cancelled):
        return found
    if stored in (Status.postponed, Status.cancelled):
        return found
    return found if _FORWARD[found] > _FORWARD[stored] else stored


def merge_found(stored: MeetingData, found: MeetingData) -> MeetingData:
    """The stored meeting updated with what a document says about it (rules above)."""
    merged: dict[str, Any] = stored.model_dump()
    for key in _CURATED:
        if merged.get(key) in (None, ""):
            merged[key] = getattr(found, key)
    if stored.kind == "other":
        merged["kind"] = found.kind
    if not stored.partners:
        merged["partners"] = list(found.partners)
    if not stored.source.document:
        merged["source"] = found.source.model_dump()
    month_inside = (
        found.precision == Precision.month
        and stored.precision == Precision.day
        and stored.start is not None
        and found.start is not None
        and (stored.start.year, stored.start.month) == (found.start.year, found.start.month)
    )
    if found.start is not None and not month_inside:
        merged.update(start=found.start, end=found.end, precision=found.precision)
    if found.city or found.country or found.online:
        merged.update(
            city=found.city or (stored.city if found.country == stored.country else None),
            country=found.country,
            timezone=found.timezone or stored.timezone,
            online=found.online,
        )
        if found.venue:
            merged["venue"] = found.venue
    merged["status"] = _status(stored.status, found.status)
    merged["hosts"] = _union(stored.hosts, found.hosts)
    merged["funders"] = _union(stored.funders, found.funders)
    return MeetingData.model_validate(merged)


# --- finding the stored meeting a document's meeting is about --------------------------------


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
    existing = find_matching_meeting(session, data=data)
    if existing is not None:
        merged = merge_found(meeting_data(existing), data)
        return upsert_meeting(session, data=merged, now=now)
    assert data.id is not None
    free, n = data.id, 2
    while session.get(Meeting, free) is not None:
        free, n = f"{data.id}-{n}", n + 1
    if free != data.id:
        data = data.model_copy(update={"id": free, "uid": default_uid(free)})
    return upsert_meeting(session, data=data, now=now)
