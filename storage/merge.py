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

from typing import Any

from storage import places
from storage.models import MeetingData, Precision, Status

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
