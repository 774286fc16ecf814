"""Indico's JSON HTTP export API (`/export/categ/ID.json`, `/export/event/ID.json`).

The shape, as Indico writes it (indico/modules/events/api.py `_build_event_api_data`,
indico/web/http_api/responses.py): `{"count", "additionalInfo", "ts", "url", "results": [...],
"_type": "HTTPAPIResult"}`; each result is an event with `id` (text), `title`, `description`
(HTML), `startDate`/`endDate` as `{"date", "time", "tz"}` in the *server's* zone, `timezone`
(the event's own zone), `location` (the venue), `room`, `address`, `url` and `label` (e.g.
`{"title": "Cancelled", "is_event_not_happening": true}`). An error is
`{"_type": "HTTPAPIError", "message": ...}`.

Each event becomes one row, with the UID Indico's own iCalendar export gives it
(`indico-event-<id>@<host>`), so a source can move between the ICS and the JSON export
without its meetings changing identity. Rows keep the line their event starts on.
"""

from __future__ import annotations

import json
from datetime import datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from storage.importers import ImportFormatError, Row
from storage.models import slugify

RESULT_TYPE = "HTTPAPIResult"
_DECODER = json.JSONDecoder()
_BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"}


def looks_like_indico(text: str) -> bool:
    """Whether JSON text is an Indico export API answer (checked on its last bytes, where
    Indico writes `_type`, and its first, for pretty-printed or reordered output)."""
    return RESULT_TYPE in text[-200:] or RESULT_TYPE in text[:200]


def read_rows(text: str) -> list[Row]:
    """One row per event of an Indico export; a whole file that is not one raises."""
    results, starts, base = _results(text)
    rows: list[Row] = []
    for event, offset in zip(results, starts, strict=True):
        line = text.count("\n", 0, offset) + 1
        if not isinstance(event, dict):
            raise ImportFormatError(line, "each result must be an event object")
        rows.append((line, _event_row(event, base)))
    return rows


def _skip_space(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t\r\n":
        i += 1
    return i


def _results(text: str) -> tuple[list[Any], list[int], str | None]:
    """The `results` list, where each result starts in `text`, and the export's own URL.

    The top-level object is walked with the stdlib decoder's `raw_decode`, value by value,
    so every event's offset is known without a second parser.
    """
    i = _skip_space(text, 0)
    if not text.startswith("{", i):
        raise ImportFormatError(1, "not an Indico export: expected a JSON object")
    top: dict[str, Any] = {}
    results: list[Any] | None = None
    starts: list[int] = []
    i += 1
    try:
        while True:
            i = _skip_space(text, i)
            if text.startswith("}", i):
                break
            key, i = _DECODER.raw_decode(text, i)
            i = _skip_space(text, i)
            if not text.startswith(":", i):
                raise ValueError("expected ':'")
            i = _skip_space(text, i + 1)
            if key == "results" and text.startswith("[", i):
                results, i = _list_with_offsets(text, i, starts)
            else:
                top[key], i = _DECODER.raw_decode(text, i)
            i = _skip_space(text, i)
            if text.startswith(",", i):
                i += 1
    except (ValueError, IndexError) as e:
        line = text.count("\n", 0, min(i, len(text))) + 1
        raise ImportFormatError(line, f"not valid JSON: {e}") from None
    if top.get("_type") == "HTTPAPIError" or (results is None and "message" in top):
        raise ImportFormatError(1, f"Indico answered with an error: {top.get('message')}")
    if results is None:
        raise ImportFormatError(1, "not an Indico export: no `results` list")
    base = top.get("url") if isinstance(top.get("url"), str) else None
    return results, starts, base


def _list_with_offsets(text: str, i: int, starts: list[int]) -> tuple[list[Any], int]:
    items: list[Any] = []
    i += 1
    while True:
        i = _skip_space(text, i)
        if text.startswith("]", i):
            return items, i + 1
        starts.append(i)
        item, i = _DECODER.raw_decode(text, i)
        items.append(item)
        i = _skip_space(text, i)
        if text.startswith(",", i):
            i += 1
        elif not text.startswith("]", i):
            raise ValueError("expected ',' or ']' in results")


def _host(event: dict[str, Any], base: str | None) -> str:
    for url in (event.get("url"), base):
        if isinstance(url, str) and urlparse(url).hostname:
            return str(urlparse(url).hostname)
    return "indico"


def _local(value: Any, zone: ZoneInfo | None) -> datetime | None:
    """An Indico `{"date", "time", "tz"}` as an aware datetime in `zone` (else its own)."""
    if not isinstance(value, dict) or not value.get("date"):
        return None
    try:
        own = ZoneInfo(str(value.get("tz") or "UTC"))
        moment = datetime.fromisoformat(f"{value['date']}T{value.get('time') or '00:00:00'}")
    except (ZoneInfoNotFoundError, ValueError):
        return None
    aware = moment.replace(tzinfo=own)
    return aware.astimezone(zone) if zone else aware


def _zone(event: dict[str, Any]) -> ZoneInfo | None:
    name = event.get("timezone") or (event.get("startDate") or {}).get("tz")
    try:
        return ZoneInfo(str(name)) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _event_row(event: dict[str, Any], base: str | None) -> dict[str, Any]:
    uid = f"indico-event-{event.get('id')}@{_host(event, base)}"
    raw: dict[str, Any] = {"uid": uid, "id": slugify(uid), "title": str(event.get("title") or "")}
    zone = _zone(event)
    start, end = _local(event.get("startDate"), zone), _local(event.get("endDate"), zone)
    if start is not None:
        raw["start"] = start.date().isoformat()
        raw["start_time"] = start.strftime("%H:%M")
        if zone is not None:
            raw["timezone"] = zone.key
        if end is not None and end >= start:
            raw["end"] = end.date().isoformat()
            raw["end_time"] = end.strftime("%H:%M")
    label = event.get("label")
    if isinstance(label, dict) and label.get("is_event_not_happening"):
        raw["status"] = "cancelled"
    location, address = (str(event.get(k) or "").strip() for k in ("location", "address"))
    venue = ", ".join(dict.fromkeys(p for p in (location, address) if p))
    venue = venue or str(event.get("roomFullname") or event.get("room") or "").strip()
    if venue:
        raw["venue"] = venue[:200]
    description = html_text(str(event.get("description") or ""))
    if description:
        raw["description"] = description
    return raw


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text(html: str) -> str:
    """Indico's HTML description as plain text: paragraphs on their own lines."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)
