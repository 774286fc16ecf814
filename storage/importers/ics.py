"""iCalendar files: one meeting per VEVENT. secbot's own exports carry X-SECBOT-* properties
so every field survives a round trip; other calendars' events are read from the standard ones."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from storage.importers import ImportFormatError, Row
from storage.models import slugify

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
MONTH_SUFFIX = " (dates to be confirmed)"  # summary of a month-only meeting in secbot's feeds


def _event_lines(text: str) -> list[int]:
    return [i + 1 for i, line in enumerate(text.splitlines()) if line.strip() == "BEGIN:VEVENT"]


def read_rows(text: str) -> list[Row]:
    try:
        from icalendar import Calendar  # loads slowly: only when reading a file

        calendars = Calendar.from_ical(text, multiple=True)
    except ValueError as e:
        raise ImportFormatError(1, f"not a valid iCalendar file: {e}") from None
    events = [ev for cal in calendars for ev in cal.walk("VEVENT")]
    lines = _event_lines(text)
    return [(lines[i] if i < len(lines) else 1, _event_row(ev)) for i, ev in enumerate(events)]


def _text(event: Any, name: str) -> str | None:
    value = event.get(name)
    return str(value) if value is not None else None


def _event_row(event: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {}
    summary = _text(event, "SUMMARY") or ""
    status = (_text(event, "STATUS") or "").upper()
    if status == "CANCELLED":
        summary = summary.removeprefix(CANCELLED_PREFIX)
    raw["title"] = summary
    uid = _text(event, "UID")
    if uid:
        raw["uid"] = uid
        raw["id"] = slugify(uid.removesuffix("@secbot"))
    if status in _STATUS:
        raw["status"] = _STATUS[status]
    if event.get("SEQUENCE") is not None:
        raw["sequence"] = int(event.get("SEQUENCE"))
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
    own = "X-SECBOT-ID" in event
    if raw.get("precision") == "month":
        raw["title"] = raw["title"].removesuffix(MONTH_SUFFIX)
    if not own and "city" not in raw and "venue" not in raw and event.get("LOCATION"):
        raw["venue"] = str(event.get("LOCATION"))[:200]
    if "description" not in raw and event.get("DESCRIPTION") and not own:
        raw["description"] = str(event.get("DESCRIPTION"))
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
