""" "Add to calendar" links for one meeting: its .ics on the feed server (any calendar app opens
it), a Google Calendar event template and an Outlook on the web compose link.

Google: `calendar.google.com/calendar/render?action=TEMPLATE` with `text`, `dates` (all-day
`YYYYMMDD/YYYYMMDD`, the end exclusive; timed `YYYYMMDDTHHMMSS/...` in the `ctz` zone),
`details` and `location`. Outlook: `outlook.office.com/calendar/0/deeplink/compose` with
`path=/calendar/action/compose`, `rru=addevent`, `subject`, `startdt`/`enddt` (ISO 8601: dates
with `allday=true`, the end exclusive; else date-times with their UTC offset), `body` and
`location`. Only meetings with days get the Google and Outlook links: a month-only meeting's
.ics marks it free and tentative, which those links cannot say; an undated one has none.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.calendar.ical import location_text, meeting_link
from storage.models import KIND_LABELS, Meeting, Precision

GOOGLE = "https://calendar.google.com/calendar/render"
OUTLOOK = "https://outlook.office.com/calendar/0/deeplink/compose"
ICS = "Calendar file (.ics)"
GOOGLE_LABEL = "Google Calendar"
OUTLOOK_LABEL = "Outlook"


def _zone(name: str | None) -> ZoneInfo | None:
    try:
        return ZoneInfo(name) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _details(m: Meeting, ics: str | None) -> str:
    lines = [KIND_LABELS.get(m.kind, "Meeting")]
    if m.short_name:
        lines[0] += f" ({m.short_name})"
    if ics:
        lines.append(f"Calendar file with updates: {ics}")
    return "\n".join(lines)


def _timed(m: Meeting) -> tuple[datetime, datetime] | None:
    """Start and end as aware date-times in the venue's zone, for a meeting with times."""
    if m.start_date is None or m.start_time is None:
        return None
    zone = _zone(m.timezone)
    start = datetime.combine(m.start_date, m.start_time, zone)
    end_day = m.end_date or m.start_date
    end = datetime.combine(end_day, m.end_time or time(23, 59), zone)
    return start, max(end, start + timedelta(minutes=30))


def google_url(m: Meeting, *, ics: str | None = None) -> str | None:
    if m.start_date is None or m.precision != Precision.day:
        return None
    params = {"action": "TEMPLATE", "text": m.title}
    timed = _timed(m)
    if timed is not None:
        start, end = timed
        params["dates"] = f"{start:%Y%m%dT%H%M%S}/{end:%Y%m%dT%H%M%S}"
        if m.timezone:
            params["ctz"] = m.timezone
    else:
        after = (m.end_date or m.start_date) + timedelta(days=1)
        params["dates"] = f"{m.start_date:%Y%m%d}/{after:%Y%m%d}"
    params["details"] = _details(m, ics)
    location = location_text(m)
    if location:
        params["location"] = location
    return f"{GOOGLE}?{urlencode(params)}"


def outlook_url(m: Meeting, *, ics: str | None = None) -> str | None:
    if m.start_date is None or m.precision != Precision.day:
        return None
    params = {"path": "/calendar/action/compose", "rru": "addevent", "subject": m.title}
    timed = _timed(m)
    if timed is not None and timed[0].tzinfo is not None:
        params["startdt"], params["enddt"] = (t.isoformat() for t in timed)
    else:
        after = (m.end_date or m.start_date) + timedelta(days=1)
        params.update(startdt=m.start_date.isoformat(), enddt=after.isoformat(), allday="true")
    params["body"] = _details(m, ics)
    location = location_text(m)
    if location:
        params["location"] = location
    return f"{OUTLOOK}?{urlencode(params)}"


def calendar_links(m: Meeting, public_url: str) -> dict[str, str]:
    """{label: url} for the meeting: the .ics first, then Google and Outlook; empty for a
    meeting without dates."""
    ics = meeting_link(m, public_url)
    if m.start_date is None or ics is None:
        return {}
    links = {ICS: ics}
    for label, url in (
        (GOOGLE_LABEL, google_url(m, ics=ics)),
        (OUTLOOK_LABEL, outlook_url(m, ics=ics)),
    ):
        if url:
            links[label] = url
    return links
