"""Read meetings from files. Every reader yields (line, raw dict) pairs; `Reading` runs the
one enrichment step on them (storage.importers.enrich) and validates them a batch at a time,
reporting each bad row as `FILE:LINE: what is wrong`, and per meeting what was inferred and
what could not be. `open_file` streams a file (CSV and JSON lines row by row, YAML and JSON a
meeting at a time); `read_file` and `read_text` read all of it into a `ReadResult`."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path
from typing import IO, Any, Literal

from pydantic import ValidationError

from storage.models import DEFAULT_UID_SUFFIX, MeetingData, default_uid

FORMATS = ("yaml", "json", "jsonl", "csv", "xlsx", "ics", "indico", "txt", "docx", "pdf")
PROSE_FORMATS = ("txt", "docx", "pdf")  # read by storage.importers.prose
_EXTENSIONS = {
    ".yaml": "yaml", ".yml": "yaml", ".json": "json", ".jsonl": "jsonl",
    ".ndjson": "jsonl", ".csv": "csv", ".ics": "ics",
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
    warnings about the file as a whole. A streaming reader leaves `rows` empty and gives
    `stream`, read as it is iterated (adding to `errors` as it goes), and `progress`, the
    share of the file read so far."""

    rows: list[Row] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    stream: Iterable[Row] = ()
    progress: Callable[[], float] | None = None


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


def _reader(fmt: str) -> Callable[[str], Iterable[Row] | Found]:
    if fmt == "yaml":
        from storage.importers import structured

        return structured.read_rows
    if fmt == "json":
        from storage.importers import structured

        return structured.read_json
    if fmt == "jsonl":
        from storage.importers import structured

        return lambda text: structured.stream_json_lines(io.StringIO(text))
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


def read_rows(found: Iterable[Row] | Found, *, name: str, enrich: bool = True) -> ReadResult:
    """Enrich and validate a reader's rows (a list, or a `Found`); without
    `enrich`, rows are taken as written (only the benchmark does that)."""
    reading = Reading(found, name=name, enrich=enrich)
    result = ReadResult()
    for batch in reading.batches():
        result.meetings.extend(batch)
    result.errors, result.reports = reading.errors, reading.reports
    result.warnings = reading.warnings
    return result


BATCH = 1000  # rows enriched and validated together


class Reading:
    """A reader's rows being enriched and validated, `size` at a time (`batches`): `errors`
    (`FILE:LINE: …`, in line order once all are read), `reports` and `warnings` fill as it
    goes, and `failed` tells at once whether any row was bad. Ids must be distinct in a file;
    with `reports="unresolved"`, only the reports that say something could not be read are
    kept (a long import then holds no more than its ids)."""

    def __init__(
        self,
        found: Iterable[Row] | Found,
        *,
        name: str,
        enrich: bool = True,
        reports: Literal["all", "unresolved"] = "all",
        closing: IO[Any] | None = None,
    ) -> None:
        self.found = found if isinstance(found, Found) else Found(rows=list(found))
        self.name, self.enrich, self.keep = name, enrich, reports
        self.reports: list[RowReport] = []
        self.count = 0  # valid meetings so far
        self._errors: list[str] = []
        self.lines: list[int] = []  # the line of each meeting in the last batch
        self._seen: dict[str, int] = {}  # id -> the line it was read on
        self._uids: dict[str, tuple[int, str]] = {}  # explicit UID -> (line, id)
        self._explicit: set[str] = set()  # ids given a UID other than their default
        self._acronyms: set[str] = set()
        self._closing = closing

    @property
    def warnings(self) -> list[str]:
        return self.found.warnings

    @property
    def failed(self) -> bool:
        return bool(self._errors or self.found.errors)

    @property
    def errors(self) -> list[str]:
        found = [f"{self.name}:{line}: {message}" for line, message in self.found.errors]
        return sorted(self._errors + found, key=line_order)

    def progress(self) -> float | None:
        return self.found.progress() if self.found.progress else None

    def batches(self, size: int = BATCH) -> Iterator[list[MeetingData]]:
        rows = chain(self.found.rows, self.found.stream)
        try:
            while batch := list(islice(rows, size)):
                yield self._validated(batch)
        except ImportFormatError as e:
            self._errors.append(f"{self.name}:{e.line}: {e}")
        except UnicodeDecodeError as e:
            self._errors.append(f"{self.name}:{self._last + 1}: not UTF-8 text ({e.reason})")
        finally:
            if self._closing is not None:
                self._closing.close()

    _last = 0  # the last row's line

    def _validated(self, rows: list[Row]) -> list[MeetingData]:
        from storage.importers.enrich import as_given, enrich_all

        bad = {line for line, _ in self.found.errors}
        rows = [(line, raw) for line, raw in rows if line not in bad]
        self._last = rows[-1][0] if rows else self._last
        kept = [raw for _, raw in rows]
        done = enrich_all(kept, self._acronyms) if self.enrich else [as_given(r) for r in kept]
        valid: list[MeetingData] = []
        self.lines = lines = []
        for (line, _), enriched in zip(rows, done, strict=True):
            try:
                data = MeetingData.model_validate(enriched.row)
            except ValidationError as e:
                self._errors.append(f"{self.name}:{line}: {describe(e)}")
                continue
            assert data.id is not None
            if data.id in self._seen:
                self._errors.append(
                    f"{self.name}:{line}: duplicate id {data.id!r} (first on line "
                    f"{self._seen[data.id]})"
                )
                continue
            assert data.uid is not None
            if clash := self._uid_clash(data.id, data.uid):
                first, other = clash
                self._errors.append(
                    f"{self.name}:{line}: UID {data.uid!r} is also on line {first}, under id "
                    f"{other!r}: one meeting, one UID"
                )
                continue
            self._seen[data.id] = line
            if data.uid != default_uid(data.id):
                self._uids[data.uid] = (line, data.id)
                self._explicit.add(data.id)
            valid.append(data)
            lines.append(line)
            if self.keep == "all" or enriched.unresolved:
                report = RowReport(line, data.id, enriched.inferred, enriched.unresolved)
                self.reports.append(report)
        self.count += len(valid)
        return valid

    def _uid_clash(self, id: str, uid: str) -> tuple[int, str] | None:
        """(line, id) of an earlier meeting with this UID. Only UIDs other than the default
        `{id}@secbot` are kept (a long import holds no second string per row); a default UID
        is found from the id it was made of."""
        if uid in self._uids:
            return self._uids[uid]
        other = uid.removesuffix(DEFAULT_UID_SUFFIX)
        if other != uid and other in self._seen and other not in self._explicit:
            return self._seen[other], other
        return None


