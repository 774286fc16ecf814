"""iCalendar files: one meeting per VEVENT. secbot's own exports carry X-SECBOT-* properties
so every field survives a round trip; other calendars' events (Google, Outlook, Indico) are read
from the standard ones and handed to enrichment in their own words: LOCATION, CATEGORIES,
DESCRIPTION (HTML made text), and timed events as instants with the zone the calendar named
(Outlook's Windows names included). Outlook's all-day flag, "Canceled:" titles and Indico's
"[Cancelled]" label are understood."""

from __future__ import annotations

import html
import re
from datetime import date, datetime, time, timedelta
from typing import Any

from storage.importers import Found, ImportFormatError
from storage.models import DEFAULT_UID_SUFFIX, slugify

X_FIELDS = {
    "X-SECBOT-ID": "id",
    "X-SECBOT-SHORT-NAME": "short_name",
    "X-SECBOT-KIND": "kind",
    "X-SECBOT-SERIES": "series",
    "X-SECBOT-ORDINAL": "ordinal",
    "X-SECBOT-STATUS": "status",
    "X-SECBOT-PRECISION": "precision",
    "X-SECBOT-CITY": "city",
    "X-SECBOT-COUNTRY": "country",
    "X-SECBOT-REGION": "region",
    "X-SECBOT-VENUE": "venue",
    "X-SECBOT-ONLINE": "online",
    "X-SECBOT-HOSTS": "hosts",
    "X-SECBOT-FUNDERS": "funders",
    "X-SECBOT-PARTNERS": "partners",
    "X-SECBOT-NOTES": "description",
    "X-SECBOT-SOURCE-DOCUMENT": "source_document",
    "X-SECBOT-SOURCE-PARAGRAPH": "source_paragraph",
}
_STATUS = {"CANCELLED": "cancelled", "TENTATIVE": "planned", "CONFIRMED": "confirmed"}
CANCELLED_PREFIX = "Cancelled: "
# "Canceled: …" (Outlook), "Cancelled: …", "… [Cancelled]" (Indico's label), "… (postponed)"
_LABEL = re.compile(
    r"^\s*(?P<pre>cancell?ed|postponed)\s*:\s*|\s*[\[(](?P<post>cancell?ed|postponed)[\])]\s*$",
    re.IGNORECASE,
)
MONTH_SUFFIX = " (dates to be confirmed)"  # summary of a month-only meeting in secbot's feeds


def _event_lines(text: str) -> list[int]:
    return [i + 1 for i, line in enumerate(text.splitlines()) if line.strip() == "BEGIN:VEVENT"]


def read_rows(text: str) -> Found:
    """One row per VEVENT; an event whose properties cannot be read (an impossible date, a
    SEQUENCE that is not a number, an end before its start) is reported on its BEGIN line."""
    try:
        from icalendar import Calendar  # loads slowly: only when reading a file

        calendars = Calendar.from_ical(text, multiple=True)
    except ValueError as e:
        raise ImportFormatError(1, f"not a valid iCalendar file: {e}") from None
    pairs = [(cal, ev) for cal in calendars for ev in cal.walk("VEVENT")]
    lines = _event_lines(text)
    found = Found()
    for i, (cal, event) in enumerate(pairs):
        line = lines[i] if i < len(lines) else 1
        try:
            found.rows.append((line, _event_row(event, _text(cal, "X-WR-TIMEZONE"))))
        except (ValueError, TypeError) as e:
            found.errors.append((line, _unreadable(e)))
    return found


def _unreadable(error: Exception) -> str:
    """icalendar's message for a broken property, said plainly ("Cannot access 'dt' on broken
    property 'DTSTART' (…): Wrong date format 20160230")."""
    message = str(error)
    broken = re.search(r"broken property '(\w+)'.*?: (.*)$", message)
    if broken:
        return f"{broken.group(1)}: cannot be read ({broken.group(2)})"
    return message


def _sequence(event: Any) -> int | None:
    value = event.get("SEQUENCE")
    if value is None:
        return None
    try:
        return int(str(value))
    except ValueError:
        raise ValueError(f"SEQUENCE: {str(value)!r} is not a number") from None


def _check_order(begin: date, finish: date | None) -> None:
    if finish is not None and _as_comparable(finish, begin) < _as_comparable(begin, finish):
        raise ValueError(f"DTEND ({finish.isoformat()}) is before DTSTART ({begin.isoformat()})")


def _as_comparable(value: date, other: date) -> date | datetime:
    if isinstance(value, datetime) and isinstance(other, datetime):
        return (
            value
            if (value.tzinfo is None) == (other.tzinfo is None)
            else value.replace(tzinfo=None)
        )
    return value.date() if isinstance(value, datetime) else value


def _text(event: Any, name: str) -> str | None:
    value = event.get(name)
    return str(value) if value is not None else None


