"""Read meetings from files. Every reader yields (line, raw dict) pairs; `read_file` validates
them all and reports each bad row as `FILE:LINE: what is wrong` before anything is written."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from storage.models import MeetingData

FORMATS = ("yaml", "json", "csv", "ics", "indico", "txt", "docx", "pdf")
PROSE_FORMATS = ("txt", "docx", "pdf")  # read by storage.importers.prose
_EXTENSIONS = {
    ".yaml": "yaml", ".yml": "yaml", ".json": "json", ".csv": "csv", ".ics": "ics",
    ".txt": "txt", ".text": "txt", ".md": "txt", ".docx": "docx", ".pdf": "pdf",
}  # fmt: skip

Row = tuple[int, dict[str, Any]]


class ImportFormatError(ValueError):
    """The file as a whole cannot be read (bad syntax, wrong shape)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


@dataclass
class ReadResult:
    meetings: list[MeetingData] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


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


def _reader(fmt: str) -> Callable[[str], Iterable[Row]]:
    if fmt in ("yaml", "json"):
        from storage.importers.structured import read_rows
    elif fmt == "csv":
        from storage.importers.csv import read_rows
    elif fmt == "indico":  # Indico's JSON export API
        from storage.importers.indico import read_rows
    else:
        from storage.importers.ics import read_rows
    return read_rows


def describe(error: ValidationError) -> str:
    parts = []
    for e in error.errors():
        where = ".".join(str(p) for p in e["loc"])
        message = e["msg"].removeprefix("Value error, ")
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts)


def read_text(text: str, *, fmt: str, name: str) -> ReadResult:
    result = ReadResult()
    seen: dict[str, int] = {}
    if fmt == "json":
        from storage.importers.indico import looks_like_indico

        fmt = "indico" if looks_like_indico(text) else fmt
    try:
        rows = list(_reader(fmt)(text))
    except ImportFormatError as e:
        result.errors.append(f"{name}:{e.line}: {e}")
        return result
    for line, raw in rows:
        try:
            data = MeetingData.model_validate(raw)
        except ValidationError as e:
            result.errors.append(f"{name}:{line}: {describe(e)}")
            continue
        assert data.id is not None
        if data.id in seen:
            result.errors.append(
                f"{name}:{line}: duplicate id {data.id!r} (first on line {seen[data.id]})"
            )
            continue
        seen[data.id] = line
        result.meetings.append(data)
    return result


def read_file(path: Path, *, fmt: str | None = None) -> ReadResult:
    fmt = detect_format(path, fmt)
    if fmt in PROSE_FORMATS:
        from storage.importers.prose import read_prose

        prose = read_prose(path, fmt=fmt)
        return ReadResult(meetings=prose.meetings, errors=prose.errors)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        return ReadResult(errors=[f"{path}:1: not UTF-8 text ({e.reason})"])
    return read_text(text, fmt=fmt, name=str(path))
