"""`secbot import` for prose documents (.txt, .docx, .pdf): extract, then upsert by matching."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from bot import meetings
from bot.runtime import open_runtime
from handlers.cli.common import err, out
from storage import db
from storage.models import Meeting, meeting_json, table_values


def _row(data: Any) -> Meeting:
    """A transient row, so extracted meetings print as the shared JSON meeting object."""
    return Meeting(id=data.id, uid=data.uid, sequence=data.sequence, **table_values(data))


def _place(m: dict[str, Any]) -> str:
    return ", ".join(p for p in (m["city"], m["country"]) if p) or ("online" if m["online"] else "")


def _when(m: dict[str, Any]) -> str:
    if not m["start"]:
        return "no date"
    return m["start"] if m["start"] == m["end"] else f"{m['start']} → {m['end']}"


def import_prose(file: Path, *, fmt: str, dry_run: bool, as_json: bool, now: str | None) -> None:
    """Extract meetings from a document; with --dry-run print them, else upsert them."""
    from storage.importers.prose import read_prose  # loads slowly: only when importing prose

    result = read_prose(file, fmt=fmt)
    if result.errors:
        if as_json:
            sys.stdout.write(json.dumps({"meetings": [], "deadlines": [], "warnings": [],
                                         "errors": result.errors}, indent=2) + "\n")  # fmt: skip
        for line in result.errors:
            err.print(line, markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(1)
    found = [meeting_json(_row(m)) for m in result.meetings]
    for m in found:  # the sentence or line each meeting was read from, for the admin to check
        m["found_in"] = result.found_in.get(m["id"])
    payload: dict[str, Any] = {
        "meetings": found,
        "deadlines": result.deadlines,
        "warnings": result.warnings,
    }
    outcomes: list[str] = []
    if not dry_run:
        try:
            rt = open_runtime(now=now)
        except ValueError as e:
            err.print(f"[red]error:[/red] {e}")
            raise typer.Exit(2) from None
        stamp = rt.clock.now()
        with db.session_scope(rt.engine) as session:
            stored = meetings.import_found(
                session, found=result.meetings, deadlines=result.deadlines, now=stamp
            )
            found[:] = [meeting_json(s.meeting) for s in stored.saved]
            outcomes = [s.outcome for s in stored.saved]
        for d in result.deadlines:
            d["meeting"] = stored.stored_ids.get(d["meeting"], d["meeting"])
        payload["summary"] = {k: outcomes.count(k) for k in ("new", "updated", "unchanged")}
    if as_json:
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return
    table = Table(title=f"{len(found)} meeting(s) in {result.document}")
    for column in ("", "id", "when", "title", "place", "kind", "status"):
        table.add_column(column)
    for i, m in enumerate(found):
        mark = outcomes[i] if outcomes else "found"
        table.add_row(mark, m["id"], _when(m), m["title"], _place(m), m["kind"], m["status"])
    out.print(table)
    for d in result.deadlines:
        out.print(f"deadline {d['due_date']} ({d['kind']}): {d['title']}", highlight=False)
    for w in result.warnings:
        err.print(f"[yellow]warning:[/yellow] {w}", highlight=False)
    if outcomes:
        s = payload["summary"]
        out.print(f"imported: {s['new']} new, {s['updated']} updated, {s['unchanged']} unchanged")
    else:
        out.print("dry run: nothing was written")
