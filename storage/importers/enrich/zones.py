"""Time zones as calendars name them, and times moved into the venue's zone.

Outlook names zones the Windows way ("W. Europe Standard Time"); the CLDR windowsZones
table, as icalendar ships it, gives the IANA zone. A calendar's timed event keeps its instant
and is shown in the venue's zone, so its dates are the venue's (an event starting at 21:00
UTC in Suva starts the next day there).
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON


@cache
def iana(name: str) -> str | None:
    """The IANA zone for an IANA or Windows zone name ("W. Europe Standard Time" →
    "Europe/Berlin"); None when neither."""
    name = name.strip().strip('"')
    for candidate in (name, WINDOWS_TO_OLSON.get(name)):
        if candidate:
            try:
                ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
            return candidate
    return None


def local(instant: str | datetime, zone: str) -> datetime:
    """An aware instant (ISO text or datetime) as the wall time in `zone`."""
    moment = datetime.fromisoformat(instant) if isinstance(instant, str) else instant
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment.astimezone(ZoneInfo(zone))