def line_order(error: str) -> int:
    """The line a `FILE:LINE: …` error names, to sort errors by (0 if none)."""
    m = re.search(r":(\d+): ", error)
    return int(m.group(1)) if m else 0


def read_file(path: Path, *, fmt: str | None = None) -> ReadResult:
    fmt = detect_format(path, fmt)
    if fmt in PROSE_FORMATS:
        from storage.importers.prose import read_prose

        prose = read_prose(path, fmt=fmt)
        return ReadResult(meetings=prose.meetings, errors=prose.errors)
    return read_rows(open_file(path, fmt=fmt).found, name=str(path))


def open_file(
    path: Path, *, fmt: str | None = None, reports: Literal["all", "unresolved"] = "all"
) -> Reading:
    """A file's meetings, to be read batch by batch (`Reading.batches`); not prose."""
    fmt = detect_format(path, fmt)
    name = str(path)
    try:
        if fmt == "json" and _is_indico(path):
            fmt = "indico"
        if fmt in ("csv", "json", "jsonl", "yaml"):
            return _stream(path, fmt, name, reports)
        if fmt == "xlsx":
            from storage.importers.xlsx import read_workbook

            found = read_workbook(path.read_bytes())
        else:
            read = _reader(fmt)(path.read_text(encoding="utf-8-sig"))
            found = read if isinstance(read, Found) else Found(rows=list(read))
    except ImportFormatError as e:
        return _failed(name, e.line, str(e))
    except UnicodeDecodeError as e:
        return _failed(name, 1, f"not UTF-8 text ({e.reason})")
    return Reading(found, name=name, reports=reports)


def _stream(path: Path, fmt: str, name: str, reports: Literal["all", "unresolved"]) -> Reading:
    """CSV, JSON, JSON lines and YAML, read from the open file as their rows are iterated."""
    from storage.importers import csv, structured

    f = path.open(encoding="utf-8-sig", newline="" if fmt == "csv" else None)
    try:
        if fmt == "csv":
            found = csv.stream_rows(f)
        elif fmt == "json":
            found = structured.stream_json(f)
        elif fmt == "jsonl":
            found = structured.stream_json_lines(f)
        else:
            found = Found(stream=structured.stream_yaml(f))
    except BaseException:
        f.close()
        raise
    size = max(path.stat().st_size, 1)
    raw = f.buffer.raw  # type: ignore[attr-defined]
    found.progress = lambda: min(raw.tell() / size, 1.0) if not raw.closed else 1.0
    return Reading(found, name=name, reports=reports, closing=f)


def _is_indico(path: Path) -> bool:
    """Whether a JSON file is an Indico export, told from its ends (not read whole)."""
    from storage.importers.indico import looks_like_indico

    with path.open("rb") as f:
        head = f.read(800)
        f.seek(max(path.stat().st_size - 800, 0))
        tail = f.read()
    ends = head.decode("utf-8-sig", "ignore")[:200] + tail.decode("utf-8", "ignore")[-200:]
    return looks_like_indico(ends)


def _failed(name: str, line: int, message: str) -> Reading:
    reading = Reading([], name=name)
    reading.found.errors.append((line, message))
    return reading
