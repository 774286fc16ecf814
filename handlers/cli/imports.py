"""`secbot import` for files of meetings (YAML, JSON, JSON lines, CSV, XLSX, ICS): read,
enriched, validated and written a batch at a time in one transaction, all rows or none."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from bot import meetings
from handlers.cli.common import cli_runtime, err, out, print_json
from storage import db, repo
from storage.bulk import fewer_collections
from storage.importers import Reading, RowReport, line_order, open_file
from storage.importers.ahead import ReadAhead, can_read_ahead
from storage.models import Meeting, MeetingData, meeting_json

PROGRESS_FROM = 200  # meetings: smaller imports show no progress bar


def import_rows(file: Path, *, fmt: str, dry_run: bool, as_json: bool, now: str | None) -> None:
    """Import `file`; a bad row anywhere writes nothing (the transaction is rolled back)."""
    keep: Literal["all", "unresolved"] = "all" if as_json or dry_run else "unresolved"
    reading: Reading | ReadAhead  # a large file is read by a child process, a batch ahead
    if can_read_ahead(file):
        reading = ReadAhead(file, fmt=fmt, reports=keep)
    else:
        reading = open_file(file, fmt=fmt, reports=keep)
    payload: dict[str, Any] = {"meetings": [], "errors": []}
    order: list[str] = []  # the file's ids, for --json
    clashes = _Clashes()
    rt = cli_runtime(now)
    with (
        db.session_scope(rt.engine) as session,
        _Bar(show=not as_json) as bar,
        fewer_collections(),
    ):

        def clean() -> Iterator[list[MeetingData]]:
            """The batches until a row is bad; after that, rows are only checked."""
            for batch in reading.batches():
                bar.advance(reading)
                if reading.failed:
                    continue
                stored = repo.stored_ids(session, items=batch)  # matched by id, then UID
                if clashes.found(stored, batch, reading.lines):
                    continue
                if as_json:
                    order.extend(s or d.id or "" for d, s in zip(batch, stored, strict=True))
                yield batch

        outcome = meetings.import_batches(session, batches=clean(), now=rt.clock.now())
        if not (reading.failed or clashes) and as_json:
            payload["meetings"] = _stored(session, order)
        if reading.failed or clashes or dry_run:
            session.rollback()
    if reading.failed or clashes:
        errors = sorted(reading.errors + clashes.errors(str(file)), key=line_order)
        payload["errors"] = errors
        if as_json:
            print_json(payload)
        for line in errors:
            sys.stderr.write(line + "\n")
        err.print(f"[red]{len(errors)} bad row(s); nothing was written[/red]")
        raise typer.Exit(1)
    payload["summary"] = counts = outcome.counts()
    if dry_run:
        payload["dry_run"] = True
    payload["report"] = [r.json() for r in reading.reports]
    payload["warnings"] = reading.warnings
    if as_json:
        print_json(payload)
        return
    print_report(reading.reports, reading.warnings, verbose=dry_run)
    verb = "would import" if dry_run else "imported"
    out.print(
        f"{verb} {reading.count} meeting(s): {counts['new']} new, {counts['updated']} updated, "
        f"{counts['unchanged']} unchanged"
    )


class _Clashes:
    """Rows of one file that would land on the same stored meeting (one by its id, another by
    its UID): neither may silently overwrite the other."""

    def __init__(self) -> None:
        self._first: dict[str, tuple[str, int]] = {}  # stored id -> (file's id, line) changing it
        self._found: list[tuple[MeetingData, int, str, tuple[str, int]]] = []  # row, line, …

    def __bool__(self) -> bool:
        return bool(self._found)

    def found(
        self, stored_ids: list[str | None], batch: list[MeetingData], lines: list[int]
    ) -> bool:
        """Note the batch's rows that match stored meetings (`lines`: each row's line)."""
        for data, stored, line in zip(batch, stored_ids, lines, strict=True):
            if stored is None:
                continue
            if stored in self._first:
                self._found.append((data, line, stored, self._first[stored]))
            else:
                self._first[stored] = (data.id or "", line)
        return bool(self._found)

    def errors(self, name: str) -> list[str]:
        return [
            f"{name}:{line}: id {data.id!r} with UID {data.uid!r} is stored meeting "
            f"{stored!r}, which line {other_line} ({other!r}) changes too"
            for data, line, stored, (other, other_line) in self._found
        ]


def _stored(session: Any, ids: list[str]) -> list[dict[str, Any]]:
    """The stored meetings, as JSON, in the file's order (read before any rollback)."""
    from sqlmodel import col, select

    found: dict[str, dict[str, Any]] = {}
    for i in range(0, len(ids), 500):
        query = select(Meeting).where(col(Meeting.id).in_(ids[i : i + 500]))
        found.update((m.id, meeting_json(m)) for m in session.exec(query))
    return [found[i] for i in ids]


class _Bar:
    """A progress bar on stderr, by the share of the file read, once an import is long."""

    def __init__(self, *, show: bool) -> None:
        self.show = show
        self.bar: Progress | None = None
        self.task: Any = None

    def __enter__(self) -> _Bar:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()

    def advance(self, reading: Reading | ReadAhead) -> None:
        if not self.show or reading.count < PROGRESS_FROM:
            return
        if self.bar is None:
            self.bar = Progress(
                TextColumn("importing"), BarColumn(), MofNCompleteColumn(), TextColumn("meetings"),
                TimeElapsedColumn(), console=err, transient=False,
            )  # fmt: skip
            self.task = self.bar.add_task("importing", total=None)
            self.bar.start()
        share = reading.progress()
        total = int(reading.count / share) if share else None
        self.bar.update(self.task, completed=reading.count, total=total)


def print_report(reports: list[RowReport], warnings: list[str], *, verbose: bool) -> None:
    """Per meeting, what was inferred (with --dry-run) and what could not be (always)."""
    for w in warnings:
        err.print(f"[yellow]warning:[/yellow] {w}", highlight=False, markup=True)
    for r in reports:
        lines = [f"  {k}: {v}" for k, v in r.inferred.items()] if verbose else []
        lines += [f"  [yellow]not read:[/yellow] {u}" for u in r.unresolved]
        if lines:
            out.print(f"line {r.line} [bold]{r.id}[/bold]", highlight=False)
            for line in lines:
                out.print(line, highlight=False, soft_wrap=True)
