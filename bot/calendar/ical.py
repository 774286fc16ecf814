"""iCalendar objects for meetings (icalendar 7): feed events, calendars and iMIP invites, plus
the X-SECBOT-* fields that let secbot's own exports be imported again without losing anything.

How meetings become events:
- a meeting with day precision and no times is all-day: `DTSTART;VALUE=DATE`, and `DTEND` the
  day after its last day (DTEND is exclusive);
- a meeting with a start time is timed in its venue's zone (`DTSTART;TZID=...`), with one
  VTIMEZONE per zone used, cut to the dates the calendar spans; without a zone it is floating;
- a month-only meeting ("April 2015") spans the whole month as an all-day, transparent (not
  busy), tentative event whose summary ends "(dates to be confirmed)";
- an undated meeting is left out: nothing can place it;
- a cancelled meeting stays, with STATUS:CANCELLED and "Cancelled: " before its summary.

In a published calendar (no METHOD) DTSTAMP is the time the meeting last changed (RFC 5545,
3.8.7.2), so the same data always serialises to the same bytes; invites stamp the send time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from storage import places
from storage.importers.ics import CANCELLED_PREFIX, MONTH_SUFFIX, X_FIELDS
from storage.models import KIND_LABELS, Meeting, Precision, Status

if TYPE_CHECKING:  # icalendar loads slowly: imported where used, so answering never pays for it
    from icalendar import Alarm, Calendar, Event, vCalAddress

PRODID = "-//secbot//secretariat meetings//EN"
FEED_NAME = "Secretariat meetings"
FEED_UID = "meetings@secbot"
# How often calendar apps should poll (RFC 7986 REFRESH-INTERVAL, and X-PUBLISHED-TTL for
# Outlook/Apple, which predate it).
REFRESH = timedelta(hours=6)
_ICAL_STATUS = {
    Status.cancelled: "CANCELLED",
    Status.confirmed: "CONFIRMED",
    Status.held: "CONFIRMED",
    Status.planned: "TENTATIVE",
    Status.postponed: "TENTATIVE",
}
_X_PROPERTY = {key: prop for prop, key in X_FIELDS.items()}


def is_placeable(m: Meeting) -> bool:
    """Whether the meeting can go in a calendar (it has at least a month)."""
    return m.start_date is not None and m.end_date is not None


def meeting_link(m: Meeting, base_url: str | None) -> str | None:
    return f"{base_url.rstrip('/')}/calendar/meeting/{m.id}.ics" if base_url else None


def location_text(m: Meeting) -> str:
    parts = [m.venue, m.city, places.country_name(m.country) if m.country else None]
    text = ", ".join(p for p in parts if p)
    return text or ("Online" if m.online else "")


def summary_text(m: Meeting) -> str:
    summary = m.title
    if m.precision == Precision.month:
        summary += MONTH_SUFFIX
    if m.status == Status.cancelled:
        summary = CANCELLED_PREFIX + summary
    return summary


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


def ical_status(m: Meeting) -> str:
    if m.precision == Precision.month and m.status != Status.cancelled:
        return "TENTATIVE"
    return _ICAL_STATUS.get(Status(m.status), "TENTATIVE")


def event_bounds(m: Meeting) -> tuple[date | datetime, date | datetime]:
    """(DTSTART, DTEND) of a placeable meeting: dates (end exclusive) or zoned date-times."""
    assert m.start_date is not None and m.end_date is not None
    if m.start_time and m.precision == Precision.day:
        zone = ZoneInfo(m.timezone) if m.timezone else None
        start = datetime.combine(m.start_date, m.start_time, zone)
        if m.end_time:
            end = datetime.combine(m.end_date, m.end_time, zone)
        else:
            end = datetime.combine(m.end_date, m.start_time, zone) + timedelta(hours=1)
        return start, end
    return m.start_date, m.end_date + timedelta(days=1)


def categories(m: Meeting) -> list[str]:
    return [KIND_LABELS.get(m.kind, "Meeting"), *([m.region] if m.region else [])]


def machine_fields(m: Meeting) -> dict[str, str]:
    """The X-SECBOT-* properties: every stored field, so `secbot import` restores the row."""
    values: dict[str, object] = {
        "id": m.id, "short_name": m.short_name, "kind": m.kind, "series": m.series,
        "ordinal": m.ordinal, "status": m.status, "precision": m.precision, "city": m.city,
        "country": m.country, "region": m.region, "venue": m.venue,
        "online": "TRUE" if m.online else "FALSE", "hosts": "; ".join(m.hosts or []),
        "funders": "; ".join(m.funders or []), "partners": "; ".join(m.partners or []),
        "description": m.description, "source_document": m.source_document,
        "source_paragraph": m.source_paragraph,
    }  # fmt: skip
    return {_X_PROPERTY[k]: str(v) for k, v in values.items() if v not in (None, "")}


def alarm(minutes: int, summary: str) -> Alarm:
    """A display alarm `minutes` before the start (VALARM)."""
    from icalendar import Alarm

    valarm = Alarm()
    valarm.add("ACTION", "DISPLAY")
    valarm.add("TRIGGER", timedelta(minutes=-minutes))
    valarm.add("DESCRIPTION", summary)
    return valarm


def meeting_event(
    m: Meeting,
    *,
    stamp: datetime | None = None,
    base_url: str | None = None,
    alarms: Sequence[int] = (),
    sequence: int | None = None,
) -> Event:
    """The VEVENT of a placeable meeting. `stamp` defaults to the meeting's last change."""
    start, end = event_bounds(m)
    summary = summary_text(m)
    link = meeting_link(m, base_url)
    from icalendar import Event

    event = Event.new(
        uid=m.uid,
        sequence=m.sequence if sequence is None else sequence,
        stamp=stamp or m.updated_at,
        summary=summary,
        start=start,
        end=end,
        location=location_text(m) or None,
        description=description_text(m, link=link),
        status=ical_status(m),  # type: ignore[arg-type]
        url=link,
        categories=categories(m),
        last_modified=m.updated_at,
        created=m.created_at,
        transparency="TRANSPARENT" if m.precision == Precision.month else None,  # type: ignore[arg-type]
    )
    for prop, value in machine_fields(m).items():
        event.add(prop, value)
    for minutes in sorted(set(alarms)):
        event.add_component(alarm(minutes, summary))
    return event


