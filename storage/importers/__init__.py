"""Read meetings from files. Every reader yields (line, raw dict) pairs; `read_file` runs the
one enrichment step on them (storage.importers.enrich), validates them all and reports each bad
row as `FILE:LINE: what is wrong` before anything is written, and per meeting what was inferred
and what could not be."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from storage.models import MeetingData

FORMATS = ("yaml", "json", "csv", "xlsx", "ics", "indico", "txt", "docx", "pdf")
PROSE_FORMATS = ("txt", "docx", "pdf")  # read by storage.importers.prose
_EXTENSIONS = {
    ".yaml": "yaml", ".yml": "yaml", ".json": "json", ".csv": "csv", ".ics": "ics",
    ".xlsx": "xlsx", ".xlsm": "xlsx",
    ".txt": "txt", ".text": "txt", ".md": "txt", ".docx": "docx", ".pdf": "pdf",
}  # fmt: skip

Row = tuple[int, dict[str, Any]]


class ImportFormatError(ValueError):
    """The file as a whole cannot be read (bad syntax, wrong shape)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


@dataclass
class Found:
    """What a reader found: meeting rows, the rows it could not read (line, what is wrong) and
    warnings about the file as a whole."""

    rows: list[Row] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)


@dataclass(frozen=True)
class RowReport:
    """What enrichment made of one meeting: field → what it was read from, and what it could
    not read (so an admin can fix the source)."""

    line: int
    id: str | None
    inferred: dict[str, str]
    unresolved: list[str]

    def json(self) -> dict[str, Any]:
        return {"line": self.line, "id": self.id, "inferred": self.inferred,
                "unresolved": self.unresolved}  # fmt: skip


@dataclass
class ReadResult:
    meetings: list[MeetingData] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    reports: list[RowReport] = field(default_factory=list)  # one per meeting, in order
    warnings: list[str] = field(default_factory=list)  # about the file as a whole


def detect_format(path: Path, given: str | None = None) -> str:
    if given:
        fmt = given.lower()
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {given!r}; use one of {', '.join(FORMATS)}")
        return fmt
    fmt_or_none = _EXTENSIONS.get(path.suffix.lower())
    if fmt_or_none is None:
        raise ValueError(
            f"cannot tell the format of {path.name} from its extension; pass --format "
            f"({', '.join(FORMATS)})"
        )
    return fmt_or_none


def _reader(fmt: str) -> Callable[[str], Iterable[Row] | Any]:
    if fmt in ("yaml", "json"):
        from storage.importers import structured

        return structured.read_rows
    if fmt == "csv":
        from storage.importers import csv

        return csv.read_rows
    if fmt == "indico":  # Indico's JSON export API
        from storage.importers import indico

        return indico.read_rows
    from storage.importers import ics

    return ics.read_rows


def describe(error: ValidationError) -> str:
    parts = []
    for e in error.errors():
        where = ".".join(str(p) for p in e["loc"])
        message = e["msg"].removeprefix("Value error, ")
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts)


def read_text(text: str, *, fmt: str, name: str, enrich: bool = True) -> ReadResult:
    if fmt == "json":
        from storage.importers.indico import looks_like_indico

        fmt = "indico" if looks_like_indico(text) else fmt
    try:
        return read_rows(_reader(fmt)(text), name=name, enrich=enrich)
    except ImportFormatError as e:
        return ReadResult(errors=[f"{name}:{e.line}: {e}"])


def read_rows(found: Iterable[Row] | Any, *, name: str, enrich: bool = True) -> ReadResult:
    """Enrich and validate a reader's rows (a list, or a `Found`); without
    `enrich`, rows are taken as written (only the benchmark does that)."""
    from storage.importers.enrich import as_given, enrich_all

    result = ReadResult()
    rows = list(getattr(found, "rows", found))
    result.warnings.extend(getattr(found, "warnings", []))
    errors = {line: message for line, message in getattr(found, "errors", [])}
    seen: dict[str, int] = {}
    uids: dict[str, tuple[int, str]] = {}  # UID -> (line, id) where first read
    kept = [raw for line, raw in rows if line not in errors]
    enriched = enrich_all(kept) if enrich else [as_given(raw) for raw in kept]
    lines = [line for line, _ in rows if line not in errors]
    result.errors.extend(f"{name}:{line}: {message}" for line, message in errors.items())
    for line, done in zip(lines, enriched, strict=True):
        try:
            data = MeetingData.model_validate(done.row)
        except ValidationError as e:
            result.errors.append(f"{name}:{line}: {describe(e)}")
            continue
        assert data.id is not None
        if data.id in seen:
            result.errors.append(
                f"{name}:{line}: duplicate id {data.id!r} (first on line {seen[data.id]})"
            )
            continue
        assert data.uid is not None
        if data.uid in uids:
            first, other = uids[data.uid]
            result.errors.append(
                f"{name}:{line}: UID {data.uid!r} is also on line {first}, under id {other!r}: "
                "one meeting, one UID"
            )
            continue
        seen[data.id] = line
        uids[data.uid] = (line, data.id)
        result.meetings.append(data)
        result.reports.append(RowReport(line, data.id, done.inferred, done.unresolved))
    result.errors.sort(key=_line_order)
    return result


def store_clashes(result: ReadResult, stored_ids: list[str | None], *, name: str) -> list[str]:
    """`FILE:LINE` errors for rows that would land on a stored meeting another row of the same
    file lands on too (`stored_ids`: per meeting read, the stored meeting its id, else its UID,
    names), so that neither is silently overwritten by the other."""
    errors: list[str] = []
    first: dict[str, tuple[int, str]] = {}
    for data, report, stored in zip(result.meetings, result.reports, stored_ids, strict=True):
        if stored is None:
            continue
        if stored in first:
            line, other = first[stored]
            errors.append(
                f"{name}:{report.line}: id {data.id!r} with UID {data.uid!r} is stored meeting "
                f"{stored!r}, which line {line} ({other!r}) changes too"
            )
        else:
            first[stored] = (report.line, data.id or "")
    return errors


def _line_order(error: str) -> int:
    m = re.search(r":(\d+): ", error)
    return int(m.group(1)) if m else 0


def read_file(path: Path, *, fmt: str | None = None) -> ReadResult:
    fmt = detect_format(path, fmt)
    if fmt in PROSE_FORMATS:
        from storage.importers.prose import read_prose

        prose = read_prose(path, fmt=fmt)
        return ReadResult(meetings=prose.meetings, errors=prose.errors)
    if fmt == "xlsx":
        from storage.importers.xlsx import read_workbook

        try:
            return read_rows(read_workbook(path.read_bytes()), name=str(path))
        except ImportFormatError as e:
            return ReadResult(errors=[f"{path}:{e.line}: {e}"])
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        return ReadResult(errors=[f"{path}:1: not UTF-8 text ({e.reason})"])
    return read_text(text, fmt=fmt, name=str(path))
