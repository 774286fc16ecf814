"""Dates as people type them in a spreadsheet cell: "14–18 March 2022", "6-18 Nov 2022",
"28 Nov – 2 Dec 2022", "March 14-18, 2022", "23/05/2023" (day first), "2023-06-05 – 2023-06-15",
"2025-06-16/2025-06-26", "September 2025 (tbc)". A cell is read into (start, end) as MeetingData
takes them: `YYYY-MM-DD`, or `YYYY-MM` when only the month is known."""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime

_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
_MONTHS["sept"] = 9
_MON = r"(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_TO = r"\s*(?:-|–|—|to|until|till|/)\s*"
_ISO = r"(\d{4})-(\d{1,2})-(\d{1,2})"
_DMY = r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso_range", re.compile(rf"^{_ISO}{_TO}{_ISO}$")),
    ("dmy_range", re.compile(rf"^{_DMY}{_TO}{_DMY}$")),
    (
        "dm_dm_y",
        re.compile(
            rf"^(\d{{1,2}})\s+({_MON})(?:\s+(\d{{4}}))?{_TO}(\d{{1,2}})\s+({_MON})\s+(\d{{4}})$",
            re.I,
        ),
    ),
    ("d_d_my", re.compile(rf"^(\d{{1,2}}){_TO}(\d{{1,2}})\s+({_MON})\s+(\d{{4}})$", re.I)),
    (
        "m_d_m_d_y",
        re.compile(rf"^({_MON})\s+(\d{{1,2}}){_TO}({_MON})\s+(\d{{1,2}}),?\s+(\d{{4}})$", re.I),
    ),
    ("m_d_d_y", re.compile(rf"^({_MON})\s+(\d{{1,2}}){_TO}(\d{{1,2}}),?\s+(\d{{4}})$", re.I)),
    ("iso", re.compile(rf"^{_ISO}$")),
    ("dmy", re.compile(rf"^{_DMY}$")),
    ("dmy_words", re.compile(rf"^(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MON}),?\s+(\d{{4}})$", re.I)),
    ("mdy_words", re.compile(rf"^({_MON})\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})$", re.I)),
    ("month", re.compile(rf"^({_MON})\s+(\d{{4}})$", re.I)),
    ("iso_month", re.compile(r"^(\d{4})-(\d{1,2})$")),
]


class DateError(ValueError):
    """A cell that does not read as a date or a range of dates."""


def _month(name: str) -> int:
    return _MONTHS[name.lower().rstrip(".")]


def _day(y: str | int, m: str | int, d: str | int) -> str:
    try:
        return date(int(y), int(m), int(d)).isoformat()
    except ValueError as e:
        raise DateError(f"{int(y):04d}-{int(m):02d}-{int(d):02d} is not a date ({e})") from None


def read_dates(cell: object) -> tuple[str | None, str | None]:
    """(start, end) of a cell; (None, None) for an empty one. Raises DateError."""
    if isinstance(cell, datetime):
        return cell.date().isoformat(), None
    if isinstance(cell, date):
        return cell.isoformat(), None
    text = re.sub(r"\([^)]*\)|\b(?:tbc|tbd|to be confirmed)\b", " ", str(cell or ""), flags=re.I)
    text = re.sub(r"\s+", " ", text).strip(" ,;")
    if not text:
        return None, None
    found = _match(text)
    if found is not None:
        return found
    halves = re.split(r"\s+(?:-|–|—|to|until|till)\s+", text, maxsplit=1)
    if len(halves) == 2:  # "Dec 30, 2023 - Jan 2, 2024": each half a date of its own
        first, last = _match(halves[0]), _match(halves[1])
        if first and last and first[1] is None and last[1] is None:
            return first[0], last[0]
    raise DateError(f"cannot read {str(cell).strip()!r} as a date or dates (e.g. 14–18 March 2022)")


def _match(text: str) -> tuple[str | None, str | None] | None:
    for name, pattern in _PATTERNS:
        m = pattern.match(text)
        if m:
            return _read(name, m.groups())
    return None


def _read(name: str, g: tuple[str, ...]) -> tuple[str | None, str | None]:
    if name == "iso_range":
        return _day(g[0], g[1], g[2]), _day(g[3], g[4], g[5])
    if name == "dmy_range":
        return _day(g[2], g[1], g[0]), _day(g[5], g[4], g[3])
    if name == "dm_dm_y":
        first_year = g[2] or g[5]
        return _day(first_year, _month(g[1]), g[0]), _day(g[5], _month(g[4]), g[3])
    if name == "d_d_my":
        return _day(g[3], _month(g[2]), g[0]), _day(g[3], _month(g[2]), g[1])
    if name == "m_d_m_d_y":
        return _day(g[4], _month(g[0]), g[1]), _day(g[4], _month(g[2]), g[3])
    if name == "m_d_d_y":
        return _day(g[3], _month(g[0]), g[1]), _day(g[3], _month(g[0]), g[2])
    if name == "iso":
        return _day(g[0], g[1], g[2]), None
    if name == "dmy":
        return _day(g[2], g[1], g[0]), None
    if name == "dmy_words":
        return _day(g[2], _month(g[1]), g[0]), None
    if name == "mdy_words":
        return _day(g[2], _month(g[0]), g[1]), None
    if name == "month":
        return f"{int(g[1]):04d}-{_month(g[0]):02d}", None
    return f"{int(g[0]):04d}-{int(g[1]):02d}", None  # iso_month