def zoned_days(event: Event) -> list[date]:
    """The dates of the event's zoned start and end (what its VTIMEZONEs must cover)."""
    return [
        value.date()
        for value in (event.DTSTART, event.DTEND)
        if isinstance(value, datetime) and value.tzinfo is not None
    ]


def used_tzids(event: Event) -> frozenset[str]:
    """The TZIDs the event's properties name (as `Calendar.get_used_tzids` finds them)."""
    items = event.property_items(sorted=False)
    found = {v.params.get("TZID") for _, v in items if hasattr(v, "params")}
    return frozenset(t for t in found if t)


def timezone_range(events: Iterable[Event]) -> tuple[date, date] | None:
    """The dates the zoned events span, a day either side: VTIMEZONEs need cover no more."""
    days = [day for e in events for day in zoned_days(e)]
    if not days:
        return None
    return min(days) - timedelta(days=1), max(days) + timedelta(days=1)


def new_calendar(
    events: list[Event], *, name: str, uid: str, method: str | None = None
) -> Calendar:
    """A VCALENDAR around `events` with the RFC 7986 feed properties and its VTIMEZONEs."""
    from icalendar import Calendar, vDuration

    cal = Calendar.new(
        prodid=PRODID,
        name=name,
        uid=uid,
        method=method,
        refresh_interval=None if method else REFRESH,
        subcomponents=events,
    )
    if not method:
        cal.add("X-PUBLISHED-TTL", vDuration(REFRESH))
    span = timezone_range(events)
    if span:
        cal.add_missing_timezones(*span)
        # zones come from a set: order them by TZID so equal data gives equal bytes
        cal.subcomponents.sort(key=lambda c: (c.name != "VTIMEZONE", str(c.get("TZID", ""))))
    return cal


def meetings_calendar(
    meetings: Iterable[Meeting],
    *,
    stamp: datetime | None = None,
    name: str = FEED_NAME,
    uid: str = FEED_UID,
    base_url: str | None = None,
    alarms: Mapping[str, Sequence[int]] | None = None,
) -> Calendar:
    """A published calendar of the placeable meetings among `meetings`.

    `alarms` maps meeting ids to alarm offsets in minutes (a private feed's VALARMs).
    """
    alarms = alarms or {}
    events = [
        meeting_event(m, stamp=stamp, base_url=base_url, alarms=alarms.get(m.id, ()))
        for m in meetings
        if is_placeable(m)
    ]
    return new_calendar(events, name=name, uid=uid)


CALENDAR_END = b"END:VCALENDAR\r\n"


def calendar_head(
    *, name: str, uid: str, tzids: Iterable[str], days: tuple[date, date] | None
) -> bytes:
    """The bytes `new_calendar` writes before its events, for events naming `tzids` whose
    zoned times fall from days[0] to days[1]: the calendar's properties and its VTIMEZONEs.
    A feed is then this head, the events' own bytes (`Event.to_ical()`) and CALENDAR_END."""
    from icalendar import Timezone

    cal = new_calendar([], name=name, uid=uid)
    if days is not None:
        first, last = days[0] - timedelta(days=1), days[1] + timedelta(days=1)
        for tzid in sorted(set(tzids) - {"UTC"}):
            try:
                zone = Timezone.from_tzid(tzid, first_date=first, last_date=last)
            except ValueError:  # unknown zones are left out, as add_missing_timezones does
                continue
            cal.add_component(zone)
    body = cal.to_ical()
    assert body.endswith(CALENDAR_END)
    return body[: -len(CALENDAR_END)]


def mailbox(address: str, name: str | None = None, **params: str) -> vCalAddress:
    """A `mailto:` calendar address with an optional CN and parameters (ROLE, RSVP, ...)."""
    from icalendar import vCalAddress

    value = vCalAddress(f"mailto:{address}")
    if name:
        value.params["CN"] = name
    for key, param in params.items():
        value.params[key] = param
    return value


def invite_calendar(
    m: Meeting,
    *,
    method: str,
    organizer: tuple[str, str],
    attendees: Sequence[str],
    stamp: datetime,
    sequence: int,
    base_url: str | None = None,
) -> Calendar:
    """An iTIP message (RFC 5546) for one meeting: METHOD REQUEST or CANCEL, with ORGANIZER and
    one ATTENDEE per address, the meeting's UID and the given SEQUENCE."""
    if method not in ("REQUEST", "CANCEL"):
        raise ValueError(f"unsupported iTIP method {method!r}")
    event = meeting_event(m, stamp=stamp, base_url=base_url, sequence=sequence)
    if method == "CANCEL":
        event["STATUS"] = "CANCELLED"
    address, cn = organizer
    event.add("ORGANIZER", mailbox(address, cn))
    for attendee in attendees:
        params = {"ROLE": "REQ-PARTICIPANT", "PARTSTAT": "NEEDS-ACTION", "RSVP": "TRUE"}
        if method == "CANCEL":
            params = {"ROLE": "REQ-PARTICIPANT"}
        event.add("ATTENDEE", mailbox(attendee, None, **params))
    return new_calendar([event], name=m.title, uid=f"invite-{m.uid}", method=method)
