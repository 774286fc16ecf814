"""Spreadsheets as people keep them (CSV or XLSX): a header row in their own words
("Meeting", "Event", "From", "Start date", "Dates", "Venue", "Location", "City", "Country",
"Type", "Notes") or secbot's field names, one meeting a row. Columns that are not meeting
fields are reported, never silently dropped; a cell that cannot be read names its row."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from typing import Any

from storage import places
from storage.importers import Found, ImportFormatError, Row
from storage.importers.dates import DateError, read_dates
from storage.models.types import tidy

# secbot's own columns (what `secbot export --format csv` writes)
COLUMNS = (
    "id", "title", "short_name", "kind", "series", "ordinal", "status", "start", "end",
    "start_time", "end_time", "timezone", "city", "country", "region", "venue", "online",
    "hosts", "funders", "partners", "description", "source_document", "source_paragraph",
    "uid", "sequence",
)  # fmt: skip
_TRUE = {"true", "yes", "1", "y", "x", "online", "virtual"}
_FALSE = {"false", "no", "0", "n", ""}
_LISTS = ("hosts", "funders", "partners")
# What makes a spreadsheet read a cell as a formula (OWASP, CSV injection): `secbot export`
# writes such a cell behind a single quote, which reading takes off again.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@cache
def _aliases() -> dict[str, str]:
    """Folded header → field (or `location`, `dates`, `categories`, which enrichment reads)."""
    out: dict[str, str] = {}
    phrases = {
        "title": ["meeting", "event", "name", "meeting name", "event name", "event title",
                  "meeting title", "subject", "summary"],
        "start": ["from", "start date", "starts", "begins", "first day", "opening", "start_date"],
        "end": ["to", "end date", "ends", "until", "last day", "closing", "end_date"],
        "dates": ["dates", "date", "date s", "when", "period", "dates of meeting"],
        "location": ["location", "place", "where", "address", "venue address", "venue"],
        "city": ["town"],
        "categories": ["type", "category", "categories", "meeting type", "event type",
                       "kind of meeting"],
        "description": ["notes", "note", "remarks", "comments", "details"],
        "hosts": ["host", "hosted by", "host country", "host government"],
        "funders": ["funder", "funded by", "donor", "donors", "sponsor", "sponsors", "funding"],
        "partners": ["partner", "organisers", "organizers", "organised by", "organized by"],
        "short_name": ["short name", "acronym", "abbreviation", "code", "symbol"],
        "online": ["virtual", "remote"],
        "timezone": ["time zone", "tz"],
        "start_time": ["start time", "time from"],
        "end_time": ["end time", "time to"],
    }  # fmt: skip
    for key, names in phrases.items():
        for name in names:
            out[_fold(name)] = key
    for column in COLUMNS:
        out[_fold(column)] = column
    return out


def _fold(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", places.fold(header)).strip()


def is_header(cells: Sequence[Any]) -> bool:
    """Does a row name the meeting column (a header, not a title row above it)?"""
    return any(_aliases().get(_fold(str(c or ""))) == "title" for c in cells)


def read_sheet(header: Sequence[Any], records: Iterable[tuple[int, Sequence[Any]]]) -> Found:
    """Meeting rows from a header and (line, cells) records; blank records are skipped."""
    sheet = stream_sheet(header, records)
    sheet.rows, sheet.stream = list(sheet.stream), ()
    return sheet


def stream_sheet(header: Sequence[Any], records: Iterable[tuple[int, Sequence[Any]]]) -> Found:
    """`read_sheet` whose rows are read as they are iterated (the header is read at once); a
    cell that cannot be read is added to `errors` when its record is reached."""
    aliases = _aliases()
    names = [str(h or "").strip() for h in header]
    fields = [aliases.get(_fold(n)) for n in names]
    if "title" not in fields:
        raise ImportFormatError(
            1, "no column names the meeting (a `title`, `Meeting`, `Event` or `Name` column)"
        )
    sheet = Found()
    unknown = [n for n, f in zip(names, fields, strict=True) if f is None and n]
    if unknown:
        sheet.warnings.append(
            f"column(s) not imported, not being meeting fields: {', '.join(unknown)}"
        )

    def rows() -> Iterator[Row]:
        for line, cells in records:
            values = list(cells)
            texts = [_cell(v) for v in values]
            if len(values) > len(fields) and any(texts[len(fields) :]):
                raise ImportFormatError(line, "more cells than columns")
            if not any(texts):
                continue
            try:
                yield line, _row(fields, names, values, texts)
            except DateError as e:
                sheet.errors.append((line, str(e)))

    sheet.stream = rows()
    return sheet


def _cell(value: Any) -> str:
    """A cell's text as given (a leading tab kept), the quote an export put before a
    formula-like text taken off."""
    text = "" if value is None else tidy(str(value))
    return text[1:] if text.startswith("'") and text[1:2] in FORMULA_START else text


def _row(
    fields: list[str | None], names: list[str], values: list[Any], texts: list[str]
) -> dict[str, Any]:
    """A record's fields: `values` as the sheet holds them, `texts` as `_cell` reads them."""
    raw: dict[str, Any] = {}
    for key, name, value, text in zip(fields, names, values, texts, strict=False):
        if key is None:
            continue
        if key in ("source_document", "source_paragraph"):
            if text:
                raw.setdefault("source", {})[key.removeprefix("source_")] = text
        elif key == "online":
            lowered = text.lower()
            raw["online"] = (lowered in _TRUE) if lowered in _TRUE | _FALSE else text
        elif key in ("dates", "start", "end"):
            _dates(raw, key, name, value)
        elif key == "categories":
            if text:
                raw.setdefault("categories", []).append(text)
        elif key in _LISTS and text:
            raw[key] = [tidy(p) for p in re.split(r"[;\n]", text) if p.strip()]
        elif text:
            raw[key] = text
    return raw


def _dates(raw: dict[str, Any], key: str, name: str, value: Any) -> None:
    try:
        start, end = read_dates(value)
    except DateError as e:
        raise DateError(f"{name}: {e}") from None
    if start is None:
        return
    if key == "end":
        raw["end"] = start
        return
    raw["start"] = start
    if end is not None:
        raw["end"] = end
