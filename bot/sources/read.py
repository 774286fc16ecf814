"""Reading a fetched calendar: tell iCalendar from Indico's JSON by the bytes themselves (a
server's Content-Type is often wrong), refuse what is neither (an HTML login page, an error
page), and read the events through the importers (`storage.importers`), the same readers
`secbot import` uses, so a source's rows are validated exactly like a file's."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from storage.importers import read_text
from storage.importers.indico import looks_like_indico
from storage.models import MeetingData

_CHARSET = re.compile(r"charset=\"?([\w.:-]+)", re.IGNORECASE)


class NotACalendar(ValueError):
    """The body is not a calendar secbot can read; the message says what it looks like."""


@dataclass
class Calendar:
    format: str  # ics | indico
    meetings: list[MeetingData] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # "NAME:LINE: what is wrong", per event


def decode(body: bytes, content_type: str = "") -> str:
    """The body as text: the charset the server names, else UTF-8 (a BOM is dropped)."""
    found = _CHARSET.search(content_type)
    encoding = found.group(1) if found else "UTF-8"
    try:
        return body.decode("utf-8-sig" if encoding.lower() in ("utf-8", "utf8") else encoding)
    except (LookupError, UnicodeDecodeError) as e:
        raise NotACalendar(f"the calendar is not {encoding} text ({e})") from None


def detect(text: str, content_type: str = "") -> str:
    """`ics` or `indico` from what the text is; NotACalendar for anything else."""
    head = text.lstrip("\ufeff \t\r\n")[:200]
    if head.upper().startswith("BEGIN:VCALENDAR"):
        return "ics"
    if head.startswith("{") and looks_like_indico(text):
        return "indico"
    kind = content_type.split(";")[0].strip() or "unknown type"
    if head.lower().startswith(("<!doctype html", "<html")) or "html" in kind:
        what = "an HTML page (a login or error page?)"
    elif head.startswith(("{", "[")):
        what = "JSON that is not an Indico export"
    else:
        what = f"{kind} starting {head[:40]!r}"
    raise NotACalendar(f"not a calendar: the server sent {what}")


def read_calendar(body: bytes, *, content_type: str, name: str) -> Calendar:
    """The events of a fetched calendar; per-event problems in `errors` (as `NAME:LINE: …`),
    a body that is no calendar at all raises NotACalendar."""
    text = decode(body, content_type)
    fmt = detect(text, content_type)
    result = read_text(text, fmt=fmt, name=name)
    if result.errors and not result.meetings:
        more = f" (and {len(result.errors) - 1} more)" if len(result.errors) > 1 else ""
        raise NotACalendar(f"no event could be read: {result.errors[0]}{more}")
    return Calendar(format=fmt, meetings=result.meetings, errors=result.errors)
