"""iCalendar objects for meetings (icalendar 7): events, calendars, and the X-SECBOT-* fields
that let secbot's own exports be imported again without losing anything."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from storage import places
from storage.importers.ics import CANCELLED_PREFIX, MONTH_ONLY_SUFFIX, X_FIELDS
from storage.models import Meeting, Precision, Status

PRODID = "-//secbot//secretariat meetings//EN"
KIND_LABELS = {
    "session": "Session",
    "bureau": "Bureau meeting",
    "regional_meeting": "Regional meeting",
    "expert_group": "Expert group meeting",
    "working_group": "Working group meeting",
    "workshop": "Workshop",
    "high_level_event": "High-level event",
    "conference": "Conference",
    "retreat": "Retreat",
    "teleconference": "Teleconference",
    "other": "Meeting",
}
_ICAL_STATUS = {
    Status.cancelled: "CANCELLED",
    Status.confirmed: "CONFIRMED",
    Status.held: "CONFIRMED",
    Status.planned: "TENTATIVE",
    Status.postponed: "TENTATIVE",
}


def location_text(m: Meeting) -> str:
    parts = [m.venue, m.city, places.country_name(m.country) if m.country else None]
    text = ", ".join(p for p in parts if p)
    return text or ("Online" if m.online else "")


def _bounds(m: Meeting) -> tuple[date | datetime, date | datetime]:
    assert m.start_date is not None and m.end_date is not None
    if m.start_time and m.precision == Precision.day:
        zone = ZoneInfo(m.timezone) if m.timezone else None
        start = datetime.combine(m.start_date, m.start_time, zone)
        if m.end_time:
            end = datetime.combine(m.end_date, m.end_time, zone)
        else:
            end = start + timedelta(hours=1)
        return start, end
    return m.start_date, m.end_date + timedelta(days=1)


def _x_values(m: Meeting) -> dict[str, str]:
    values: dict[str, object] = {
        "id": m.id, "short_name": m.short_name, "kind": m.kind, "series": m.series,
        "ordinal": m.ordinal, "status": m.status, "precision": m.precision, "city": m.city,
        "country": m.country, "region": m.region, "venue": m.venue,
        "online": "TRUE" if m.online else "FALSE", "hosts": "; ".join(m.hosts or []),
        "funders": "; ".join(m.funders or []), "partners": "; ".join(m.partners or []),
        "description": m.description, "source_document": m.source_document,
        "source_paragraph": m.source_paragraph,
    }  # fmt: skip
    by_key = {key: prop for prop, key in X_FIELDS.items()}
    return {by_key[k]: str(v) for k, v in values.items() if v not in (None, "")}


def description_text(m: Meeting, *, link: str | None = None) -> str:
    lines = [KIND_LABELS.get(m.kind, "Meeting")]
    if m.precision == Precision.month and m.start_date:
        lines.append(f"Exact dates not yet announced ({m.start_date:%B %Y}).")
    if m.hosts:
        lines.append("Hosted by " + ", ".join(m.hosts))
    if m.funders:
        lines.append("Funded by " + ", ".join(m.funders))
    if m.description:
        lines.append(m.description)
    if m.source_document:
        para = f", paragraph {m.source_paragraph}" if m.source_paragraph else ""
        lines.append(f"Source: {m.source_document}{para}")
    if link:
        lines.append(link)
    return "\n".join(lines)


def meeting_event(m: Meeting, *, stamp: datetime, base_url: str | None = None) -> Event:
    """The VEVENT of a dated meeting."""
    start, end = _bounds(m)
    summary = m.title
    if m.precision == Precision.month:
        summary += MONTH_ONLY_SUFFIX
    if m.status == Status.cancelled:
        summary = CANCELLED_PREFIX + summary
    url = f"{base_url.rstrip('/')}/calendar/meeting/{m.id}.ics" if base_url else None
    categories = [KIND_LABELS.get(m.kind, "Meeting")]
    if m.region:
        categories.append(m.region)
    event = Event.new(
        uid=m.uid,
        sequence=m.sequence,
        stamp=stamp,
        summary=summary,
        start=start,
        end=end,
        location=location_text(m) or None,
        description=description_text(m, link=url),
        status=_ICAL_STATUS.get(Status(m.status), "TENTATIVE"),  # type: ignore[arg-type]
        url=url,
        categories=categories,
        last_modified=m.updated_at,
        created=m.created_at,
    )
    if m.precision == Precision.month:
        event.add("TRANSP", "TRANSPARENT")
    for prop, value in _x_values(m).items():
        event.add(prop, value)
    return event


def meetings_calendar(
    meetings: Iterable[Meeting],
    *,
    stamp: datetime,
    name: str = "Secretariat meetings",
    base_url: str | None = None,
) -> Calendar:
    """A calendar of the dated meetings among `meetings` (undated ones cannot be placed)."""
    cal = Calendar.new(
        prodid=PRODID,
        name=name,
        refresh_interval=timedelta(hours=6),
        subcomponents=[
            meeting_event(m, stamp=stamp, base_url=base_url)
            for m in meetings
            if m.start_date is not None
        ],
    )
    cal.add("X-WR-CALNAME", name)
    cal.add("X-PUBLISHED-TTL", timedelta(hours=6))
    years = [e.start.year for e in cal.events]
    if years:
        cal.add_missing_timezones(date(min(years), 1, 1), date(max(years) + 1, 12, 31))
    return cal