def _event_row(event: Any, calendar_zone: str | None = None) -> dict[str, Any]:
    if "X-SECBOT-ID" not in event:
        return _foreign_row(event, calendar_zone)
    raw: dict[str, Any] = {}
    summary = _text(event, "SUMMARY") or ""
    status = (_text(event, "STATUS") or "").upper()
    if status == "CANCELLED":
        summary = summary.removeprefix(CANCELLED_PREFIX)
    raw["title"] = summary
    uid = _text(event, "UID")
    if uid:
        raw["uid"] = uid
        raw["id"] = slugify(uid.removesuffix(DEFAULT_UID_SUFFIX))
    if status in _STATUS:
        raw["status"] = _STATUS[status]
    if (sequence := _sequence(event)) is not None:
        raw["sequence"] = sequence
    raw.update(_dates(event))
    for prop, key in X_FIELDS.items():
        value = _text(event, prop)
        if value is None:
            continue
        if key in ("hosts", "funders", "partners"):
            raw[key] = [p.strip() for p in value.split(";") if p.strip()]
        elif key == "online":
            raw[key] = value.upper() == "TRUE"
        elif key.startswith("source_"):
            raw.setdefault("source", {})[key.removeprefix("source_")] = value
        else:
            raw[key] = value
    if raw.get("precision") == "month":
        raw["title"] = raw["title"].removesuffix(MONTH_SUFFIX)
    if raw.get("precision") == "month" and "start" in raw:
        raw["start"] = raw["start"][:7]
        raw["end"] = raw["end"][:7]
    return raw


def _dates(event: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    start = event.get("DTSTART")
    if start is None:
        return out
    start_value = start.dt
    end_value = event.get("DTEND").dt if event.get("DTEND") is not None else None
    _check_order(start_value, end_value)
    if isinstance(start_value, datetime):
        tzid = getattr(start_value.tzinfo, "key", None) or start.params.get("TZID")
        if tzid:
            out["timezone"] = str(tzid)
        out["start"] = start_value.date().isoformat()
        out["start_time"] = start_value.strftime("%H:%M")
        if isinstance(end_value, datetime):
            if start_value.tzinfo and end_value.tzinfo:
                end_value = end_value.astimezone(start_value.tzinfo)
            out["end"] = end_value.date().isoformat()
            out["end_time"] = end_value.strftime("%H:%M")
        return out
    if isinstance(start_value, date):
        out["start"] = start_value.isoformat()
        last = (end_value - timedelta(days=1)) if isinstance(end_value, date) else start_value
        out["end"] = max(last, start_value).isoformat()
    return out


def _foreign_row(event: Any, calendar_zone: str | None) -> dict[str, Any]:
    """Another calendar's event, in its own words for enrichment to read."""
    raw: dict[str, Any] = {}
    title = (_text(event, "SUMMARY") or "").strip()
    status = _STATUS.get((_text(event, "STATUS") or "").upper())
    label = _LABEL.search(title)
    if label:
        title = (title[: label.start()] + title[label.end() :]).strip()
        word = (label.group("pre") or label.group("post") or "").lower()
        status = "postponed" if word == "postponed" else "cancelled"
    raw["title"] = title
    if status:
        raw["status"] = status
    uid = _text(event, "UID")
    if uid:
        raw["uid"] = uid
        raw["id"] = slugify(uid)
    if (sequence := _sequence(event)) is not None:
        raw["sequence"] = sequence
    location = _text(event, "LOCATION")
    if location and location.strip():
        raw["location"] = location.strip()
    description = _plain(_text(event, "DESCRIPTION") or "")
    if description:
        raw["description"] = description
    categories = [str(c) for prop in _props(event, "CATEGORIES") for c in getattr(prop, "cats", [])]
    if categories:
        raw["categories"] = categories
    raw.update(_instants(event, calendar_zone))
    return raw


def _props(event: Any, name: str) -> list[Any]:
    value = event.get(name)
    return [] if value is None else value if isinstance(value, list) else [value]


def _plain(text: str) -> str:
    """A description as text: HTML (Google writes some) loses its tags."""
    if re.search(r"<(?:br|p|a|div|b|i|span|ul|li)\b[^>]*>|</\w+>", text, re.I):
        text = re.sub(r"<br\s*/?>|</p>|</div>|</li>", "\n", text, flags=re.I)
        text = html.unescape(re.sub(r"<[^>]+>", "", text))
    return text.strip()


def _instants(event: Any, calendar_zone: str | None) -> dict[str, Any]:
    """Dates of an all-day event; instants and the calendar's zone of a timed one."""
    start = event.get("DTSTART")
    if start is None:
        return {}
    begin = start.dt
    end_prop = event.get("DTEND")
    finish = end_prop.dt if end_prop is not None else None
    if finish is None and event.get("DURATION") is not None:
        finish = begin + event.get("DURATION").dt
    _check_order(begin, finish)
    all_day = str(event.get("X-MICROSOFT-CDO-ALLDAYEVENT", "")).upper() == "TRUE"
    if isinstance(begin, datetime) and all_day and begin.time() == time(0):
        begin = begin.date()  # Outlook's all-day event written as midnight to midnight
        finish = finish.date() if isinstance(finish, datetime) else finish
    if not isinstance(begin, datetime):
        last = (finish - timedelta(days=1)) if isinstance(finish, date) else begin
        return {"start": begin.isoformat(), "end": max(last, begin).isoformat()}
    out: dict[str, Any] = {"starts_at": begin.isoformat()}
    if isinstance(finish, datetime):
        out["ends_at"] = finish.isoformat()
    zone = start.params.get("TZID") or getattr(begin.tzinfo, "key", None)
    if zone and str(zone).upper() not in ("UTC", "Z", "GMT", "ETC/UTC"):
        out["source_timezone"] = str(zone)
    elif calendar_zone:
        out["source_timezone"] = calendar_zone  # a UTC time: the calendar's own zone, if no venue
    elif begin.tzinfo is not None:
        out["source_timezone"] = "UTC"
    return out
